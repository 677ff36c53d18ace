#include "tree-build.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "fr.h"
#include "poseidon.h"

namespace sdr::tree {

namespace {
constexpr int kArity = 8;
constexpr uint64_t kChunkLeaves = 32768;  // 8^5: 1 MiB of leaves (11 MiB of labels for 11-layer columns)

void check_canonical(const uint8_t* nodes, uint64_t count, uint64_t first, const std::string& what) {
  for (uint64_t i = 0; i < count; i++) {
    uint64_t x[4];
    std::memcpy(x, nodes + 32 * i, 32);  // little-endian host (x86-64, aarch64)
    if (!fr::canonical_lt_p(x))
      throw CorruptData(what + ": node " + std::to_string(first + i) +
                        " is not a canonical field element (value ≥ r); the file is corrupt or not a sealing artifact");
  }
}
}  // namespace

int Control::thread_count() const {
  if (threads > 0) return threads;
  const unsigned h = std::thread::hardware_concurrency();
  return h ? (int)h : 1;
}

void parallel_jobs(uint64_t n, const Control& control, uint64_t units_per_job,
                   const std::function<void(uint64_t)>& job) {
  std::atomic<uint64_t> next{0}, finished{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex mu;
  std::condition_variable cv;
  const int nthreads = (int)std::min<uint64_t>((uint64_t)control.thread_count(), n ? n : 1);

  auto worker = [&] {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const uint64_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
      }
      finished.fetch_add(1);
      cv.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < nthreads; t++) pool.emplace_back(worker);

  // This thread only watches: progress and cancellation at a steady pace.
  uint64_t reported = UINT64_MAX;
  for (;;) {
    const uint64_t f = finished.load();
    if (control.cancelled()) stop = true;
    if (f != reported && control.progress && !stop) {
      control.progress(f * units_per_job, n * units_per_job);
      reported = f;
    }
    if (f >= n || stop) break;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(100));
  }
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  if (stop && control.cancelled()) throw Cancelled();
}

// ---- leaf sources ---------------------------------------------------------------------------

FileLeaves::FileLeaves(const std::string& path, uint64_t byte_offset)
    : path_(path), fd_(io::open_read(path)), offset_(byte_offset) {}
void FileLeaves::read(uint64_t first, uint64_t count, uint8_t* out) const {
  io::pread_all(fd_.get(), out, count * 32, offset_ + first * 32, path_);
  check_canonical(out, count, first + offset_ / 32, path_);
}

ColumnLeaves::ColumnLeaves(const std::vector<std::string>& layer_paths) : paths_(layer_paths) {
  for (const auto& p : paths_) fds_.push_back(io::open_read(p));
}
void ColumnLeaves::read(uint64_t first, uint64_t count, uint8_t* out) const {
  const size_t L = paths_.size();
  std::vector<uint8_t> layer(count * 32), cols(count * L * 32);
  for (size_t l = 0; l < L; l++) {
    io::pread_all(fds_[l].get(), layer.data(), count * 32, first * 32, paths_[l]);
    check_canonical(layer.data(), count, first, paths_[l]);
    for (uint64_t v = 0; v < count; v++) std::memcpy(&cols[(v * L + l) * 32], &layer[v * 32], 32);
  }
  // rfp: storage-proofs-porep/src/stacked/vanilla/proof.rs hash_single_column — layer 1 first
  poseidon::hash_many(poseidon::constants((int)L), cols.data(), out, count);
}

void BufferLeaves::read(uint64_t first, uint64_t count, uint8_t* out) const {
  if (first + count > nodes_) throw std::invalid_argument("leaf buffer too short");
  std::memcpy(out, data_ + first * 32, count * 32);
  check_canonical(out, count, first, "leaf buffer");
}

// ---- geometry -------------------------------------------------------------------------------

bool is_power_of_8(uint64_t n) {
  if (n == 0) return false;
  while (n % 8 == 0) n /= 8;
  return n == 1;
}

int row_count(uint64_t leaves) {
  int rows = 1;
  while (leaves > 1) {
    leaves /= kArity;
    rows++;
  }
  return rows;
}

uint64_t stored_nodes(uint64_t leaves, int first_stored_row) {
  uint64_t total = 0, width = leaves;
  for (int k = 0;; k++) {
    if (k >= first_stored_row) total += width;
    if (width == 1) break;
    width /= kArity;
  }
  return total;
}

// ---- building -------------------------------------------------------------------------------

namespace {

// Hashes one row into the next: parents[j] = H8(children[8j .. 8j+8)).
void hash_row(const uint8_t* children, uint64_t parents, uint8_t* out) {
  poseidon::hash_many(poseidon::constants(kArity), children, out, parents);
}

// One base tree being built: its partial file, where each stored row goes, and the chunk roots
// gathered until the last chunk is in.
struct TreeFile {
  size_t index;
  std::unique_ptr<io::PartialFile> file;
  std::vector<uint64_t> row_offset;  // byte offset of each stored row; UINT64_MAX if not stored
  std::vector<uint8_t> tops;         // root of every chunk: row chunk_rows−1 of the tree
  std::atomic<uint64_t> chunks_left{0};
};

}  // namespace

