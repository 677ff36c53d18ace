// Parents-cache file generation (sdr.md §3.6; rfp: storage-proofs-porep/src/stacked/vanilla/cache.rs).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "graph.h"

namespace sdr {

namespace {

constexpr uint64_t kRecordBytes = kTotalParents * 4;
// ~900 KiB of output per claim: large enough for efficient pwrite, small enough to cancel quickly.
constexpr uint64_t kChunkNodes = 16384;

std::string errno_message(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

std::string temp_name_for(const std::string& path) {
  std::random_device rd;
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%08x", static_cast<long>(getpid()), rd());
  return path + suffix;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void pwrite_all(int fd, const uint8_t* data, size_t len, off_t offset, const std::string& path) {
  while (len > 0) {
    ssize_t n = ::pwrite(fd, data, len, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(errno_message("cannot write the parents cache", path));
    }
    data += n;
    len -= static_cast<size_t>(n);
    offset += n;
  }
}

void preallocate(int fd, uint64_t size, const std::string& path) {
#ifdef __linux__
  // Reserve the blocks up front so a full disk fails now, not an hour into a 56 GiB run. The raw
  // fallocate(2), not posix_fallocate: glibc's fallback for filesystems without it writes every
  // block, which for 56 GiB is slower than just writing the file.
  if (::fallocate(fd, 0, 0, static_cast<off_t>(size)) == 0) return;
  if (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
    throw std::runtime_error(errno_message("cannot reserve " + std::to_string(size) + " bytes for the parents cache",
                                           path) + " (free disk space or point FIL_PROOFS_PARENT_CACHE elsewhere)");
#endif
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0)
    throw std::runtime_error(errno_message("cannot size the parents cache", path));
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

bool write_parents_cache(const GraphParams& g, const std::string& path, unsigned threads, const int32_t* cancel,
                         const std::function<void(uint64_t)>& on_progress) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const uint64_t n_chunks = (g.nodes + kChunkNodes - 1) / kChunkNodes;
  if (threads > n_chunks) threads = static_cast<unsigned>(n_chunks);

  const std::string tmp = temp_name_for(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(errno_message("cannot create the parents cache", tmp));

  std::atomic<uint64_t> next_chunk{0}, nodes_done{0};
  std::atomic<bool> stop{false};
  std::mutex err_mu;
  std::string error;
  auto cancelled = [cancel] { return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED) != 0; };

  auto work = [&] {
    std::vector<uint32_t> buf(kChunkNodes * kTotalParents);
    try {
      for (;;) {
        if (stop.load(std::memory_order_relaxed)) return;
        if (cancelled()) {
          stop = true;
          return;
        }
        const uint64_t c = next_chunk.fetch_add(1);
        if (c >= n_chunks) return;
        const uint64_t start = c * kChunkNodes;
        const uint64_t count = std::min(kChunkNodes, g.nodes - start);
        graph_parents(g, start, count, buf.data());
        to_le(buf.data(), count * kTotalParents);
        pwrite_all(fd, reinterpret_cast<const uint8_t*>(buf.data()), count * kRecordBytes,
                   static_cast<off_t>(start * kRecordBytes), tmp);
        nodes_done.fetch_add(count);
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(err_mu);
      if (error.empty()) error = e.what();
      stop = true;
    }
  };

  bool ok = false;
  try {
    preallocate(fd, g.nodes * kRecordBytes, tmp);
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
    if (!error.empty()) throw std::runtime_error(error);
    if (!cancelled() && nodes_done.load() == g.nodes) {
      if (::fsync(fd) != 0) throw std::runtime_error(errno_message("cannot fsync the parents cache", tmp));
      ok = true;
    }
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string msg = errno_message("cannot move the parents cache into place at", path);
    ::unlink(tmp.c_str());
    throw std::runtime_error(msg);
  }
  // Make the rename itself durable: a crash right after must not resurrect the old name state.
  int dfd = ::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  if (on_progress) on_progress(g.nodes);
  return true;
}

}  // namespace sdr
