// Streaming arity-8 Poseidon tree builder in the merkletree on-disk layout (docs/trees.md#column-hashes-and-tree-c):
// rows bottom-up, row k+1 node j = Poseidon_8(row k nodes 8j … 8j+7), last element the root.
// Leaves come from a LeafSource (a file, several layer files hashed into columns, or a buffer), are
// processed in fixed-size chunks by a thread pool and written with pwrite at their row offsets,
// so memory stays at a few chunk buffers per thread whatever the sector size.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "failure.h"
#include "file-io.h"

namespace sdr::tree {

// Cancellation and progress (called from the orchestrating thread only, never from the hashing
// threads).
struct Control {
  CancelFlag cancel;
  std::function<void(uint64_t done, uint64_t total)> progress;
  int threads = 0;  // 0 = hardware concurrency
  bool cancelled() const { return cancel.raised(); }
  int thread_count() const;
};

// Runs job(i) for i in [0, n) on control.thread_count() threads, in index order as far as threads
// allow; reports units_per_job·finished through control.progress; rethrows the first failure;
// throws Cancelled when asked to stop.
void parallel_jobs(uint64_t n, const Control& control, uint64_t units_per_job,
                   const std::function<void(uint64_t)>& job);

class LeafSource {
 public:
  virtual ~LeafSource() = default;
  // Writes `count` canonical 32-byte leaves starting at leaf `first`; must be thread-safe.
  virtual void read(uint64_t first, uint64_t count, uint8_t* out) const = 0;
};

// 32-byte nodes of a file from `byte_offset` on (tree-r-last over the sealed file).
class FileLeaves : public LeafSource {
 public:
  explicit FileLeaves(const std::string& path, uint64_t byte_offset = 0);
  void read(uint64_t first, uint64_t count, uint8_t* out) const override;

 private:
  std::string path_;
  io::Fd fd_;
  uint64_t offset_;
};

// Column hashes C[v] = Poseidon_L(layer_1[v] … layer_L[v]) (tree-c leaves).
class ColumnLeaves : public LeafSource {
 public:
  explicit ColumnLeaves(const std::vector<std::string>& layer_paths);
  void read(uint64_t first, uint64_t count, uint8_t* out) const override;

 private:
  std::vector<std::string> paths_;
  std::vector<io::Fd> fds_;
};

class BufferLeaves : public LeafSource {
 public:
  BufferLeaves(const uint8_t* data, uint64_t nodes) : data_(data), nodes_(nodes) {}
  void read(uint64_t first, uint64_t count, uint8_t* out) const override;

 private:
  const uint8_t* data_;
  uint64_t nodes_;
};

// Number of rows (leaves and root included) of an arity-8 tree over `leaves` leaves (a power of 8).
int row_count(uint64_t leaves);
// Nodes stored when rows [first_stored_row, top] are kept (first_stored_row = 0: the full tree).
uint64_t stored_nodes(uint64_t leaves, int first_stored_row);
bool is_power_of_8(uint64_t n);

struct OctreeJob {
  const LeafSource* source;
  uint64_t leaves_per_tree;  // power of 8
  // One entry per base tree; tree i covers leaves [i·leaves, (i+1)·leaves). An empty path skips the
  // tree: a run resumed after a kill builds only the trees that have no finished file.
  std::vector<std::string> out_paths;
  int first_stored_row = 0;   // 0 for tree-c; rows_to_discard + 1 for tree-r-last
  uint64_t chunk_leaves = 0;  // leaves per streaming chunk (power of 8); 0 = default (8^5)
  // Called from a hashing thread once tree i's file is durable under its final name.
  std::function<void(size_t tree, const uint8_t root[32])> tree_done;
};

// Builds the selected base trees, each written as a PartialFile (exact size, rows bottom-up) and
// committed as soon as its last chunk is hashed, so every finished tree survives a kill. Returns
// the roots, an empty vector for each skipped tree. Progress units are leaves of the selected trees.
std::vector<std::vector<uint8_t>> build_octrees(const OctreeJob& job, const Control& control);

// Whole tree in memory (small inputs: tests, compound roots): the rows from first_stored_row on.
std::vector<uint8_t> octree_in_memory(const uint8_t* leaves, uint64_t n, int first_stored_row);

}  // namespace sdr::tree
