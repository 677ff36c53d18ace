#include "blake2b.h"

#include <cstring>
#include <utility>

namespace sdr {

namespace {

constexpr uint64_t kIv[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull,
                             0xa54ff53a5f1d36f1ull, 0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
                             0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};

constexpr uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

inline uint64_t rotr64(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

inline uint64_t load64le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

// RFC 7693 §3.2, F. `t` is the byte counter (never beyond 2^64 here), `last` the final-block flag.
void compress(uint64_t h[8], const uint8_t block[128], uint64_t t, bool last) {
  uint64_t m[16], v[16];
  for (int i = 0; i < 16; i++) m[i] = load64le(block + 8 * i);
  for (int i = 0; i < 8; i++) {
    v[i] = h[i];
    v[i + 8] = kIv[i];
  }
  v[12] ^= t;
  if (last) v[14] = ~v[14];
  auto g = [&v](int a, int b, int c, int d, uint64_t x, uint64_t y) {
    v[a] = v[a] + v[b] + x;
    v[d] = rotr64(v[d] ^ v[a], 32);
    v[c] = v[c] + v[d];
    v[b] = rotr64(v[b] ^ v[c], 24);
    v[a] = v[a] + v[b] + y;
    v[d] = rotr64(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = rotr64(v[b] ^ v[c], 63);
  };
  for (int r = 0; r < 12; r++) {
    const uint8_t* s = kSigma[r];
    g(0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

// ---- Specialised single-block kernel, generic over a lane type: uint64_t or a GCC/Clang vector of
// u64 (compiled for AVX2 / AVX-512F by the target attribute of the function that inlines it). Vector
// extensions rather than intrinsics keep one body for every width.
// The vector instantiations are always inlined into their target functions, so the ABI note GCC
// gives about passing vectors by value never applies.
#pragma GCC diagnostic ignored "-Wpsabi"
#define SDR_INLINE inline __attribute__((always_inline))

template <class V>
SDR_INLINE V ror(V x, int n) { return (x >> n) | (x << (64 - n)); }

// Message word I of the Feistel block: m0, m1, or zero (the add is then dropped at compile time).
template <int I, class V>
SDR_INLINE V plus_msg(V x, const V& m0, const V& m1) {
  if constexpr (I == 0) return x + m0;
  else if constexpr (I == 1) return x + m1;
  else return x;
}

template <int I0, int I1, class V>
SDR_INLINE void gv(V& a, V& b, V& c, V& d, const V& m0, const V& m1) {
  a = plus_msg<I0>(a + b, m0, m1);
  d = ror(d ^ a, 32);
  c = c + d;
  b = ror(b ^ c, 24);
  a = plus_msg<I1>(a + b, m0, m1);
  d = ror(d ^ a, 16);
  c = c + d;
  b = ror(b ^ c, 63);
}

template <int R, class V>
SDR_INLINE void round_v(V* v, const V& m0, const V& m1) {
  constexpr const uint8_t* s = kSigma[R];
  gv<s[0], s[1]>(v[0], v[4], v[8], v[12], m0, m1);
  gv<s[2], s[3]>(v[1], v[5], v[9], v[13], m0, m1);
  gv<s[4], s[5]>(v[2], v[6], v[10], v[14], m0, m1);
  gv<s[6], s[7]>(v[3], v[7], v[11], v[15], m0, m1);
  gv<s[8], s[9]>(v[0], v[5], v[10], v[15], m0, m1);
  gv<s[10], s[11]>(v[1], v[6], v[11], v[12], m0, m1);
  gv<s[12], s[13]>(v[2], v[7], v[8], v[13], m0, m1);
  gv<s[14], s[15]>(v[3], v[4], v[9], v[14], m0, m1);
}

template <class V, size_t... R>
SDR_INLINE void rounds_v(V* v, const V& m0, const V& m1, std::index_sequence<R...>) {
  (round_v<R>(v, m0, m1), ...);
}

template <class V>
SDR_INLINE V word0_16(const V& m0, const V& m1, const V& splat_one) {
  constexpr uint64_t h0 = kIv[0] ^ 0x01010040ull;  // parameter block: 64-byte digest, unkeyed
  V v[16];
  v[0] = splat_one * h0;
  for (int i = 1; i < 8; i++) v[i] = splat_one * kIv[i];
  for (int i = 0; i < 8; i++) v[8 + i] = splat_one * kIv[i];
  v[12] = v[12] ^ (splat_one * uint64_t{16});  // t = 16 bytes
  v[14] = ~v[14];                              // final block
  rounds_v(v, m0, m1, std::make_index_sequence<12>{});
  return (splat_one * h0) ^ v[0] ^ v[8];
}

}  // namespace

uint64_t blake2b512_word0_16(uint64_t m0, uint64_t m1) { return word0_16<uint64_t>(m0, m1, 1); }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
typedef uint64_t u64x4 __attribute__((vector_size(32)));
typedef uint64_t u64x8 __attribute__((vector_size(64)));

__attribute__((target("avx2"))) void blake2b512_word0_16_x4_avx2(const uint64_t m0[4], uint64_t m1, uint64_t out[4]) {
  u64x4 a, one = {1, 1, 1, 1};
  std::memcpy(&a, m0, sizeof a);
  u64x4 r = word0_16<u64x4>(a, one * m1, one);
  std::memcpy(out, &r, sizeof r);
}

__attribute__((target("avx512f"))) void blake2b512_word0_16_x8_avx512(const uint64_t m0[8], uint64_t m1, uint64_t out[8]) {
  u64x8 a, one = {1, 1, 1, 1, 1, 1, 1, 1};
  std::memcpy(&a, m0, sizeof a);
  u64x8 r = word0_16<u64x8>(a, one * m1, one);
  std::memcpy(out, &r, sizeof r);
}
#else
// No x86 SIMD build: callers never select these (cpu_features() reports no AVX2/AVX-512 there).
void blake2b512_word0_16_x4_avx2(const uint64_t m0[4], uint64_t m1, uint64_t out[4]) {
  for (int i = 0; i < 4; i++) out[i] = blake2b512_word0_16(m0[i], m1);
}
void blake2b512_word0_16_x8_avx512(const uint64_t m0[8], uint64_t m1, uint64_t out[8]) {
  for (int i = 0; i < 8; i++) out[i] = blake2b512_word0_16(m0[i], m1);
}
#endif

void blake2b512(const uint8_t* data, size_t len, uint8_t out[64]) {
  uint64_t h[8];
  for (int i = 0; i < 8; i++) h[i] = kIv[i];
  h[0] ^= 0x01010000ull ^ 64;  // parameter block: digest length 64, no key, fanout 1, depth 1

  uint8_t block[128];
  uint64_t t = 0;
  // Every block but the last is compressed as it comes; the last (possibly empty, possibly full)
  // is zero-padded and flagged final, as RFC 7693 requires.
  while (len > 128) {
    t += 128;
    compress(h, data, t, false);
    data += 128;
    len -= 128;
  }
  std::memset(block, 0, sizeof block);
  if (len) std::memcpy(block, data, len);
  t += len;
  compress(h, block, t, true);

  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) out[8 * i + j] = static_cast<uint8_t>(h[i] >> (8 * j));
}

}  // namespace sdr
