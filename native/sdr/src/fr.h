// BLS12-381 scalar field Fr (docs/poseidon.md#field): 4 × 64-bit little-endian limbs in Montgomery form
// (R = 2^256). Montgomery form lives only in memory; everything that crosses this header's
// boundary as bytes is the canonical little-endian integer (sdr.md conventions).
//
// Two multiplication kernels with identical output:
//   MulPortable — CIOS over unsigned __int128, any 64-bit target;
//   MulAdx      — CIOS with MULX and the two ADCX/ADOX carry chains (x86-64 with ADX+BMI2).
// Both are header-inline so kernels templated on them (Poseidon) inline the multiply.
#pragma once
#include <cstddef>
#include <cstdint>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace sdr::fr {

struct Fr {
  uint64_t l[4];
};

// p = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
inline constexpr uint64_t kP[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                   0x73eda753299d7d48ULL};
// -p^{-1} mod 2^64
inline constexpr uint64_t kInv = 0xfffffffeffffffffULL;
// R mod p (Montgomery one) and R^2 mod p (to enter Montgomery form)
inline constexpr uint64_t kR[4] = {0x00000001fffffffeULL, 0x5884b7fa00034802ULL, 0x998c4fefecbc4ff5ULL,
                                   0x1824b159acc5056fULL};
inline constexpr uint64_t kR2[4] = {0xc999e990f3f29c6dULL, 0x2b6cedcb87925c23ULL, 0x05d314967254398fULL,
                                    0x0748d9d99f59ff11ULL};

using u128 = unsigned __int128;

#if defined(__x86_64__)
// x86-64: the same three operations on the carry flag (_addcarry_u64 / _subborrow_u64 are plain
// ADC/SBB, no CPU feature needed). The __int128 forms below made GCC spill every borrow to the
// stack; these keep the chains in registers (measured: the scalar Poseidon spends a third of its
// time in add).
inline void reduce_once(uint64_t r[4], const uint64_t t[4]) {
  unsigned long long s0, s1, s2, s3;
  unsigned char b = _subborrow_u64(0, t[0], kP[0], &s0);
  b = _subborrow_u64(b, t[1], kP[1], &s1);
  b = _subborrow_u64(b, t[2], kP[2], &s2);
  b = _subborrow_u64(b, t[3], kP[3], &s3);
  // borrow → t < p: keep t
  r[0] = b ? t[0] : s0;
  r[1] = b ? t[1] : s1;
  r[2] = b ? t[2] : s2;
  r[3] = b ? t[3] : s3;
}
#define SDR_FR_CARRY_INTRINSICS 1
#else
// t (< 2p, fits 256 bits since p < 2^255) → t mod p
inline void reduce_once(uint64_t r[4], const uint64_t t[4]) {
  uint64_t s[4];
  u128 b = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)t[i] - kP[i] - (uint64_t)b;
    s[i] = (uint64_t)d;
    b = (d >> 64) & 1;
  }
  // borrow → t < p: keep t
  const uint64_t keep = (uint64_t)0 - (uint64_t)b;
  for (int i = 0; i < 4; i++) r[i] = (t[i] & keep) | (s[i] & ~keep);
}
#endif

#if defined(SDR_FR_CARRY_INTRINSICS)
inline void add(Fr& r, const Fr& a, const Fr& b) {
  unsigned long long t[4];
  unsigned char c = _addcarry_u64(0, a.l[0], b.l[0], &t[0]);
  c = _addcarry_u64(c, a.l[1], b.l[1], &t[1]);
  c = _addcarry_u64(c, a.l[2], b.l[2], &t[2]);
  _addcarry_u64(c, a.l[3], b.l[3], &t[3]);  // a + b < 2p < 2^256: no carry out of the top limb
  reduce_once(r.l, reinterpret_cast<const uint64_t*>(t));
}

inline void sub(Fr& r, const Fr& a, const Fr& b) {
  unsigned long long t[4], u[4];
  unsigned char br = _subborrow_u64(0, a.l[0], b.l[0], &t[0]);
  br = _subborrow_u64(br, a.l[1], b.l[1], &t[1]);
  br = _subborrow_u64(br, a.l[2], b.l[2], &t[2]);
  br = _subborrow_u64(br, a.l[3], b.l[3], &t[3]);
  const uint64_t mask = (uint64_t)0 - (uint64_t)br;  // borrowed → add p back
  unsigned char c = _addcarry_u64(0, t[0], kP[0] & mask, &u[0]);
  c = _addcarry_u64(c, t[1], kP[1] & mask, &u[1]);
  c = _addcarry_u64(c, t[2], kP[2] & mask, &u[2]);
  _addcarry_u64(c, t[3], kP[3] & mask, &u[3]);
  for (int i = 0; i < 4; i++) r.l[i] = u[i];
}
#else
inline void add(Fr& r, const Fr& a, const Fr& b) {
  uint64_t t[4];
  u128 c = 0;
  for (int i = 0; i < 4; i++) {
    c += (u128)a.l[i] + b.l[i];
    t[i] = (uint64_t)c;
    c >>= 64;
  }
  reduce_once(r.l, t);  // a + b < 2p < 2^256: no carry out of the top limb
}

