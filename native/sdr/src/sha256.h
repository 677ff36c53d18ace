// SHA-256 at the compression-function level (FIPS 180-4 §6.2.2), the only hash labeling and tree-d need.
// Callers assemble their own padded blocks: a label message is 20 blocks whose last one is a fixed
// padding pattern, so the streaming Update/Final API would only add copies.
#pragma once
#include <cstddef>
#include <cstdint>

namespace sdr {
namespace sha256 {

constexpr size_t kBlockBytes = 64;
constexpr int kMaxLanes = 4;  // lanes per call in tree-d's batches; any count is accepted

extern const uint32_t kInitialState[8];

// Advances `state` (a..h, host-order words) over `nblocks` consecutive 64-byte blocks.
using CompressFn = void (*)(uint32_t state[8], const uint8_t* blocks, size_t nblocks);
// Advances `lanes` independent states, lane i over `nblocks` consecutive blocks at blocks[i].
// The fast variant interleaves the lanes so one stream's round latency hides behind the others'.
using CompressLanesFn = void (*)(uint32_t* const states[], const uint8_t* const blocks[], size_t lanes,
                                 size_t nblocks);

void compress_portable(uint32_t state[8], const uint8_t* blocks, size_t nblocks);
void compress_lanes_portable(uint32_t* const states[], const uint8_t* const blocks[], size_t lanes, size_t nblocks);

// True when this build and CPU have a hardware variant (x86 SHA-NI); false when SDR_DISABLE_SHA_NI=1.
bool hardware_available();
// Only valid when hardware_available().
void compress_hw(uint32_t state[8], const uint8_t* blocks, size_t nblocks);
void compress_lanes_hw(uint32_t* const states[], const uint8_t* const blocks[], size_t lanes, size_t nblocks);

enum class Kernel { Portable, Fast };

struct Impl {
  CompressFn compress;
  CompressLanesFn compress_lanes;
  const char* name;  // "sha-ni" or "portable"
};
// Fast = the hardware variant when available, else portable.
Impl impl(Kernel k);

// Big-endian serialization of the state words: the standard digest bytes.
inline void state_to_digest(const uint32_t state[8], uint8_t out[32]) {
  for (int i = 0; i < 8; i++) {
    out[4 * i] = uint8_t(state[i] >> 24);
    out[4 * i + 1] = uint8_t(state[i] >> 16);
    out[4 * i + 2] = uint8_t(state[i] >> 8);
    out[4 * i + 3] = uint8_t(state[i]);
  }
}

// Clears the top two bits so the 32 LE bytes are < 2^254 < r (rfp: fr32 `bytes_into_fr_repr_safe`).
inline void mask254(uint8_t digest[32]) { digest[31] &= 0x3F; }

}  // namespace sha256
}  // namespace sdr
