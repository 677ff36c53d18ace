// SnapDeals replica update over node ranges (docs/snap.md#encoding):
//   encode: new_replica[v] = key[v] + data[v]·rho(v >> bits_shr)       (mod r)
//   decode: data[v]        = (new_replica[v] − key[v])·rho⁻¹(v >> bits_shr)
// The caller (src/snap/) derives the rho table from phi; the kernel only streams the three files.
// Multiplication runs in Montgomery form with a pre-multiplied factor (rho·R), so canonical data
// times it comes out canonical: one multiply per node, no conversions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tree-build.h"

namespace sdr::snap {

enum class MulKernel { Portable, Adx };

struct Job {
  std::string key_path;    // the sector key (the CC sealed file)
  std::string input_path;  // encode: staged new data ("" = all zero); decode: the new replica
  std::string out_path;    // encode: the new replica (whole file, via .partial); decode: range target
  std::vector<uint8_t> factors;  // groups × 32 bytes canonical LE: rho (encode) or rho⁻¹ (decode)
  unsigned bits_shr = 0;         // group of node v = v >> bits_shr
  uint64_t first_node = 0;
  uint64_t nodes = 0;
  uint64_t out_byte_offset = 0;  // decode: where node first_node's data goes
  bool check_fr32 = false;       // decode: a decoded node ≥ 2^254 cannot be fr32-padded data
  MulKernel kernel = MulKernel::Portable;
};

// Writes the whole new replica (first_node must be 0, nodes = sector nodes) at out_path.partial and
// renames it once complete and fsynced.
void encode(const Job& job, const tree::Control& control);
// Writes nodes × 32 bytes of data at out_byte_offset of out_path (created if missing, never
// truncated) and fsyncs it.
void decode(const Job& job, const tree::Control& control);

}  // namespace sdr::snap