inline void sub(Fr& r, const Fr& a, const Fr& b) {
  uint64_t t[4];
  u128 br = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)a.l[i] - b.l[i] - (uint64_t)br;
    t[i] = (uint64_t)d;
    br = (d >> 64) & 1;
  }
  const uint64_t mask = (uint64_t)0 - (uint64_t)br;  // borrowed → add p back
  u128 c = 0;
  for (int i = 0; i < 4; i++) {
    c += (u128)t[i] + (kP[i] & mask);
    r.l[i] = (uint64_t)c;
    c >>= 64;
  }
}
#endif

struct MulPortable {
  static constexpr const char* name = "portable";
  // Coarsely integrated operand scanning; t stays < 2p between steps.
  static inline void mul(Fr& r, const Fr& a, const Fr& b) {
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      u128 c = 0;
      for (int j = 0; j < 4; j++) {
        c = (u128)a.l[j] * b.l[i] + t[j] + (uint64_t)(c >> 64);
        t[j] = (uint64_t)c;
      }
      u128 s = (u128)t[4] + (uint64_t)(c >> 64);
      t[4] = (uint64_t)s;
      t[5] = (uint64_t)(s >> 64);
      const uint64_t m = t[0] * kInv;
      c = (u128)m * kP[0] + t[0];
      for (int j = 1; j < 4; j++) {
        c = (u128)m * kP[j] + t[j] + (uint64_t)(c >> 64);
        t[j - 1] = (uint64_t)c;
      }
      s = (u128)t[4] + (uint64_t)(c >> 64);
      t[3] = (uint64_t)s;
      t[4] = t[5] + (uint64_t)(s >> 64);
    }
    reduce_once(r.l, t);
  }
};

#if defined(__x86_64__)
// Register-rotated CIOS: the a·b[i] products run on one carry chain pair (ADOX for low halves,
// ADCX for high halves), the reduction m·p on another pass. 4 limbs + one spare top limb suffice
// because p < 2^255 keeps every intermediate below 2^320.
#define SDR_FR_REDUCE(x0, x1, x2, x3, x4)      \
  "movq %[" #x0 "], %%rdx\n\t"                 \
  "imulq %[inv], %%rdx\n\t"                    \
  "xorq %[lo], %[lo]\n\t"                      \
  "mulxq %[p0], %[lo], %[hi]\n\t"              \
  "adoxq %[lo], %[" #x0 "]\n\t"                \
  "adcxq %[hi], %[" #x1 "]\n\t"                \
  "mulxq %[p1], %[lo], %[hi]\n\t"              \
  "adoxq %[lo], %[" #x1 "]\n\t"                \
  "adcxq %[hi], %[" #x2 "]\n\t"                \
  "mulxq %[p2], %[lo], %[hi]\n\t"              \
  "adoxq %[lo], %[" #x2 "]\n\t"                \
  "adcxq %[hi], %[" #x3 "]\n\t"                \
  "mulxq %[p3], %[lo], %[hi]\n\t"              \
  "adoxq %[lo], %[" #x3 "]\n\t"                \
  "adcxq %[hi], %[" #x4 "]\n\t"                \
  "movq $0, %[lo]\n\t"                         \
  "adoxq %[lo], %[" #x4 "]\n\t"

#define SDR_FR_MULADD(off, u0, u1, u2, u3, u4) \
  "movq " #off "(%[b]), %%rdx\n\t"             \
  "xorq %[" #u4 "], %[" #u4 "]\n\t"            \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t"            \
  "adoxq %[lo], %[" #u0 "]\n\t"                \
  "adcxq %[hi], %[" #u1 "]\n\t"                \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t"            \
  "adoxq %[lo], %[" #u1 "]\n\t"                \
  "adcxq %[hi], %[" #u2 "]\n\t"                \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t"           \
  "adoxq %[lo], %[" #u2 "]\n\t"                \
  "adcxq %[hi], %[" #u3 "]\n\t"                \
  "mulxq 24(%[a]), %[lo], %[hi]\n\t"           \
  "adoxq %[lo], %[" #u3 "]\n\t"                \
  "adcxq %[hi], %[" #u4 "]\n\t"                \
  "movq $0, %[lo]\n\t"                         \
  "adoxq %[lo], %[" #u4 "]\n\t"

