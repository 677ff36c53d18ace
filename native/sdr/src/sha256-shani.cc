// x86 SHA-NI SHA-256 compression, single stream and K interleaved streams.
// A single stream is bound by the sha256rnds2 latency; interleaving independent streams (one per
// sector in multi-sector labeling, one per node pair in tree-d, the next node's header block in
// single-sector labeling) fills the gaps between dependent rounds (SupraSeal's approach).
#include "sha256.h"
#include "cpu-features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define SDR_SHANI __attribute__((target("sha,sse4.1,ssse3")))

namespace sdr {
namespace sha256 {

alignas(16) static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The SHA-NI round instruction wants the state split as (A,B,E,F) and (C,D,G,H).
SDR_SHANI static inline void load_state(const uint32_t* st, __m128i& abef, __m128i& cdgh) {
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(st));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(st + 4));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  abef = _mm_alignr_epi8(cdab, efgh, 8);
  cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
}

SDR_SHANI static inline void store_state(uint32_t* st, __m128i abef, __m128i cdgh) {
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(st), dcba);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(st + 4), hgfe);
}

// One 64-byte block for each of L lanes, in lockstep: every step issues the same instruction for
// all lanes back to back, so L independent dependency chains are in flight.
template <int L>
SDR_SHANI static inline void rounds(__m128i (&abef)[L], __m128i (&cdgh)[L], const uint8_t* const (&blk)[L]) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i save0[L], save1[L], w[L][4];
  for (int l = 0; l < L; l++) {
    save0[l] = abef[l];
    save1[l] = cdgh[l];
    for (int j = 0; j < 4; j++)
      w[l][j] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk[l] + 16 * j)), bswap);
  }
#pragma GCC unroll 16
  for (int q = 0; q < 16; q++) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(K + 4 * q));
    if (q >= 4) {
      // W[q] = msg2(msg1(W[q-4], W[q-3]) + alignr(W[q-1], W[q-2]), W[q-1]), kept in a ring of 4.
      for (int l = 0; l < L; l++) {
        __m128i t = _mm_sha256msg1_epu32(w[l][q & 3], w[l][(q + 1) & 3]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(w[l][(q + 3) & 3], w[l][(q + 2) & 3], 4));
        w[l][q & 3] = _mm_sha256msg2_epu32(t, w[l][(q + 3) & 3]);
      }
    }
    __m128i m[L];
    for (int l = 0; l < L; l++) {
      m[l] = _mm_add_epi32(w[l][q & 3], k);
      cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], m[l]);
    }
    for (int l = 0; l < L; l++) {
      abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], _mm_shuffle_epi32(m[l], 0x0E));
    }
  }
  for (int l = 0; l < L; l++) {
    abef[l] = _mm_add_epi32(abef[l], save0[l]);
    cdgh[l] = _mm_add_epi32(cdgh[l], save1[l]);
  }
}

template <int L>
SDR_SHANI static void compress_lanes_fixed(uint32_t* const states[], const uint8_t* const blocks[], size_t nblocks) {
  __m128i abef[L], cdgh[L];
  const uint8_t* blk[L];
  for (int l = 0; l < L; l++) {
    load_state(states[l], abef[l], cdgh[l]);
    blk[l] = blocks[l];
  }
  for (size_t b = 0; b < nblocks; b++) {
    rounds<L>(abef, cdgh, blk);
    for (int l = 0; l < L; l++) blk[l] += kBlockBytes;
  }
  for (int l = 0; l < L; l++) store_state(states[l], abef[l], cdgh[l]);
}

bool hardware_available() { return cpu_features().sha_ni; }

void compress_hw(uint32_t state[8], const uint8_t* blocks, size_t nblocks) {
  uint32_t* const s[1] = {state};
  const uint8_t* const b[1] = {blocks};
  compress_lanes_fixed<1>(s, b, nblocks);
}

void compress_lanes_hw(uint32_t* const states[], const uint8_t* const blocks[], size_t lanes, size_t nblocks) {
  // Pairs: two streams already cover most of the sha256rnds2 latency, and a pair's working set
  // (2 × 9 vectors) nearly fits the 16 xmm registers; wider groups spill and measured no faster.
  for (; lanes >= 2; lanes -= 2, states += 2, blocks += 2) compress_lanes_fixed<2>(states, blocks, nblocks);
  if (lanes) compress_lanes_fixed<1>(states, blocks, nblocks);
}

}  // namespace sha256
}  // namespace sdr

#else  // no x86: no hardware variant in this build (an ARMv8 crypto variant is future work)

namespace sdr {
namespace sha256 {
bool hardware_available() { return false; }
void compress_hw(uint32_t state[8], const uint8_t* blocks, size_t nblocks) { compress_portable(state, blocks, nblocks); }
void compress_lanes_hw(uint32_t* const states[], const uint8_t* const blocks[], size_t lanes, size_t nblocks) {
  compress_lanes_portable(states, blocks, lanes, nblocks);
}
}  // namespace sha256
}  // namespace sdr
#endif
