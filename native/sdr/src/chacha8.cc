#include "chacha8.h"

namespace sdr {

static inline uint32_t rotl32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

#define SDR_QR(a, b, c, d)                   \
  a += b; d ^= a; d = rotl32(d, 16);         \
  c += d; b ^= c; b = rotl32(b, 12);         \
  a += b; d ^= a; d = rotl32(d, 8);          \
  c += d; b ^= c; b = rotl32(b, 7)

void chacha8_block(const uint32_t key[8], uint64_t counter, uint32_t out[16]) {
  uint32_t in[16] = {0x61707865u, 0x3320646eu, 0x79622d32u, 0x6b206574u,  // "expand 32-byte k"
                     key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                     static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0, 0};
  uint32_t x[16];
  for (int i = 0; i < 16; i++) x[i] = in[i];
  for (int r = 0; r < 4; r++) {  // 4 double rounds = 8 rounds
    SDR_QR(x[0], x[4], x[8], x[12]);
    SDR_QR(x[1], x[5], x[9], x[13]);
    SDR_QR(x[2], x[6], x[10], x[14]);
    SDR_QR(x[3], x[7], x[11], x[15]);
    SDR_QR(x[0], x[5], x[10], x[15]);
    SDR_QR(x[1], x[6], x[11], x[12]);
    SDR_QR(x[2], x[7], x[8], x[13]);
    SDR_QR(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; i++) out[i] = x[i] + in[i];
}

#undef SDR_QR

ChaCha8Rng::ChaCha8Rng(const uint8_t seed[32]) {
  for (int i = 0; i < 8; i++) {
    key_[i] = static_cast<uint32_t>(seed[4 * i]) | (static_cast<uint32_t>(seed[4 * i + 1]) << 8) |
              (static_cast<uint32_t>(seed[4 * i + 2]) << 16) | (static_cast<uint32_t>(seed[4 * i + 3]) << 24);
  }
}

uint64_t ChaCha8Rng::next_u64() {
  if (index_ >= 16) {
    chacha8_block(key_, counter_++, buf_);
    index_ = 0;
  }
  uint64_t lo = buf_[index_], hi = buf_[index_ + 1];
  index_ += 2;
  return lo | (hi << 32);
}

}  // namespace sdr
