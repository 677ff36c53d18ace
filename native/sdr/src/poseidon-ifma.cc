// Eight Poseidon hashes at once with AVX-512 IFMA (vpmadd52{lo,hi}uq), optimized form.
// Each lane holds one state; an element is 5 limbs of 52 bits in its own Montgomery domain
// (R' = 2^260), separate from the scalar 4×64 domain. Bounds that make the lazy arithmetic safe
// (p < 2^255, so p/R' < 1/35):
//   * mont_mul(a, b) with a, b < 4p returns < 1.45p; a lazily accumulated row Σ a_k·b_k with ≤ 37
//     terms, a_k < 4p and b_k < p, reduces to < 5.2p — callers keep mul inputs below 4p;
//   * the sparse update s_j + v_j·s0 is brought back below 2p by one conditional subtraction.
// Output is fully reduced and bit-identical to the scalar kernels (tests hold them together).
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "cpu-features.h"
#include "fr.h"
#include "poseidon-ifma.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sdr::poseidon {

#if defined(__x86_64__)
namespace {

constexpr uint64_t kMask52 = (1ULL << 52) - 1;
using Limbs = std::array<uint64_t, 5>;

Limbs to52(const uint64_t x[4]) {
  Limbs r;
  r[0] = x[0] & kMask52;
  r[1] = ((x[0] >> 52) | (x[1] << 12)) & kMask52;
  r[2] = ((x[1] >> 40) | (x[2] << 24)) & kMask52;
  r[3] = ((x[2] >> 28) | (x[3] << 36)) & kMask52;
  r[4] = x[3] >> 16;
  return r;
}
void from52(uint64_t x[4], const uint64_t r[5]) {
  x[0] = r[0] | (r[1] << 52);
  x[1] = (r[1] >> 12) | (r[2] << 40);
  x[2] = (r[2] >> 24) | (r[3] << 28);
  x[3] = (r[3] >> 36) | (r[4] << 16);
}

// canonical c → c·2^260 mod p as 5×52 limbs (the vector domain)
Limbs to_vector_domain(const fr::Fr& mont64) {
  // scalar Montgomery form is c·2^256; multiplying canonical c by (2^260 mod p) = 16·R mod p
  static const fr::Fr sixteen_r = [] {
    fr::Fr two_r, x;  // kOne's limbs are the integer R mod p; double it four times
    std::memcpy(x.l, fr::kOne.l, 32);
    for (int i = 0; i < 4; i++) {
      fr::add(two_r, x, x);
      x = two_r;
    }
    return fr::from_canonical(x.l);  // (16R mod p) in scalar Montgomery form
  }();
  const fr::Fr prod = fr::mul(mont64, sixteen_r);  // Montgomery of c·16R
  uint64_t canon[4];
  fr::to_canonical(canon, prod);  // = c·2^260 mod p
  return to52(canon);
}

struct VecConstants {
  int t = 0, rp = 0;
  std::vector<Limbs> compressed, mds, pre_sparse, sparse;
  Limbs r2;  // 2^520 mod p in the vector domain's terms: to enter, mont_mul(x, r2) = x·2^260
};

VecConstants build(const Constants& c) {
  VecConstants v;
  v.t = c.t;
  v.rp = c.rp;
  auto conv = [](const std::vector<fr::Fr>& src, std::vector<Limbs>& dst) {
    dst.reserve(src.size());
    for (const auto& x : src) dst.push_back(to_vector_domain(x));
  };
  conv(c.compressed, v.compressed);
  conv(c.mds, v.mds);
  conv(c.pre_sparse, v.pre_sparse);
  conv(c.sparse, v.sparse);
  // r2 = 2^520 mod p = (2^260 mod p)·2^260 mod p: the vector-domain image of 2^260 mod p
  {
    uint64_t one[4] = {1, 0, 0, 0};
    const Limbs r1 = to_vector_domain(fr::from_canonical(one));  // 2^260 mod p
    uint64_t r1c[4];
    from52(r1c, r1.data());
    v.r2 = to_vector_domain(fr::from_canonical(r1c));
  }
  return v;
}

#define SDR_IFMA __attribute__((target("avx512f,avx512ifma"), always_inline)) inline

struct V5 {
  __m512i l[5];
};

SDR_IFMA __m512i bc(uint64_t x) { return _mm512_set1_epi64((long long)x); }

SDR_IFMA void carry_norm(__m512i* t, int n) {
  const __m512i m = bc(kMask52);
  for (int i = 0; i < n - 1; i++) {
    t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64(t[i], 52));
    t[i] = _mm512_and_si512(t[i], m);
  }
}

