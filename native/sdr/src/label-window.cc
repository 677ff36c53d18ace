// Window labeling over mapped layer files (label-window.h, docs/memory-plan.md#window-bench).
#include "label-window.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <memory>
#include <stdexcept>

#include "file-io.h"
#include "label-feed.h"

namespace sdr {
namespace label {

namespace {

uint64_t clock_ns(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
}

// `what` names the file ("the previous layer").
io::Fd open_at_least(const std::string& path, uint64_t bytes, const std::string& what) {
  io::Fd fd = io::open_read(path, ("cannot open " + what).c_str());
  const uint64_t size = io::file_size(fd.get(), path);
  if (size < bytes)
    throw CorruptData(what + " " + path + " has " + std::to_string(size) + " bytes, the window needs at least " +
                      std::to_string(bytes));
  return fd;
}

// The previous layer, read-only and shared with the page cache: nothing is copied, the kernel pages
// it in on the expander-parent reads and may drop it again under memory pressure.
class MappedFile {
 public:
  MappedFile(const std::string& path, uint64_t bytes) : bytes_(bytes) {
    const io::Fd fd = open_at_least(path, bytes, "the previous layer");
    void* p = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd.get(), 0);
    if (p == MAP_FAILED) throw_sys("mmap", path, "cannot map the previous layer");
    data_ = static_cast<const uint8_t*>(p);
    // Expander parents are uniform over the layer: a fault should read the one page it needs, not
    // the default read-around (~128 KiB), which for a layer larger than RAM only evicts pages the
    // window will read again.
    ::madvise(p, bytes, MADV_RANDOM);
  }
  ~MappedFile() { ::munmap(const_cast<uint8_t*>(data_), bytes_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }

 private:
  uint64_t bytes_;
  const uint8_t* data_;
};

// The current layer as the kernel addresses it, cur + v·32 for v in [0, first + count), in one
// reserved range: [0, first) is the prefix file mapped read-only (its page-aligned part; the
// unaligned rest is copied), [first, first + count) anonymous memory the kernel writes.
class WindowLayer {
 public:
  WindowLayer(const std::string& prefix_path, uint64_t first, uint64_t count) : bytes_((first + count) * kNodeBytes) {
    void* base = ::mmap(nullptr, bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) throw_sys("mmap", "", "cannot reserve address space for the window's layer");
    base_ = static_cast<uint8_t*>(base);
    try {
      const uint64_t prefix = first * kNodeBytes;
      const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
      const uint64_t mapped = prefix / page * page;
      io::Fd fd;
      if (prefix > 0) fd = open_at_least(prefix_path, prefix, "the current layer's prefix");
      if (mapped > 0 && ::mmap(base_, mapped, PROT_READ, MAP_SHARED | MAP_FIXED, fd.get(), 0) == MAP_FAILED)
        throw_sys("mmap", prefix_path, "cannot map the current layer's prefix");
      // Base parents far behind the node land on random pages too; read-around there would fill
      // RAM with neighbours nobody reads and push out the pages the window does read.
      if (mapped > 0) ::madvise(base_, mapped, MADV_RANDOM);
      if (::mmap(base_ + mapped, bytes_ - mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
          MAP_FAILED)
        throw_sys("mmap", "", "cannot allocate the window's labels");
#ifdef MADV_HUGEPAGE
      ::madvise(base_ + mapped, bytes_ - mapped, MADV_HUGEPAGE);
#endif
      if (prefix > mapped) io::pread_all(fd.get(), base_ + mapped, prefix - mapped, mapped, prefix_path);
    } catch (...) {
      ::munmap(base_, bytes_);
      throw;
    }
  }
  ~WindowLayer() { ::munmap(base_, bytes_); }
  WindowLayer(const WindowLayer&) = delete;
  WindowLayer& operator=(const WindowLayer&) = delete;
  uint8_t* data() { return base_; }

 private:
  uint64_t bytes_;
  uint8_t* base_;
};

}  // namespace

std::vector<WindowTimes> label_window(const WindowSpec& spec, const CancelFlag& cancel,
                                      const std::function<void(uint64_t)>& progress) {
  if (spec.replica_id.size() != 32) throw std::invalid_argument("replica id must be 32 bytes");
  if (spec.layer < 1) throw std::invalid_argument("layer is 1-based");
  if (spec.passes < 1) throw std::invalid_argument("at least one pass");
  if (spec.count == 0 || spec.first > spec.nodes || spec.count > spec.nodes - spec.first)
    throw std::invalid_argument("window [first, first + count) must be a non-empty range inside [0, nodes)");
  const sha256::Impl h = sha256::impl(spec.kernel);

  std::unique_ptr<MappedFile> prev;
  if (spec.layer > 1) prev.reset(new MappedFile(spec.prev_path, spec.nodes * kNodeBytes));
  WindowLayer cur(spec.cur_prefix_path, spec.first, spec.count);
  ParentsReader reader(spec.parents_path, spec.nodes, spec.first, spec.count);

  LayerControl ctl;
  ctl.cancel = cancel;
  ctl.progress = progress;
  const uint64_t end = spec.first + spec.count;
  const SectorLayer s{spec.replica_id.data(), prev ? prev->data() : nullptr, cur.data()};
  const bool feed = spec.feed == RunSpec::Feed::Producer || (spec.feed == RunSpec::Feed::Auto && spec.nodes >= kFeedMinNodes);
  std::vector<WindowTimes> times;
  for (uint32_t p = 0; p < spec.passes; p++) {
    if (p > 0) reader.drop_page_cache();
    const uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), wall0 = clock_ns(CLOCK_MONOTONIC);
    uint64_t producer_cpu = 0;  // the producer's own thread clock starts at 0
    std::unique_ptr<ParentsSource> source;
    if (feed)
      source.reset(new ParentsFeed(reader, end, spec.layer, {s.prev}, spec.first, &producer_cpu));
    else
      source.reset(new InlineParents(reader, end, spec.first));
    const bool ok = label_layer_single(h, end, spec.layer, s, *source, ctl, spec.first);
    const uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0, wall = clock_ns(CLOCK_MONOTONIC) - wall0;
    source.reset();  // joins the producer, which then has written producer_cpu
    times.push_back({cpu, wall, producer_cpu});
    if (!ok) throw Cancelled();
  }

  io::PartialFile out(spec.out_path, "the window's labels");
  io::pwrite_all(out.fd(), cur.data() + spec.first * kNodeBytes, spec.count * kNodeBytes, 0, out.partial_path());
  out.commit();
  return times;
}

}  // namespace label
}  // namespace sdr
