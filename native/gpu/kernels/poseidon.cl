// BLS12-381 Fr Montgomery arithmetic and Filecoin's MerkleTree Poseidon in OpenCL C
// (docs/gpu.md#kernels, docs/poseidon.md §1–4). Elements cross every buffer boundary as canonical
// little-endian 4×64-bit limbs; they enter Montgomery form (×R² reduced) inside the kernel and
// leave it (×1 reduced) before being stored, so the host never converts. Round constants and
// matrices come from the host in Montgomery form (converted once by `to_mont`), exactly the
// optimized-form tables the CPU kernel uses (compressed constants + sparse partial rounds).

typedef struct { ulong l[4]; } fr;

#define P0 0xffffffff00000001UL
#define P1 0x53bda402fffe5bfeUL
#define P2 0x3339d80809a1d805UL
#define P3 0x73eda753299d7d48UL
#define INV 0xfffffffeffffffffUL

// a + b·c + *carry; the high word of the 128-bit result goes to *carry (never overflows).
inline ulong mac(ulong a, ulong b, ulong c, ulong *carry) {
  ulong lo = b * c;
  ulong hi = mul_hi(b, c);
  lo += a;
  hi += (lo < a);
  lo += *carry;
  hi += (lo < *carry);
  *carry = hi;
  return lo;
}

// t (< 2p) → t mod p
inline fr reduce_once(ulong t0, ulong t1, ulong t2, ulong t3) {
  ulong s0 = t0 - P0, b = (t0 < P0);
  ulong x = t1 - P1, s1 = x - b;
  b = (t1 < P1) | (x < b);
  x = t2 - P2;
  ulong s2 = x - b;
  b = (t2 < P2) | (x < b);
  x = t3 - P3;
  ulong s3 = x - b;
  b = (t3 < P3) | (x < b);
  fr r;
  if (b) { r.l[0] = t0; r.l[1] = t1; r.l[2] = t2; r.l[3] = t3; }
  else { r.l[0] = s0; r.l[1] = s1; r.l[2] = s2; r.l[3] = s3; }
  return r;
}

inline fr fr_add(fr a, fr b) {
  ulong t[4], c = 0;
  for (int i = 0; i < 4; i++) {
    ulong s = a.l[i] + b.l[i];
    ulong c1 = s < a.l[i];
    t[i] = s + c;
    c = c1 | (t[i] < s);
  }
  return reduce_once(t[0], t[1], t[2], t[3]);
}

#ifndef FR_MUL32
// CIOS Montgomery multiplication, a·b·R⁻¹ mod p (the same steps as fr.h MulPortable).
inline fr fr_mul(fr a, fr b) {
  const ulong p[4] = {P0, P1, P2, P3};
  ulong t[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; i++) {
    ulong c = 0;
    for (int j = 0; j < 4; j++) t[j] = mac(t[j], a.l[j], b.l[i], &c);
    ulong s = t[4] + c;
    t[5] = (s < c);
    t[4] = s;
    ulong m = t[0] * INV;
    c = 0;
    mac(t[0], m, p[0], &c);
    for (int j = 1; j < 4; j++) t[j - 1] = mac(t[j], m, p[j], &c);
    s = t[4] + c;
    t[3] = s;
    t[4] = t[5] + (s < c);
  }
  return reduce_once(t[0], t[1], t[2], t[3]);
}

