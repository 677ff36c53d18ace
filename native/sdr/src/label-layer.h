// SDR labeling (PC1) kernels: one layer of one sector (label-single.cc) or of K sectors that share a
// graph, hashed interleaved in one thread (label-interleaved.cc), and the layer-by-layer driver that
// owns buffers and writes the layer files it is given (label-run.cc). Byte layout: docs/sdr.md#labeling; rfp: storage-proofs-porep/src/stacked/vanilla/create_label/single.rs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "failure.h"
#include "sha256.h"

namespace sdr {
namespace label {

constexpr size_t kNodeBytes = 32;
constexpr int kParents = 14;  // b0..b5 (current layer) then e0..e7 (previous layer)
constexpr int kBaseParents = 6;

// Reads the reference parents cache (N records of 14 u32 LE, docs/sdr.md#parents-cache-file) front to back in chunks,
// checking every index so that a corrupt or foreign cache fails with a message instead of reading
// outside the layer buffers.
// A window file (graph.h write_parents_window) holds only the rows of [first, first + count).
class ParentsReader {
 public:
  ParentsReader(const std::string& path, uint64_t nodes) : ParentsReader(path, nodes, 0, nodes) {}
  ParentsReader(const std::string& path, uint64_t nodes, uint64_t first, uint64_t count);
  ~ParentsReader();
  ParentsReader(const ParentsReader&) = delete;
  ParentsReader& operator=(const ParentsReader&) = delete;
  // Loads the rows of nodes [start, start + count) (count <= chunk_nodes()) and returns them.
  const uint32_t* read(uint64_t start, uint64_t count);
  // Same rows into dst (count × 14); safe to call from another thread than the one that built it.
  void read_into(uint64_t start, uint64_t count, uint32_t* dst);
  static constexpr uint64_t chunk_nodes() { return 8192; }
  // Drops the file's pages from the page cache (posix_fadvise DONTNEED), so the next pass reads it
  // from disk as a cache larger than RAM would be (benchmarks: label-window.cc).
  void drop_page_cache();

 private:
  int fd_ = -1;
  std::string path_;
  uint64_t nodes_, first_, count_;
  std::vector<uint32_t> rows_;
};

// Polled by the kernels: a non-zero cancel flag stops them; progress(done) is called every few
// thousand nodes with the number of nodes of the current layer finished so far.
struct LayerControl {
  CancelFlag cancel;
  std::function<void(uint64_t)> progress;
  bool cancelled() const { return cancel.raised(); }
};
constexpr uint64_t kPollNodes = 4096;

// One sector's view of a layer: `cur` receives N labels; `prev` is layer-1's labels (unused for layer 1).
struct SectorLayer {
  const uint8_t* replica_id;  // 32 bytes
  const uint8_t* prev;
  uint8_t* cur;
};

class ParentsSource;  // label-feed.h

// Labels nodes [first, end) of layer `layer` (1-based) of one sector: the whole layer with first = 0,
// end = N; a window otherwise (label-window.cc), where cur's labels below `first` must already be
// there and `parents` starts at `first`. Returns false if cancelled (cur is then partial).
bool label_layer_single(const sha256::Impl& h, uint64_t end, uint32_t layer, const SectorLayer& s,
                        ParentsSource& parents, const LayerControl& ctl, uint64_t first = 0);

// Same output as label_layer_single for each sector, computed in one thread with the sectors'
// SHA-256 streams interleaved.
bool label_layer_interleaved(const sha256::Impl& h, uint64_t nodes, uint32_t layer,
                             const std::vector<SectorLayer>& sectors, ParentsSource& parents, const LayerControl& ctl);

// Below this many nodes per layer (64 MiB) the previous layer mostly sits in the last-level cache,
// the expander reads are cheap, and the feed's extra copy and hand-off cost more than they save
// (bench/pc1.ts: at 8 MiB inline was as fast or faster; at 512 MiB the feed saves 3–25%).
constexpr uint64_t kFeedMinNodes = uint64_t(1) << 21;

// The whole PC1 labeling for K sectors of one proof (K = 1 uses the single kernel).
struct RunSector {
  std::vector<uint8_t> replica_id;       // 32 bytes
  std::vector<std::string> layer_paths;  // L paths: layer l is written as an io::PartialFile at [l-1]
};
struct RunSpec {
  uint64_t nodes;
  uint32_t layers;       // L
  uint32_t start_layer;  // first layer to compute; when > 1, layer start_layer-1 is loaded from disk
  std::string parents_path;
  std::vector<RunSector> sectors;
  sha256::Kernel kernel = sha256::Kernel::Fast;
  // Who reads the parents cache and gathers expander parents (docs/sdr.md#parents-feed):
  // Producer = a thread ahead of the hashing thread (ParentsFeed); Inline = the hashing thread
  // itself (the plain twin); Auto = Producer once a layer outgrows the caches (kFeedMinNodes).
  enum class Feed { Auto, Producer, Inline };
  Feed feed = Feed::Auto;
};
struct RunCallbacks {
  std::function<void(uint32_t layer, uint64_t done)> progress;
  // Called once layer `layer` is durable on disk for every sector (fsynced and renamed), with the
  // labeling thread's CPU time and wall time for computing it (benchmarks compare these).
  std::function<void(uint32_t layer, uint64_t cpu_ns, uint64_t wall_ns)> layer_done;
};
// Throws Cancelled when asked to stop, SysError on I/O problems, CorruptData for a wrong-size layer
// to resume from; a corrupt parents cache throws std::runtime_error (label-parents.cc).
void run_labeling(const RunSpec& spec, const CancelFlag& cancel, const RunCallbacks& cb);

// Writes one finished label message's digest into `out`, masked to 254 bits. Built in registers and
// stored whole: the next node reads this label right away (it is always parent b0), and a load
// that spans many small stores cannot be forwarded and stalls the hash chain.
inline void finish_label(const uint32_t state[8], uint8_t* out) {
  uint32_t w[8];
  for (int i = 0; i < 8; i++) w[i] = __builtin_bswap32(state[i]);
  w[7] &= 0x3FFFFFFFu;  // mask254: byte 31 is the top byte of the last little-endian word
  std::memcpy(out, w, 32);
}

}  // namespace label
}  // namespace sdr
