// The chunk loop shared by the replica kernels (encode.cc: replica = key ± data, snap.cc: the
// SnapDeals update): a node range of the key file and of an input file streamed in chunks on the
// worker threads of tree::parallel_jobs (progress in nodes, cancellation between chunks), each chunk
// transformed in place and written to the output at its node offset. The kernels differ only in the
// per-node arithmetic they pass as `transform`.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "file-io.h"
#include "fr.h"
#include "tree-build.h"

namespace sdr::io {

// A node range processed in chunks of chunk_nodes (a unit of progress and of cancellation).
struct NodeRange {
  uint64_t first_node = 0;
  uint64_t nodes = 0;
  uint64_t chunk_nodes = 1 << 16;
};

// Where a chunk goes: node v's 32 bytes at byte_offset + 32·(v − first_node) of fd.
struct ChunkOutput {
  int fd = -1;
  std::string name;  // names the output in errors (its .partial while one is written)
  uint64_t byte_offset = 0;
};

// A node of a sealing file must be a canonical field element (< r).
inline void require_canonical(const uint64_t x[4], const std::string& path, uint64_t node) {
  if (!fr::canonical_lt_p(x))
    throw CorruptData(path + ": node " + std::to_string(node) +
                      " is not a canonical field element (value ≥ r); the file is corrupt or not a sealing artifact");
}

// The key file and the input file of a replica kernel, opened on construction (so a kernel that
// opens them before creating its output fails on a missing input with nothing written).
class NodeInputs {
 public:
  // input_path "" = no input: the data reads as zeros (CC). zero_extend_input: input bytes past the
  // end of the file read as zeros, as rust-fil-proofs' PC1 set_len()s a short staged file to the
  // sector size (docs/sdr.md); otherwise the input must be complete (a replica being decoded). The
  // key must always be complete.
  NodeInputs(std::string key_path, std::string input_path, bool zero_extend_input)
      : key_path_(std::move(key_path)),
        input_path_(std::move(input_path)),
        zero_extend_(zero_extend_input),
        key_(open_read(key_path_)),
        input_(input_path_.empty() ? Fd() : open_read(input_path_)) {}

  bool has_input() const { return bool(input_); }

  // transform(first, n, key, data): nodes [first, first + n) of the key and of the input (n × 32
  // bytes each); rewrites `data` in place with what is written to the output.
  template <class Transform>
  void for_each_node_chunk(const NodeRange& r, const ChunkOutput& out, const tree::Control& control,
                           Transform&& transform) const {
    const uint64_t chunks = (r.nodes + r.chunk_nodes - 1) / r.chunk_nodes;
    tree::parallel_jobs(chunks, control, r.chunk_nodes, [&](uint64_t c) {
      const uint64_t first = r.first_node + c * r.chunk_nodes;
      const uint64_t n = std::min(r.chunk_nodes, r.first_node + r.nodes - first);
      std::vector<uint8_t> key(n * 32), data(n * 32, 0);
      pread_all(key_.get(), key.data(), n * 32, first * 32, key_path_);
      if (input_ && zero_extend_) pread_zero_extended(input_.get(), data.data(), n * 32, first * 32, input_path_);
      if (input_ && !zero_extend_) pread_all(input_.get(), data.data(), n * 32, first * 32, input_path_);
      transform(first, n, key.data(), data.data());
      pwrite_all(out.fd, data.data(), n * 32, out.byte_offset + (first - r.first_node) * 32, out.name);
    });
  }

 private:
  std::string key_path_;
  std::string input_path_;
  bool zero_extend_;
  Fd key_;
  Fd input_;
};

}  // namespace sdr::io
