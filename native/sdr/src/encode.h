// Replica encoding and decoding over node ranges (docs/sdr.md#encoding, rfp storage-proofs-porep/src/encode.rs):
//   encode: replica[v] = key[v] + data[v] mod r      (key = last-layer label)
//   decode: data[v]    = replica[v] − key[v] mod r
// Streams in chunks; values are canonical little-endian integers, no Montgomery form needed.
#pragma once
#include <cstdint>
#include <string>

#include "tree-build.h"

namespace sdr::encode {

struct RangeJob {
  std::string key_path;    // the last layer's labels
  std::string input_path;  // encode: staged data ("" = CC, all zero); decode: the replica
  std::string out_path;    // encode: the sealed file; decode: where the data goes
  uint64_t first_node = 0;
  uint64_t nodes = 0;
  uint64_t out_byte_offset = 0;  // decode only; encode writes node v at 32·v
  uint64_t out_size = 0;         // if non-zero, the output file is resized to exactly this
};

void encode_range(const RangeJob& job, const tree::Control& control);
void decode_range(const RangeJob& job, const tree::Control& control);

}  // namespace sdr::encode
