// PC1 driver: owns the two label buffers per sector, runs the layers in order and makes each
// finished layer durable (io::PartialFile: partial name → fsync → rename → fsync dir) while the
// next one is computed.
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>

#include "file-io.h"
#include "label-feed.h"
#include "label-layer.h"

namespace sdr {
namespace label {

namespace {

// Anonymous mapping: pages are zero and untouched until labeled, and huge pages cut TLB misses
// on the random expander-parent reads.
class LayerBuffer {
 public:
  explicit LayerBuffer(size_t bytes) : bytes_(bytes) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      throw SysError(errno, "mmap", "",
                     "cannot allocate " + std::to_string(bytes >> 20) +
                         " MiB for a layer buffer (PC1 needs 2 × sector size of RAM per sector; seal fewer sectors at once)");
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

void write_layer_file(const std::string& path, const uint8_t* data, size_t bytes) {
  io::PartialFile f(path);
  io::pwrite_all(f.fd(), data, bytes, 0, f.partial_path());
  f.commit();
}

void read_layer_file(const std::string& path, uint8_t* data, size_t bytes) {
  const io::Fd fd = io::open_read(path, "cannot open the finished layer to resume from");
  if (io::file_size(fd.get(), path) != bytes)
    throw CorruptData("finished layer " + path + " has the wrong size; delete the cache dir's pc1 state to restart");
  io::pread_all(fd.get(), data, bytes, 0, path);
}

// Writes layer `layer` of every sector on a background thread; join() rethrows its error.
class LayerWriter {
 public:
  void start(const RunSpec& spec, uint32_t layer, std::vector<const uint8_t*> bufs, size_t bytes) {
    layer_ = layer;
    thread_ = std::thread([this, &spec, layer, bufs = std::move(bufs), bytes] {
      try {
        for (size_t j = 0; j < bufs.size(); j++) write_layer_file(spec.sectors[j].layer_paths[layer - 1], bufs[j], bytes);
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

void run_labeling(const RunSpec& spec, const CancelFlag& cancel, const RunCallbacks& cb) {
  const size_t k = spec.sectors.size();
  if (k == 0) throw std::invalid_argument("no sectors to label");
  for (const auto& s : spec.sectors)
    if (s.replica_id.size() != 32 || s.layer_paths.size() != spec.layers)
      throw std::invalid_argument("each sector needs a 32-byte replica id and one path per layer");
  if (spec.start_layer < 1 || spec.start_layer > spec.layers) throw std::invalid_argument("start layer out of range");
  const size_t bytes = spec.nodes * kNodeBytes;
  const sha256::Impl h = sha256::impl(spec.kernel);

  std::vector<std::unique_ptr<LayerBuffer>> prev(k), cur(k);
  for (size_t j = 0; j < k; j++) {
    prev[j].reset(new LayerBuffer(bytes));
    cur[j].reset(new LayerBuffer(bytes));
    if (spec.start_layer > 1) read_layer_file(spec.sectors[j].layer_paths[spec.start_layer - 2], prev[j]->data(), bytes);
  }

  ParentsReader parents(spec.parents_path, spec.nodes);
  LayerWriter writer;
  std::vector<std::pair<uint64_t, uint64_t>> times(spec.layers + 1);  // per layer: cpu, wall ns
  auto finish_writer = [&] {
    uint32_t done = writer.join();
    if (done && cb.layer_done) cb.layer_done(done, times[done].first, times[done].second);
  };

  for (uint32_t layer = spec.start_layer; layer <= spec.layers; layer++) {
    // The kernels poll every kPollNodes nodes; a small layer must still stop here.
    cancel.check();
    LayerControl ctl;
    ctl.cancel = cancel;
    if (cb.progress) ctl.progress = [&cb, layer](uint64_t done) { cb.progress(layer, done); };
    std::vector<SectorLayer> sl(k);
    for (size_t j = 0; j < k; j++)
      sl[j] = SectorLayer{spec.sectors[j].replica_id.data(), prev[j]->data(), cur[j]->data()};
    const uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), wall0 = clock_ns(CLOCK_MONOTONIC);
    std::unique_ptr<ParentsSource> source;
    const bool feed = spec.feed == RunSpec::Feed::Producer || (spec.feed == RunSpec::Feed::Auto && spec.nodes >= kFeedMinNodes);
    if (feed) {
      std::vector<const uint8_t*> prevs(k);
      for (size_t j = 0; j < k; j++) prevs[j] = prev[j]->data();
      source.reset(new ParentsFeed(parents, spec.nodes, layer, std::move(prevs)));
    } else {
      source.reset(new InlineParents(parents, spec.nodes));
    }
    const bool ok = k == 1 ? label_layer_single(h, spec.nodes, layer, sl[0], *source, ctl)
                           : label_layer_interleaved(h, spec.nodes, layer, sl, *source, ctl);
    source.reset();  // stops the producer before the buffers swap
    times[layer] = {clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0, clock_ns(CLOCK_MONOTONIC) - wall0};
    // The previous layer's write overlapped this layer; it must end before its buffer is reused.
    finish_writer();
    if (!ok) throw Cancelled();
    std::vector<const uint8_t*> bufs(k);
    for (size_t j = 0; j < k; j++) bufs[j] = cur[j]->data();
    writer.start(spec, layer, std::move(bufs), bytes);
    std::swap(prev, cur);
  }
  finish_writer();
}

}  // namespace label
}  // namespace sdr
