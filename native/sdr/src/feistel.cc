#include "feistel.h"

#include "blake2b.h"

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

}  // namespace sdr
