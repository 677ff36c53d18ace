// PC1 driver: owns the two label buffers per sector, runs the layers in order and makes each
// finished layer durable (temp name → fsync → rename → fsync dir) while the next one is computed.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>
#include <ctime>

#include "label-layer.h"

namespace sdr {
namespace label {

namespace {

std::string sys_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Anonymous mapping: pages are zero and untouched until labeled, and huge pages cut TLB misses
// on the random expander-parent reads.
class LayerBuffer {
 public:
  explicit LayerBuffer(size_t bytes) : bytes_(bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      throw std::runtime_error("cannot allocate " + std::to_string(bytes >> 20) +
                               " MiB for a layer buffer: " + std::strerror(errno) +
                               " (PC1 needs 2 × sector size of RAM per sector; seal fewer sectors at once)");
    data_ = static_cast<uint8_t*>(p);
#ifdef MADV_HUGEPAGE
    ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  }
  ~LayerBuffer() { ::munmap(data_, bytes_); }
  LayerBuffer(const LayerBuffer&) = delete;
  LayerBuffer& operator=(const LayerBuffer&) = delete;
  uint8_t* data() { return data_; }

 private:
  size_t bytes_;
  uint8_t* data_;
};

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some filesystems refuse directory fds
  ::fsync(fd);
  ::close(fd);
}

void write_layer_file(const std::string& dir, uint32_t layer, const uint8_t* data, size_t bytes) {
  const std::string final_path = dir + "/" + layer_file_name(layer);
  const std::string tmp = final_path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(sys_error("cannot create layer file", tmp));
  size_t off = 0;
  while (off < bytes) {
    ssize_t n = ::pwrite(fd, data + off, std::min<size_t>(bytes - off, size_t(64) << 20), off_t(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string msg = sys_error("cannot write layer file", tmp) + " (is the disk full?)";
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error(msg);
    }
    off += size_t(n);
  }
  if (::fsync(fd) != 0) {
    std::string msg = sys_error("cannot fsync layer file", tmp);
    ::close(fd);
    throw std::runtime_error(msg);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) throw std::runtime_error(sys_error("cannot rename", tmp));
  fsync_dir(dir);
}

void read_layer_file(const std::string& dir, uint32_t layer, uint8_t* data, size_t bytes) {
  const std::string path = dir + "/" + layer_file_name(layer);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(sys_error("cannot open finished layer to resume from", path));
  struct stat st;
  if (::fstat(fd, &st) != 0 || uint64_t(st.st_size) != bytes) {
    ::close(fd);
    throw std::runtime_error("finished layer " + path + " has the wrong size; delete the cache dir's pc1 state to restart");
  }
  size_t off = 0;
  while (off < bytes) {
    ssize_t n = ::pread(fd, data + off, std::min<size_t>(bytes - off, size_t(64) << 20), off_t(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string msg = sys_error("cannot read finished layer", path);
      ::close(fd);
      throw std::runtime_error(msg);
    }
    off += size_t(n);
  }
  ::close(fd);
}

// Writes layer `layer` of every sector on a background thread; join() rethrows its error.
class LayerWriter {
 public:
  void start(const RunSpec& spec, uint32_t layer, std::vector<const uint8_t*> bufs, size_t bytes) {
    layer_ = layer;
    thread_ = std::thread([this, &spec, layer, bufs = std::move(bufs), bytes] {
      try {
        for (size_t j = 0; j < bufs.size(); j++) write_layer_file(spec.cache_dirs[j], layer, bufs[j], bytes);
      } catch (...) {
        error_ = std::current_exception();
      }
    });
  }
  // Returns the finished layer (0 if none was running).
  uint32_t join() {
    if (!thread_.joinable()) return 0;
    thread_.join();
    if (error_) {
      auto e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
    return layer_;
  }
  ~LayerWriter() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
  std::exception_ptr error_;
  uint32_t layer_ = 0;
};

uint64_t clock_ns(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
}

}  // namespace

std::string layer_file_name(uint32_t layer) { return "sc-02-data-layer-" + std::to_string(layer) + ".dat"; }

bool run_labeling(const RunSpec& spec, const int32_t* cancel, const RunCallbacks& cb) {
  const size_t k = spec.replica_ids.size();
  if (k == 0 || spec.cache_dirs.size() != k) throw std::invalid_argument("one cache dir per replica id is required");
  if (spec.start_layer < 1 || spec.start_layer > spec.layers) throw std::invalid_argument("start layer out of range");
  const size_t bytes = spec.nodes * kNodeBytes;
  const sha256::Impl h = sha256::impl(spec.kernel);

  std::vector<std::unique_ptr<LayerBuffer>> prev(k), cur(k);
  for (size_t j = 0; j < k; j++) {
    prev[j].reset(new LayerBuffer(bytes));
    cur[j].reset(new LayerBuffer(bytes));
    if (spec.start_layer > 1) read_layer_file(spec.cache_dirs[j], spec.start_layer - 1, prev[j]->data(), bytes);
  }

  ParentsReader parents(spec.parents_path, spec.nodes);
  LayerWriter writer;
  std::vector<std::pair<uint64_t, uint64_t>> times(spec.layers + 1);  // per layer: cpu, wall ns
  auto finish_writer = [&] {
    uint32_t done = writer.join();
    if (done && cb.layer_done) cb.layer_done(done, times[done].first, times[done].second);
  };

  for (uint32_t layer = spec.start_layer; layer <= spec.layers; layer++) {
    LayerControl ctl;
    ctl.cancel = cancel;
    if (cb.progress) ctl.progress = [&cb, layer](uint64_t done) { cb.progress(layer, done); };
    std::vector<SectorLayer> sl(k);
    for (size_t j = 0; j < k; j++)
      sl[j] = SectorLayer{spec.replica_ids[j].data(), prev[j]->data(), cur[j]->data()};
    const uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), wall0 = clock_ns(CLOCK_MONOTONIC);
    const bool ok = k == 1 ? label_layer_single(h, spec.nodes, layer, sl[0], parents, ctl)
                           : label_layer_interleaved(h, spec.nodes, layer, sl, parents, ctl);
    times[layer] = {clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0, clock_ns(CLOCK_MONOTONIC) - wall0};
    // The previous layer's write overlapped this layer; it must end before its buffer is reused.
    finish_writer();
    if (!ok) return false;
    std::vector<const uint8_t*> bufs(k);
    for (size_t j = 0; j < k; j++) bufs[j] = cur[j]->data();
    writer.start(spec, layer, std::move(bufs), bytes);
    std::swap(prev, cur);
  }
  finish_writer();
  return true;
}

}  // namespace label
}  // namespace sdr
