// Parents-cache file generation (docs/sdr.md#parents-cache-file; rfp: storage-proofs-porep/src/stacked/vanilla/cache.rs).
#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "file-io.h"
#include "graph.h"

namespace sdr {

namespace {

constexpr uint64_t kRecordBytes = kTotalParents * 4;
// ~900 KiB of output per claim: large enough for efficient pwrite, small enough to cancel quickly.
constexpr uint64_t kChunkNodes = 16384;

void preallocate(int fd, uint64_t size, const std::string& path) {
#ifdef __linux__
  // Reserve the blocks up front so a full disk fails now, not an hour into a 56 GiB run. The raw
  // fallocate(2), not posix_fallocate: glibc's fallback for filesystems without it writes every
  // block, which for 56 GiB is slower than just writing the file.
  if (::fallocate(fd, 0, 0, static_cast<off_t>(size)) == 0) return;
  if (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
    throw_sys("fallocate", path, "cannot reserve " + std::to_string(size) + " bytes for the parents cache",
              "free disk space or point FIL_PROOFS_PARENT_CACHE elsewhere");
#endif
  io::truncate(fd, size, path);
}

inline void to_le(uint32_t* words, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (size_t i = 0; i < n; i++) words[i] = __builtin_bswap32(words[i]);
#else
  (void)words;
  (void)n;
#endif
}

}  // namespace

bool write_parents_cache(const GraphParams& g, const std::string& path, unsigned threads, const CancelFlag& cancelled,
                         const std::function<void(uint64_t)>& on_progress) {
  return write_parents_window(g, 0, g.nodes, path, threads, cancelled, on_progress);
}

bool write_parents_window(const GraphParams& g, uint64_t first, uint64_t total, const std::string& path,
                          unsigned threads, const CancelFlag& cancelled, const std::function<void(uint64_t)>& on_progress) {
  if (first > g.nodes || total > g.nodes - first || total == 0)
    throw std::invalid_argument("parents window [first, first + count) must be a non-empty range inside [0, nodes)");
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const uint64_t n_chunks = (total + kChunkNodes - 1) / kChunkNodes;
  if (threads > n_chunks) threads = static_cast<unsigned>(n_chunks);

  io::PartialFile out(path, "the parents cache");
  const int fd = out.fd();
  const std::string& tmp = out.partial_path();

  std::atomic<uint64_t> next_chunk{0}, nodes_done{0};
  std::atomic<bool> stop{false};
  std::mutex err_mu;
  std::exception_ptr error;

  auto work = [&] {
    std::vector<uint32_t> buf(kChunkNodes * kTotalParents);
    try {
      for (;;) {
        if (stop.load(std::memory_order_relaxed)) return;
        if (cancelled.raised()) {
          stop = true;
          return;
        }
        const uint64_t c = next_chunk.fetch_add(1);
        if (c >= n_chunks) return;
        const uint64_t offset = c * kChunkNodes;  // within the window
        const uint64_t count = std::min(kChunkNodes, total - offset);
        graph_parents(g, first + offset, count, buf.data());
        to_le(buf.data(), count * kTotalParents);
        io::pwrite_all(fd, reinterpret_cast<const uint8_t*>(buf.data()), count * kRecordBytes, offset * kRecordBytes, tmp);
        nodes_done.fetch_add(count);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(err_mu);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };

  preallocate(fd, total * kRecordBytes, tmp);
  std::vector<std::thread> pool;
  std::atomic<unsigned> running{0};
  try {
    for (unsigned t = 0; t < threads; t++) {
      running.fetch_add(1);
      pool.emplace_back([&] {
        work();
        running.fetch_sub(1);
      });
    }
  } catch (const std::system_error& e) {
    // Could not start every worker: carry on with the ones that did start, or fail if none did.
    running.fetch_sub(1);
    if (pool.empty()) throw std::runtime_error(std::string("cannot start parents-cache workers: ") + e.what());
  }
  // Short naps so small graphs finish without a fixed delay; progress every ~100 ms.
  for (int tick = 1; running.load() > 0; tick++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (on_progress && tick % 20 == 0) on_progress(nodes_done.load());
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (cancelled.raised() || nodes_done.load() != total) return false;  // `out` removes the partial file
  out.commit();
  if (on_progress) on_progress(total);
  return true;
}

}  // namespace sdr
