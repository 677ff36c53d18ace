// ChaCha with 8 rounds, laid out exactly as rand_chacha 0.3 ChaCha8Rng (docs/sdr.md#base-parents): the DRG
// draws its base parents from it, so any deviation changes every parents-cache byte.
#pragma once
#include <cstdint>

namespace sdr {

// One 64-byte keystream block as 16 u32 words: djb layout, key = 8 LE words, word 12/13 = low/high
// halves of the 64-bit block counter, words 14/15 (stream id) = 0.
void chacha8_block(const uint32_t key[8], uint64_t counter, uint32_t out[16]);

// rand_core BlockRng over ChaCha8: words consumed in order, next_u64 = low word first.
// Only next_u64 is offered because the DRG only ever reads u64 pairs from an even index, so the
// BlockRng half-word edge case (a u64 straddling two blocks) cannot arise.
class ChaCha8Rng {
 public:
  explicit ChaCha8Rng(const uint8_t seed[32]);
  uint64_t next_u64();

 private:
  uint32_t key_[8];
  uint64_t counter_ = 0;
  uint32_t buf_[16];
  int index_ = 16;
};

}  // namespace sdr
