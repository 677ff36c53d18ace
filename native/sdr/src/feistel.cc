#include "feistel.h"

#include "blake2b.h"
#include "cpu-features.h"

namespace sdr {

FeistelDomain feistel_domain(uint64_t num_elements) {
  // rfp: crypto/feistel.rs precompute(): start at 4^1 even for tiny domains.
  uint64_t pow4 = 4;
  uint32_t k = 1;
  while (pow4 < num_elements) {
    pow4 *= 4;
    k++;
  }
  FeistelDomain d;
  d.num_elements = num_elements;
  d.half_bits = k;
  d.right_mask = (uint64_t{1} << k) - 1;
  d.left_mask = d.right_mask << k;
  return d;
}

// F(R, key): BLAKE2b-512 over u64be(R) || u64be(key), first 8 digest bytes read big-endian.
static inline uint64_t round_fn(uint64_t right, uint64_t key, uint64_t mask) {
  uint8_t msg[16], digest[64];
  for (int i = 0; i < 8; i++) {
    msg[i] = static_cast<uint8_t>(right >> (56 - 8 * i));
    msg[8 + i] = static_cast<uint8_t>(key >> (56 - 8 * i));
  }
  blake2b512(msg, sizeof msg, digest);
  uint64_t r = 0;
  for (int i = 0; i < 8; i++) r = (r << 8) | digest[i];
  return r & mask;
}

uint64_t feistel_encode(const FeistelDomain& d, const uint64_t keys[3], uint64_t x) {
  uint64_t left = (x & d.left_mask) >> d.half_bits;
  uint64_t right = x & d.right_mask;
  for (int i = 0; i < 3; i++) {
    uint64_t next_right = left ^ round_fn(right, keys[i], d.right_mask);
    left = right;
    right = next_right;
  }
  return (left << d.half_bits) | right;
}

uint64_t feistel_permute(const FeistelDomain& d, const uint64_t keys[3], uint64_t x) {
  uint64_t u = feistel_encode(d, keys, x);
  while (u >= d.num_elements) u = feistel_encode(d, keys, u);
  return u;
}

namespace {

inline uint64_t bswap64(uint64_t x) { return __builtin_bswap64(x); }

using HashLanes = void (*)(const uint64_t* m0, uint64_t m1, uint64_t* out);

void hash_scalar(const uint64_t* m0, uint64_t m1, uint64_t* out) { out[0] = blake2b512_word0_16(m0[0], m1); }

// W inputs in flight. Each pass encodes every lane once (3 rounds, one W-wide hash per round); a
// lane whose value has landed in [0, num_elements) is retired and refilled with the next input.
// Cycle walking makes lanes finish at different times, so refilling keeps the lanes busy.
template <int W, HashLanes H>
void batch(const FeistelDomain& d, const uint64_t keys[3], const uint64_t* in, uint64_t* out, size_t n) {
  uint64_t x[W], m0[W], h[W];
  size_t idx[W];
  bool live[W];
  size_t next = 0, live_count = 0;
  for (int w = 0; w < W; w++) {
    live[w] = next < n;
    idx[w] = next;
    x[w] = live[w] ? in[next++] : 0;
    live_count += live[w];
  }
  uint64_t key_words[3];
  for (int r = 0; r < 3; r++) key_words[r] = bswap64(keys[r]);  // message bytes 8..15 = u64be(key)
  while (live_count > 0) {
    uint64_t left[W], right[W];
    for (int w = 0; w < W; w++) {
      left[w] = (x[w] & d.left_mask) >> d.half_bits;
      right[w] = x[w] & d.right_mask;
    }
    for (int r = 0; r < 3; r++) {
      for (int w = 0; w < W; w++) m0[w] = bswap64(right[w]);  // message bytes 0..7 = u64be(R)
      H(m0, key_words[r], h);
      for (int w = 0; w < W; w++) {
        // First digest bytes read big-endian = byte-swapped LE word 0.
        const uint64_t next_right = left[w] ^ (bswap64(h[w]) & d.right_mask);
        left[w] = right[w];
        right[w] = next_right;
      }
    }
    for (int w = 0; w < W; w++) {
      x[w] = (left[w] << d.half_bits) | right[w];
      if (live[w] && x[w] < d.num_elements) {
        out[idx[w]] = x[w];
        if (next < n) {
          idx[w] = next;
          x[w] = in[next++];
        } else {
          live[w] = false;
          live_count--;
        }
      }
    }
  }
}

}  // namespace

FeistelKernel feistel_best_kernel() {
  const CpuFeatures& f = cpu_features();
  if (f.avx512f) return FeistelKernel::kAvx512;
  if (f.avx2) return FeistelKernel::kAvx2;
  return FeistelKernel::kScalar;
}

bool feistel_kernel_supported(FeistelKernel k) {
  switch (k) {
    case FeistelKernel::kPortable:
    case FeistelKernel::kScalar:
      return true;
    case FeistelKernel::kAvx2:
      return cpu_features().avx2;
    case FeistelKernel::kAvx512:
      return cpu_features().avx512f;
  }
  return false;
}

void feistel_permute_batch(FeistelKernel k, const FeistelDomain& d, const uint64_t keys[3], const uint64_t* in,
                           uint64_t* out, size_t n) {
  switch (k) {
    case FeistelKernel::kPortable:
      for (size_t i = 0; i < n; i++) out[i] = feistel_permute(d, keys, in[i]);
      return;
    case FeistelKernel::kScalar:
      return batch<1, hash_scalar>(d, keys, in, out, n);
    case FeistelKernel::kAvx2:
      return batch<4, blake2b512_word0_16_x4_avx2>(d, keys, in, out, n);
    case FeistelKernel::kAvx512:
      return batch<8, blake2b512_word0_16_x8_avx512>(d, keys, in, out, n);
  }
}

}  // namespace sdr
