// Labeling of a window of nodes [first, first + count) of one layer, for graphs whose layers do not
// fit in RAM here (a 32 GiB graph: 2 × 32 GiB of layers, a 56 GiB parents cache). The previous layer
// and this layer's labels below `first` are files mapped read-only and paged by the kernel; the
// window's parents come from a window slice of the parents cache (graph.h write_parents_window);
// the window's own labels go to a small anonymous buffer, then to `out_path`. The labeling itself is
// the production kernel (label_layer_single) and parents source (feed or inline), started at
// `first`. docs/memory-plan.md#window-bench.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "label-layer.h"

namespace sdr {
namespace label {

struct WindowSpec {
  uint64_t nodes;  // N of the graph
  uint32_t layer;  // 1-based
  uint64_t first, count;
  std::vector<uint8_t> replica_id;  // 32 bytes
  std::string parents_path;         // rows of [first, first + count) only (count × 56 bytes)
  std::string prev_path;            // layer − 1: at least N × 32 bytes (unused for layer 1)
  std::string cur_prefix_path;      // this layer's labels of [0, first): at least first × 32 bytes (unused when first = 0)
  std::string out_path;             // the window's labels, count × 32 bytes (io::PartialFile)
  sha256::Kernel kernel = sha256::Kernel::Fast;
  RunSpec::Feed feed = RunSpec::Feed::Auto;  // Auto: the producer feed for graphs from kFeedMinNodes up
  // Passes over the same window with the same mappings (same labels each time). Before every pass
  // after the first the parents slice is dropped from the page cache, so pass 2 reads the parents
  // from disk while the layer pages pass 1 touched are resident and mapped: labeling with the part
  // of the layers it reads in RAM and the parents cache not.
  uint32_t passes = 1;
};

struct WindowTimes {
  uint64_t cpu_ns, wall_ns;  // the hashing thread, labeling only (as RunCallbacks::layer_done)
  uint64_t producer_cpu_ns;  // the feed's producer thread (0 with the inline source)
};

// Times of each pass; progress(done) in nodes of the window (per pass). Throws Cancelled, SysError,
// CorruptData (a file too short).
std::vector<WindowTimes> label_window(const WindowSpec& spec, const CancelFlag& cancel, const std::function<void(uint64_t)>& progress);

}  // namespace label
}  // namespace sdr