#else
// -DFR_MUL32: CIOS Montgomery multiplication over 8 × 32-bit words (R = 2^256 either way, so the
// result is the same element as the 64-bit form above). GPUs multiply 32×32→64 natively and
// emulate 64×64→128 (mul_hi), so GPU-type devices get this form (src/gpu/session.ts); on PoCL's
// CPU device the 64-bit form measured as fast or faster (docs/gpu.md#kernels).
inline fr fr_mul(fr x, fr y) {
  const uint p[8] = {0x00000001u, 0xffffffffu, 0xfffe5bfeu, 0x53bda402u, 0x09a1d805u, 0x3339d808u, 0x299d7d48u, 0x73eda753u};
  uint a[8], b[8], t[10];
  for (int i = 0; i < 4; i++) {
    a[2 * i] = (uint)x.l[i];
    a[2 * i + 1] = (uint)(x.l[i] >> 32);
    b[2 * i] = (uint)y.l[i];
    b[2 * i + 1] = (uint)(y.l[i] >> 32);
  }
  for (int i = 0; i < 10; i++) t[i] = 0;
  for (int i = 0; i < 8; i++) {
    ulong c = 0;
    for (int j = 0; j < 8; j++) {
      c = (ulong)a[j] * b[i] + t[j] + (c >> 32);
      t[j] = (uint)c;
    }
    c = (ulong)t[8] + (c >> 32);
    t[8] = (uint)c;
    t[9] = (uint)(c >> 32);
    const uint m = t[0] * 0xffffffffu;  // −p⁻¹ mod 2^32 (p ≡ 1 mod 2^32)
    c = (ulong)m * p[0] + t[0];
    for (int j = 1; j < 8; j++) {
      c = (ulong)m * p[j] + t[j] + (c >> 32);
      t[j - 1] = (uint)c;
    }
    c = (ulong)t[8] + (c >> 32);
    t[7] = (uint)c;
    t[8] = t[9] + (uint)(c >> 32);
  }
  return reduce_once(((ulong)t[1] << 32) | t[0], ((ulong)t[3] << 32) | t[2], ((ulong)t[5] << 32) | t[4],
                     ((ulong)t[7] << 32) | t[6]);
}
#endif

inline fr pow5(fr x) {
  fr x2 = fr_mul(x, x);
  fr x4 = fr_mul(x2, x2);
  return fr_mul(x4, x);
}

inline fr load(__global const ulong *g, ulong i) {
  fr r;
  r.l[0] = g[4 * i]; r.l[1] = g[4 * i + 1]; r.l[2] = g[4 * i + 2]; r.l[3] = g[4 * i + 3];
  return r;
}
inline void store(__global ulong *g, ulong i, fr x) {
  g[4 * i] = x.l[0]; g[4 * i + 1] = x.l[1]; g[4 * i + 2] = x.l[2]; g[4 * i + 3] = x.l[3];
}

// R² mod p: canonical → Montgomery is one multiplication by it.
inline fr r2(void) {
  fr r;
  r.l[0] = 0xc999e990f3f29c6dUL; r.l[1] = 0x2b6cedcb87925c23UL; r.l[2] = 0x05d314967254398fUL; r.l[3] = 0x0748d9d99f59ff11UL;
  return r;
}
inline fr one_canonical(void) {
  fr r;
  r.l[0] = 1; r.l[1] = 0; r.l[2] = 0; r.l[3] = 0;
  return r;
}

// Canonical → Montgomery, in place: the host's constant tables (once per device).
__kernel void to_mont(__global ulong *x, ulong n) {
  ulong i = get_global_id(0);
  if (i < n) store(x, i, fr_mul(load(x, i), r2()));
}

#define MAX_T 12

// state' = state · m (row vector times row-major t×t matrix; docs/poseidon.md §4 step 3)
inline void mix(fr *s, __global const ulong *m, int t) {
  fr out[MAX_T];
  for (int j = 0; j < t; j++) {
    fr acc = fr_mul(s[0], load(m, j));
    for (int i = 1; i < t; i++) acc = fr_add(acc, fr_mul(s[i], load(m, i * t + j)));
    out[j] = acc;
  }
  for (int j = 0; j < t; j++) s[j] = out[j];
}