std::vector<std::vector<uint8_t>> build_octrees(const OctreeJob& job, const Control& control) {
  const uint64_t leaves = job.leaves_per_tree;
  if (!is_power_of_8(leaves) || leaves < 8) throw std::invalid_argument("leaves per base tree must be a power of 8 ≥ 8");
  const int rows = row_count(leaves);
  if (job.first_stored_row < 0 || job.first_stored_row >= rows)
    throw std::invalid_argument("first stored row out of range");
  if (job.out_paths.empty()) throw std::invalid_argument("no output paths");

  if (job.chunk_leaves && !is_power_of_8(job.chunk_leaves)) throw std::invalid_argument("chunk size must be a power of 8");
  const uint64_t chunk = std::min(leaves, job.chunk_leaves ? job.chunk_leaves : kChunkLeaves);
  const uint64_t chunks_per_tree = leaves / chunk;

  std::vector<std::unique_ptr<TreeFile>> files;
  for (size_t i = 0; i < job.out_paths.size(); i++) {
    if (job.out_paths[i].empty()) continue;
    auto f = std::make_unique<TreeFile>();
    f->index = i;
    f->file = std::make_unique<io::PartialFile>(job.out_paths[i]);
    uint64_t off = 0, width = leaves;
    for (int k = 0; k < rows; k++) {
      f->row_offset.push_back(k >= job.first_stored_row ? off : UINT64_MAX);
      if (k >= job.first_stored_row) off += width * 32;
      width /= kArity;
    }
    io::truncate(f->file->fd(), off, f->file->partial_path());
    f->tops.resize(chunks_per_tree * 32);
    f->chunks_left = chunks_per_tree;
    files.push_back(std::move(f));
  }
  std::vector<std::vector<uint8_t>> roots(job.out_paths.size());
  if (files.empty()) return roots;

  // Rows above the chunk roots (leaves / chunk nodes at most) are hashed by whichever thread
  // finishes the tree's last chunk; then the file is committed and the tree is a checkpoint.
  auto finish_tree = [&](TreeFile& f) {
    const int fd = f.file->fd();
    const std::string& path = f.file->partial_path();
    std::vector<uint8_t> cur = std::move(f.tops);
    uint64_t width = chunks_per_tree;
    int k = row_count(chunk) - 1;
    while (width > 1) {
      std::vector<uint8_t> next(width / kArity * 32);
      hash_row(cur.data(), width / kArity, next.data());
      width /= kArity;
      k++;
      cur.swap(next);
      if (f.row_offset[k] != UINT64_MAX) io::pwrite_all(fd, cur.data(), width * 32, f.row_offset[k], path);
    }
    f.file->commit();
    roots[f.index] = cur;
    if (job.tree_done) job.tree_done(f.index, cur.data());
  };

  parallel_jobs(files.size() * chunks_per_tree, control, chunk, [&](uint64_t jid) {
    TreeFile& f = *files[jid / chunks_per_tree];
    const uint64_t ci = jid % chunks_per_tree;
    const int fd = f.file->fd();
    const std::string& path = f.file->partial_path();
    std::vector<uint8_t> cur(chunk * 32), next(chunk / kArity * 32);
    job.source->read(f.index * leaves + ci * chunk, chunk, cur.data());
    uint64_t width = chunk;
    for (int k = 0;; k++) {
      if (f.row_offset[k] != UINT64_MAX) io::pwrite_all(fd, cur.data(), width * 32, f.row_offset[k] + ci * width * 32, path);
      if (width == 1) break;
      control.cancel.check();
      hash_row(cur.data(), width / kArity, next.data());
      width /= kArity;
      std::swap(cur, next);
    }
    std::memcpy(&f.tops[ci * 32], cur.data(), 32);
    // acq_rel: the thread that takes the count to zero sees every other chunk's root.
    if (f.chunks_left.fetch_sub(1, std::memory_order_acq_rel) == 1) finish_tree(f);
  });
  return roots;
}

std::vector<uint8_t> octree_in_memory(const uint8_t* leaves, uint64_t n, int first_stored_row) {
  if (!is_power_of_8(n)) throw std::invalid_argument("leaf count must be a power of 8");
  check_canonical(leaves, n, 0, "leaves");
  std::vector<uint8_t> out, cur(leaves, leaves + n * 32);
  for (int k = 0;; k++) {
    if (k >= first_stored_row) out.insert(out.end(), cur.begin(), cur.end());
    if (n == 1) break;
    std::vector<uint8_t> next(n / kArity * 32);
    hash_row(cur.data(), n / kArity, next.data());
    n /= kArity;
    cur.swap(next);
  }
  return out;
}

}  // namespace sdr::tree