struct MulAdx {
  static constexpr const char* name = "adx";
  // Only call when cpu_features() reports adx && bmi2 (the assembler accepts the opcodes on any
  // x86-64 target; the CPU must too).
  __attribute__((always_inline)) static inline void mul(Fr& r, const Fr& a, const Fr& b) {
    uint64_t t0, t1, t2, t3, t4, lo, hi;
    __asm__(
        "movq 0(%[b]), %%rdx\n\t"
        "mulxq 0(%[a]), %[t0], %[t1]\n\t"
        "mulxq 8(%[a]), %[lo], %[t2]\n\t"
        "addq %[lo], %[t1]\n\t"
        "mulxq 16(%[a]), %[lo], %[t3]\n\t"
        "adcq %[lo], %[t2]\n\t"
        "mulxq 24(%[a]), %[lo], %[t4]\n\t"
        "adcq %[lo], %[t3]\n\t"
        "adcq $0, %[t4]\n\t"
        SDR_FR_REDUCE(t0, t1, t2, t3, t4)
        SDR_FR_MULADD(8, t1, t2, t3, t4, t0)
        SDR_FR_REDUCE(t1, t2, t3, t4, t0)
        SDR_FR_MULADD(16, t2, t3, t4, t0, t1)
        SDR_FR_REDUCE(t2, t3, t4, t0, t1)
        SDR_FR_MULADD(24, t3, t4, t0, t1, t2)
        SDR_FR_REDUCE(t3, t4, t0, t1, t2)
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [lo] "=&r"(lo),
          [hi] "=&r"(hi)
        : [a] "r"(a.l), [b] "r"(b.l), [p0] "m"(kP[0]), [p1] "m"(kP[1]), [p2] "m"(kP[2]), [p3] "m"(kP[3]),
          [inv] "m"(kInv), "m"(*(const uint64_t(*)[4])a.l), "m"(*(const uint64_t(*)[4])b.l)
        : "rdx", "cc");
    const uint64_t t[4] = {t4, t0, t1, t2};
    reduce_once(r.l, t);
  }
};
#undef SDR_FR_REDUCE
#undef SDR_FR_MULADD
#endif

template <class M>
inline void square(Fr& r, const Fr& a) {
  M::mul(r, a, a);
}

// x^5 = x·(x²)² (docs/poseidon.md#permutation)
template <class M>
inline void pow5(Fr& x) {
  Fr x2, x4;
  M::mul(x2, x, x);
  M::mul(x4, x2, x2);
  M::mul(x, x4, x);
}

// Lazily reduced sums of products Σ a_k·b_k (every factor < p): the 512-bit products accumulate
// in 9 limbs and a single Montgomery reduction follows, instead of one reduction per product.
// Used for Poseidon's matrix rows; t ≤ 37 terms keep the sum below 37·p² < 2^515.
struct Wide {
  uint64_t l[9];
};

inline void wide_clear(Wide& w) {
  for (int i = 0; i < 9; i++) w.l[i] = 0;
}

// w = Σ_k a[k]·b[k·bstride] (n ≤ 37 terms, every factor < p) column by column (product scanning):
// each 64-bit column of the 512-bit sum collects every a_k[i]·b_k[c−i] into a 192-bit accumulator,
// so a product costs one multiply and a three-word add — no per-term 8-limb product and 9-limb add.
// N > 0: the term count is a compile-time constant and every loop unrolls (Poseidon widths);
// N == 0: n terms at run time.
template <int N = 0>
__attribute__((always_inline)) inline void wide_dot(Wide& w, const Fr* a, const Fr* b, size_t bstride, int n = N) {
  if (N > 0) n = N;
  uint64_t lo = 0, hi = 0, top = 0;
  for (int c = 0; c < 8; c++) {
    const int i0 = c > 3 ? c - 3 : 0, i1 = c < 3 ? c : 3;
    for (int k = 0; k < n; k++) {
      const uint64_t* x = a[k].l;
      const uint64_t* y = b[(size_t)k * bstride].l;
      for (int i = i0; i <= i1; i++) {
#if defined(__x86_64__)
        uint64_t ax = x[i];
        __asm__("mulq %[y]\n\t"
                "addq %%rax, %[lo]\n\t"
                "adcq %%rdx, %[hi]\n\t"
                "adcq $0, %[top]"
                : [lo] "+r"(lo), [hi] "+r"(hi), [top] "+r"(top), "+a"(ax)
                : [y] "rm"(y[c - i])
                : "rdx", "cc");
#else
        const u128 p = (u128)x[i] * y[c - i];
        const u128 s = (u128)lo + (uint64_t)p;
        lo = (uint64_t)s;
        const u128 h = (u128)hi + (uint64_t)(p >> 64) + (uint64_t)(s >> 64);
        hi = (uint64_t)h;
        top += (uint64_t)(h >> 64);
#endif
      }
    }
    w.l[c] = lo;
    lo = hi;
    hi = top;
    top = 0;
  }
  w.l[8] = lo;
}