// The optimized permutation (neptune OptimizedStatic; docs/poseidon.md §3.4): compressed round
// constants, pre-sparse matrix, rp sparse matrices [m00, ŵ (t−1), v (t−1)].
inline void permute(fr *s, int t, int rf, int rp, __global const ulong *comp, __global const ulong *mds,
                    __global const ulong *pre, __global const ulong *sparse) {
  const int hf = rf / 2;
  ulong k = 0;
  for (int i = 0; i < t; i++) s[i] = fr_add(s[i], load(comp, k + i));
  k += t;
  for (int r = 0; r < hf; r++) {
    for (int i = 0; i < t; i++) s[i] = pow5(s[i]);
    for (int i = 0; i < t; i++) s[i] = fr_add(s[i], load(comp, k + i));
    k += t;
    mix(s, r == hf - 1 ? pre : mds, t);
  }
  ulong sp = 0;
  for (int r = 0; r < rp; r++) {
    s[0] = fr_add(pow5(s[0]), load(comp, k + r));
    fr s0 = s[0];
    fr acc = fr_mul(s0, load(sparse, sp));
    for (int i = 1; i < t; i++) acc = fr_add(acc, fr_mul(s[i], load(sparse, sp + i)));
    for (int j = 1; j < t; j++) s[j] = fr_add(s[j], fr_mul(s0, load(sparse, sp + t - 1 + j)));
    s[0] = acc;
    sp += 2 * t - 1;
  }
  k += rp;
  for (int r = 0; r < hf - 1; r++) {
    for (int i = 0; i < t; i++) s[i] = pow5(s[i]);
    for (int i = 0; i < t; i++) s[i] = fr_add(s[i], load(comp, k + i));
    k += t;
    mix(s, mds, t);
  }
  for (int i = 0; i < t; i++) s[i] = pow5(s[i]);
  mix(s, mds, t);
}

// out[out_first + g] = MerkleTree-Poseidon_arity(x_0 … x_{arity−1}), x_k = in[in_first + g·group_stride + k·elem_stride]
// (in elements). Contiguous groups (tree rows, test batches): group_stride = arity, elem_stride = 1.
// Columns of L layer-major rows of n nodes (tree-c leaves): group_stride = 1, elem_stride = n.
// `tab` is the arity's constant table (Montgomery form, docs/gpu.md#kernels): the domain tag
// 2^arity − 1 at element 0, then compressed constants, MDS, pre-sparse and sparse matrices at the
// given element offsets. One kernel per arity (merkle_hash_2/_8/_11) so the width is a
// compile-time constant the compiler can unroll on (measured on PoCL: no change; meant for GPUs).
// (always_inline here crashed PoCL 5 while compiling, so plain inline is used.)
inline void merkle_body(__global const ulong *in, __global ulong *out, ulong n,
    const int arity, ulong in_first, ulong out_first, ulong group_stride, ulong elem_stride, int rf, int rp,
    __global const ulong *tab, ulong o_comp, ulong o_mds, ulong o_pre, ulong o_sparse) {
  ulong g = get_global_id(0);
  if (g >= n) return;
  fr s[MAX_T];
  const int t = arity + 1;
  s[0] = load(tab, 0);
  for (int k = 0; k < arity; k++) s[k + 1] = fr_mul(load(in, in_first + g * group_stride + (ulong)k * elem_stride), r2());
  permute(s, t, rf, rp, tab + 4 * o_comp, tab + 4 * o_mds, tab + 4 * o_pre, tab + 4 * o_sparse);
  store(out, out_first + g, fr_mul(s[1], one_canonical()));
}

#define MERKLE_KERNEL(A)                                                                                          \
  __kernel void merkle_hash_##A(__global const ulong *in, __global ulong *out, ulong n, int arity, ulong in_first, \
                                ulong out_first, ulong group_stride, ulong elem_stride, int rf, int rp,           \
                                __global const ulong *tab, ulong o_comp, ulong o_mds, ulong o_pre, ulong o_sparse) { \
    merkle_body(in, out, n, A, in_first, out_first, group_stride, elem_stride, rf, rp, tab, o_comp, o_mds, o_pre, o_sparse); \
  }
MERKLE_KERNEL(2)
MERKLE_KERNEL(8)
MERKLE_KERNEL(11)

// SnapDeals encoding (docs/snap.md#encoding, docs/gpu.md#snap): out[i] = key[i] + data[i]·rho_g
// for node v = first_node + i, group g = v >> bits_shr; everything canonical in and out.
// fr_mul(data, rho) = data·rho·R⁻¹, so one more multiplication by R² gives data·rho; the addition
// is the same in either representation.
__kernel void snap_encode(__global const ulong *key, __global const ulong *data, __global const ulong *rhos,
                          __global ulong *out, ulong n, ulong first_node, uint bits_shr) {
  ulong i = get_global_id(0);
  if (i >= n) return;
  fr dr = fr_mul(fr_mul(load(data, i), load(rhos, (first_node + i) >> bits_shr)), r2());
  store(out, i, fr_add(load(key, i), dr));
}