// t[0..10) (64-bit accumulators of 52-bit pieces) → t·2^-260 mod p, < Σ/2^260 + p, normalized limbs.
SDR_IFMA V5 redc(__m512i* t, const uint64_t* p52, uint64_t pinv) {
  const __m512i zero = _mm512_setzero_si512(), m52 = bc(kMask52), pi = bc(pinv);
  for (int i = 0; i < 5; i++) {
    const __m512i m = _mm512_and_si512(_mm512_madd52lo_epu64(zero, t[i], pi), m52);
    for (int k = 0; k < 5; k++) {
      const __m512i pk = bc(p52[k]);
      t[i + k] = _mm512_madd52lo_epu64(t[i + k], m, pk);
      t[i + k + 1] = _mm512_madd52hi_epu64(t[i + k + 1], m, pk);
    }
    t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64(t[i], 52));
  }
  V5 r;
  for (int k = 0; k < 5; k++) r.l[k] = t[5 + k];
  carry_norm(r.l, 5);
  return r;
}

// acc[0..10) += a·b (a lanes, b broadcast limbs or lanes)
SDR_IFMA void mul_acc(__m512i* acc, const V5& a, const V5& b) {
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 5; j++) {
      acc[i + j] = _mm512_madd52lo_epu64(acc[i + j], a.l[j], b.l[i]);
      acc[i + j + 1] = _mm512_madd52hi_epu64(acc[i + j + 1], a.l[j], b.l[i]);
    }
}

SDR_IFMA V5 bcast(const Limbs& x) {
  V5 r;
  for (int k = 0; k < 5; k++) r.l[k] = bc(x[k]);
  return r;
}

struct Ctx {
  uint64_t p52[5];
  uint64_t two_p52[5];
  uint64_t pinv;
};

SDR_IFMA V5 mont_mul(const Ctx& c, const V5& a, const V5& b) {
  __m512i t[11];
  for (auto& x : t) x = _mm512_setzero_si512();
  mul_acc(t, a, b);
  return redc(t, c.p52, c.pinv);
}

SDR_IFMA V5 add_norm(const V5& a, const V5& b) {
  V5 r;
  for (int k = 0; k < 5; k++) r.l[k] = _mm512_add_epi64(a.l[k], b.l[k]);
  carry_norm(r.l, 5);
  return r;
}

// x − q·[x ≥ q] for normalized x and a broadcast constant q (used with q = 2p and q = p)
SDR_IFMA V5 cond_sub(const V5& x, const uint64_t* q) {
  const __m512i m52 = bc(kMask52);
  V5 d;
  __m512i borrow = _mm512_setzero_si512();
  for (int k = 0; k < 5; k++) {
    __m512i v = _mm512_add_epi64(_mm512_sub_epi64(x.l[k], bc(q[k])), borrow);
    borrow = _mm512_srai_epi64(v, 52);  // 0 or −1
    d.l[k] = _mm512_and_si512(v, m52);
  }
  const __mmask8 neg = _mm512_cmplt_epi64_mask(borrow, _mm512_setzero_si512());
  V5 r;
  for (int k = 0; k < 5; k++) r.l[k] = _mm512_mask_blend_epi64(neg, d.l[k], x.l[k]);
  return r;
}

SDR_IFMA void pow5(const Ctx& c, V5& x) {
  const V5 x2 = mont_mul(c, x, x);
  const V5 x4 = mont_mul(c, x2, x2);
  x = mont_mul(c, x4, x);
}

// s ← s·m (row vector × t×t matrix), one reduction per output
SDR_IFMA void mix(const Ctx& c, V5* s, const std::vector<Limbs>& m, int t) {
  V5 out[kIfmaMaxT];
  for (int j = 0; j < t; j++) {
    __m512i acc[11];
    for (auto& x : acc) x = _mm512_setzero_si512();
    for (int i = 0; i < t; i++) mul_acc(acc, s[i], bcast(m[(size_t)i * t + j]));
    out[j] = redc(acc, c.p52, c.pinv);
  }
  for (int j = 0; j < t; j++) s[j] = out[j];
}

__attribute__((target("avx512f,avx512ifma"))) void permute8(const Ctx& c, const VecConstants& k, V5* s) {
  const int t = k.t, hf = 4;
  const Limbs* rc = k.compressed.data();
  for (int i = 0; i < t; i++) s[i] = add_norm(s[i], bcast(rc[i]));
  rc += t;
  for (int r = 0; r < hf; r++) {
    for (int i = 0; i < t; i++) pow5(c, s[i]);
    for (int i = 0; i < t; i++) s[i] = add_norm(s[i], bcast(rc[i]));
    rc += t;
    mix(c, s, r == hf - 1 ? k.pre_sparse : k.mds, t);
  }
  const Limbs* sp = k.sparse.data();
  for (int r = 0; r < k.rp; r++) {
    pow5(c, s[0]);
    s[0] = add_norm(s[0], bcast(rc[r]));
    __m512i acc[11];
    for (auto& x : acc) x = _mm512_setzero_si512();
    for (int i = 0; i < t; i++) mul_acc(acc, s[i], bcast(sp[i]));
    const V5 s0 = s[0];
    for (int j = 1; j < t; j++) s[j] = cond_sub(add_norm(s[j], mont_mul(c, s0, bcast(sp[t - 1 + j]))), c.two_p52);
    s[0] = redc(acc, c.p52, c.pinv);
    sp += 2 * t - 1;
  }
  rc += k.rp;
  for (int r = 0; r < hf - 1; r++) {
    for (int i = 0; i < t; i++) pow5(c, s[i]);
    for (int i = 0; i < t; i++) s[i] = add_norm(s[i], bcast(rc[i]));
    rc += t;
    mix(c, s, k.mds, t);
  }
  for (int i = 0; i < t; i++) pow5(c, s[i]);
  mix(c, s, k.mds, t);
}