// Limb i (of 5) of p << shift, shift < 64: the multiples 16p, 8p, 4p, 2p, p used to finish a
// Montgomery-reduced wide sum.
constexpr uint64_t p_shifted_limb(int shift, int i) {
  return i == 0   ? (kP[0] << shift)
         : i < 4  ? ((kP[i] << shift) | (shift ? kP[i - 1] >> (64 - shift) : 0))
                  : (shift ? kP[3] >> (64 - shift) : 0);
}
#define SDR_FR_PM(s) {p_shifted_limb(s, 0), p_shifted_limb(s, 1), p_shifted_limb(s, 2), p_shifted_limb(s, 3), p_shifted_limb(s, 4)}
inline constexpr uint64_t kPMultiples[5][5] = {SDR_FR_PM(4), SDR_FR_PM(3), SDR_FR_PM(2), SDR_FR_PM(1), SDR_FR_PM(0)};
#undef SDR_FR_PM

// w (< 37·p², so the Montgomery-reduced value is < 18p) → w·R⁻¹ mod p, fully reduced.
inline void wide_reduce(Fr& r, Wide& w) {
  for (int i = 0; i < 4; i++) {
    const uint64_t m = w.l[i] * kInv;
    u128 c = 0;
    for (int j = 0; j < 4; j++) {
      c = (u128)m * kP[j] + w.l[i + j] + (uint64_t)(c >> 64);
      w.l[i + j] = (uint64_t)c;
    }
    for (int k = i + 4; k < 9; k++) {
      c = (u128)w.l[k] + (uint64_t)(c >> 64);
      w.l[k] = (uint64_t)c;
    }
  }
  uint64_t x[5] = {w.l[4], w.l[5], w.l[6], w.l[7], w.l[8]};
  for (int k = 0; k < 5; k++) {
#if defined(SDR_FR_CARRY_INTRINSICS)
    unsigned long long d[5];
    unsigned char b = 0;
    for (int i = 0; i < 5; i++) b = _subborrow_u64(b, x[i], kPMultiples[k][i], &d[i]);
    for (int i = 0; i < 5; i++) x[i] = b ? x[i] : d[i];  // borrow → x < multiple: keep x
#else
    uint64_t d[5];
    u128 b = 0;
    for (int i = 0; i < 5; i++) {
      u128 t = (u128)x[i] - kPMultiples[k][i] - (uint64_t)b;
      d[i] = (uint64_t)t;
      b = (t >> 64) & 1;
    }
    const uint64_t keep = (uint64_t)0 - (uint64_t)b;  // borrow → x < multiple: keep x
    for (int i = 0; i < 5; i++) x[i] = (x[i] & keep) | (d[i] & ~keep);
#endif
  }
  r.l[0] = x[0];
  r.l[1] = x[1];
  r.l[2] = x[2];
  r.l[3] = x[3];
}

inline constexpr Fr kZero = {{0, 0, 0, 0}};
inline constexpr Fr kOne = {{kR[0], kR[1], kR[2], kR[3]}};

inline bool is_zero(const Fr& a) { return (a.l[0] | a.l[1] | a.l[2] | a.l[3]) == 0; }
inline bool equal(const Fr& a, const Fr& b) {
  return a.l[0] == b.l[0] && a.l[1] == b.l[1] && a.l[2] == b.l[2] && a.l[3] == b.l[3];
}

// Whether the running CPU can execute MulAdx (and SDR_DISABLE_ADX is not set).
bool adx_usable();

// Canonical little-endian bytes → Montgomery element. Returns false when the integer is ≥ p
// (rust-fil-proofs rejects non-canonical encodings: from_repr fails).
bool from_bytes(Fr& out, const uint8_t in[32]);
// Same, without the range check: callers that already know the input is < p (labels, fr32 data).
void from_bytes_unchecked(Fr& out, const uint8_t in[32]);
void to_bytes(uint8_t out[32], const Fr& a);
// Canonical little-endian limbs ↔ Montgomery (limbs must be < p).
Fr from_canonical(const uint64_t limbs[4]);
void to_canonical(uint64_t limbs[4], const Fr& a);
Fr from_u64(uint64_t v);
// a^(p-2); inverse of 0 is 0.
Fr inverse(const Fr& a);
Fr mul(const Fr& a, const Fr& b);  // runtime-selected kernel, for non-hot code
bool canonical_lt_p(const uint64_t limbs[4]);

}  // namespace sdr::fr
