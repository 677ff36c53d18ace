// tree-d: the binary sha254 Merkle tree over the staged (fr32-padded) sector, written as the
// reference's full DiskStore `sc-02-data-tree-d.dat` (rows bottom-up, 2N−1 nodes; docs/trees.md#tree-d).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "failure.h"
#include "sha256.h"

namespace sdr {
namespace treed {

struct TreeDSpec {
  uint64_t nodes;           // N, a power of two >= 2
  std::string staged_path;  // empty = CC (all-zero leaves)
  std::string out_path;     // written as an io::PartialFile (file-io.h)
  sha256::Kernel kernel = sha256::Kernel::Fast;
};

// Throws Cancelled when asked to stop (no output file then). progress(leaves_done) is called per
// chunk. Memory stays bounded by one chunk (a few MiB) whatever the sector size.
void build_tree_d(const TreeDSpec& spec, const CancelFlag& cancel, const std::function<void(uint64_t)>& progress,
                  uint8_t root[32]);

// H(left || right) = sha254 of 64 bytes, for `count` pairs: out[i] = H(in[2i], in[2i+1]).
void hash_pairs(const sha256::Impl& h, const uint8_t* in, uint8_t* out, uint64_t count);

}  // namespace treed
}  // namespace sdr