// Converts 8 lanes of canonical LE bytes (lane l at src[l]) into vector-domain elements.
__attribute__((target("avx512f,avx512ifma"))) V5 load8(const Ctx& c, const VecConstants& k,
                                                       const uint8_t* const src[8]) {
  alignas(64) uint64_t lim[5][8];
  for (int l = 0; l < 8; l++) {
    uint64_t x[4];
    std::memcpy(x, src[l], 32);
    const Limbs r = to52(x);
    for (int q = 0; q < 5; q++) lim[q][l] = r[q];
  }
  V5 v;
  for (int q = 0; q < 5; q++) v.l[q] = _mm512_load_si512(lim[q]);
  return mont_mul(c, v, bcast(k.r2));  // x·2^520·2^-260 = x·2^260
}

__attribute__((target("avx512f,avx512ifma"))) void store8(const Ctx& c, const V5& v, uint8_t* const dst[8],
                                                          int lanes) {
  V5 one;
  one.l[0] = bc(1);
  for (int q = 1; q < 5; q++) one.l[q] = _mm512_setzero_si512();
  const V5 x = cond_sub(mont_mul(c, v, one), c.p52);  // leave the domain, then < p
  alignas(64) uint64_t lim[5][8];
  for (int q = 0; q < 5; q++) _mm512_store_si512(lim[q], x.l[q]);
  for (int l = 0; l < lanes; l++) {
    const uint64_t r[5] = {lim[0][l], lim[1][l], lim[2][l], lim[3][l], lim[4][l]};
    uint64_t w[4];
    from52(w, r);
    std::memcpy(dst[l], w, 32);
  }
}

const Ctx& ctx() {
  static const Ctx c = [] {
    Ctx x;
    const Limbs p = to52(fr::kP);
    uint64_t p2[4];
    fr::u128 carry = 0;
    for (int i = 0; i < 4; i++) {
      carry += (fr::u128)fr::kP[i] * 2;
      p2[i] = (uint64_t)carry;
      carry >>= 64;
    }
    const Limbs tp = to52(p2);  // 2p < 2^256 fits 4 limbs
    for (int i = 0; i < 5; i++) {
      x.p52[i] = p[i];
      x.two_p52[i] = tp[i];
    }
    x.pinv = fr::kInv & kMask52;  // −p⁻¹ mod 2^52
    return x;
  }();
  return c;
}

const VecConstants& vec_constants(const Constants& c) {
  // one table per Constants object (arity × strength); built once, never freed
  static std::mutex mu;
  static std::vector<std::pair<const Constants*, std::unique_ptr<VecConstants>>> tables;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& e : tables)
    if (e.first == &c) return *e.second;
  tables.emplace_back(&c, std::make_unique<VecConstants>(build(c)));
  return *tables.back().second;
}

}  // namespace

bool ifma_usable() {
  const auto& f = cpu_features();
  return f.avx512f && f.avx512ifma;
}

__attribute__((target("avx512f,avx512ifma"))) void hash_many_ifma(const Constants& c, const uint8_t* in,
                                                                  uint8_t* out, size_t n) {
  if (c.t > kIfmaMaxT) throw std::invalid_argument("IFMA Poseidon supports widths up to 37");
  const Ctx& cx = ctx();
  const VecConstants& k = vec_constants(c);
  uint64_t tag_limbs[4] = {0, 0, 0, 0};
  for (int b = 0; b < c.arity; b++) tag_limbs[b / 64] |= 1ULL << (b % 64);
  const V5 tag = bcast(to_vector_domain(fr::from_canonical(tag_limbs)));
  static const uint8_t zero[32] = {0};
  uint8_t sink[8][32];
  V5 s[kIfmaMaxT];
  for (size_t h = 0; h < n; h += 8) {
    const int lanes = (int)std::min<size_t>(8, n - h);
    s[0] = tag;
    for (int i = 1; i < c.t; i++) {
      const uint8_t* src[8];
      for (int l = 0; l < 8; l++)
        src[l] = l < lanes ? in + ((h + l) * (size_t)c.arity + (size_t)(i - 1)) * 32 : zero;
      s[i] = load8(cx, k, src);
    }
    permute8(cx, k, s);
    uint8_t* dst[8];
    for (int l = 0; l < 8; l++) dst[l] = l < lanes ? out + (h + l) * 32 : sink[l];
    store8(cx, s[1], dst, lanes);
  }
}

#else
bool ifma_usable() { return false; }
void hash_many_ifma(const Constants&, const uint8_t*, uint8_t*, size_t) {
  throw std::runtime_error("the IFMA Poseidon kernel exists only on x86-64");
}
#endif

}  // namespace sdr::poseidon
