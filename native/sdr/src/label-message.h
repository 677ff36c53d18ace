// Pieces of the 1248-byte label message (docs/sdr.md#labeling) shared by the single- and multi-sector kernels.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "label-feed.h"
#include "label-layer.h"

namespace sdr {
namespace label {

// Header block = replica_id || u32be(layer) || u64be(node) || 20 zero bytes.
// rfp: storage-proofs-porep/src/stacked/vanilla/create_label/single.rs `create_label`
inline void write_header(uint8_t* block, const uint8_t* replica_id, uint32_t layer, uint64_t node) {
  std::memcpy(block, replica_id, 32);
  for (int i = 0; i < 4; i++) block[32 + i] = uint8_t(layer >> (24 - 8 * i));
  for (int i = 0; i < 8; i++) block[36 + i] = uint8_t(node >> (56 - 8 * i));
  std::memset(block + 44, 0, 20);
}

// Standard SHA-256 padding block for a message whose last 32 bytes start this block:
// the caller copies those 32 bytes in front; bit length goes in the last 8 bytes (big-endian).
inline void init_tail_block(uint8_t* block, uint64_t message_bytes) {
  std::memset(block, 0, 64);
  block[32] = 0x80;
  const uint64_t bits = message_bytes * 8;
  for (int i = 0; i < 8; i++) block[56 + i] = uint8_t(bits >> (56 - 8 * i));
}

// Node 0 hashes the header alone: header block, then a pure padding block for 64 bytes.
inline void init_header_pad_block(uint8_t* block) {
  std::memset(block, 0, 64);
  block[0] = 0x80;
  block[62] = 0x02;  // 512 bits
}

constexpr uint64_t kMessageBytes = 1248;  // header + 37 parent slots

// Layer 1 sees base parents only: header || P×6 || P[0] (P = 6 labels = 3 blocks).
// Layer > 1: header || Q || Q || Q[0..8] || Q[8] (Q = 14 labels = 7 blocks).
// Both come to 19 full blocks plus one tail block holding the last parent.
struct MessagePlan {
  int reps;          // full copies of the parent run (6 for layer 1, 2 otherwise)
  int run_blocks;    // blocks per copy (3 or 7)
  int extra_blocks;  // leading blocks of one more partial copy (0 or 4)
  int tail_slot;     // parent slot that goes into the tail block (0 or 8)
};
inline MessagePlan message_plan(uint32_t layer) {
  return layer == 1 ? MessagePlan{6, 3, 0, 0} : MessagePlan{2, 7, 4, 8};
}

// Copies the parent labels of one node into `dst` (14 × 32 bytes; 6 for layer 1). `exp`, when not
// null, holds the 8 expander-parent labels already gathered by the feed (label-feed.h).
inline void gather_parents(uint8_t* dst, const uint32_t* row, uint32_t layer, const uint8_t* cur, const uint8_t* prev,
                           const uint8_t* exp = nullptr) {
  for (int i = 0; i < kBaseParents; i++) std::memcpy(dst + 32 * i, cur + uint64_t(row[i]) * kNodeBytes, 32);
  if (layer == 1) return;
  if (exp) {
    std::memcpy(dst + 32 * kBaseParents, exp, 32 * (kParents - kBaseParents));
    return;
  }
  for (int i = kBaseParents; i < kParents; i++) std::memcpy(dst + 32 * i, prev + uint64_t(row[i]) * kNodeBytes, 32);
}

// Hints the caches toward the labels a node a little ahead will read. Base parents are DRG bucket
// samples, spread log-uniformly over the whole layer behind the node, and expander parents are
// uniform over the previous layer, so nearly all of them miss in L1/L2 unless fetched early.
// always_inline: GCC otherwise outlines this, judges the outlined part free of side effects and
// deletes the call, prefetches and all.
__attribute__((always_inline)) inline void prefetch_parents(const uint32_t* row, uint32_t layer, const uint8_t* cur, const uint8_t* prev) {
  for (int i = 1; i < kBaseParents; i++) __builtin_prefetch(cur + uint64_t(row[i]) * kNodeBytes);  // b0 = v−1 is hot
  if (layer == 1 || !prev) return;  // prev null: the feed has gathered the expander parents
  for (int i = kBaseParents; i < kParents; i++) __builtin_prefetch(prev + uint64_t(row[i]) * kNodeBytes);
}
constexpr uint64_t kPrefetchDistance = 16;

}  // namespace label
}  // namespace sdr
