// Where the labeling kernels get each node's parents from (docs/sdr.md#parents-feed).
//   InlineParents — the plain twin: the hashing thread reads the parents cache itself, chunk by
//                   chunk, and fetches every parent label from the layer buffers;
//   ParentsFeed   — a producer thread runs ahead: it reads and checks the cache chunks and, for
//                   layers > 1, copies each node's 8 expander-parent labels out of the previous
//                   layer (complete and read-only while this layer is labeled) into the chunk,
//                   so the hashing thread reads them front to back instead of taking 8 random
//                   cache misses per node. It also copies every base parent (current layer) that
//                   the hashing thread has already finished — index below the first node of the
//                   chunks it has released — and marks which ones in a per-node mask; the hashing
//                   thread reads the rest (the near ones, still in its caches) itself.
// Both hand out the same rows; the kernels produce the same bytes with either.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "label-layer.h"

namespace sdr {
namespace label {

constexpr int kExpParents = kParents - kBaseParents;  // 8
constexpr size_t kExpBytes = kExpParents * kNodeBytes;  // 256 per node per sector
constexpr size_t kBaseBytes = kBaseParents * kNodeBytes;  // 192 per node per sector

struct ParentsChunk {
  uint64_t start = 0, count = 0;
  const uint32_t* rows = nullptr;  // count × 14 indices
  // With a feed and layer > 1: count × sectors × 256 bytes, node-major (node i, sector j at
  // (i·sectors + j)·256); null otherwise (the kernel reads expander parents from `prev`).
  const uint8_t* exp = nullptr;
  // With a feed: count × sectors × 192 bytes, node-major like exp, holding the base-parent labels
  // the producer copied; bit b of base_mask[i] says whether base parent b of node i is there (the
  // same for every sector). Null otherwise (the kernel reads every base parent from `cur`).
  const uint8_t* base = nullptr;
  const uint8_t* base_mask = nullptr;
};

class ParentsSource {
 public:
  virtual ~ParentsSource() = default;
  // The next chunk of nodes in order (chunk_nodes() each, the last one shorter).
  virtual const ParentsChunk& next() = 0;
  // The chunk returned by the last next() is no longer used.
  virtual void release() = 0;
};

class InlineParents : public ParentsSource {
 public:
  // Hands out the rows of nodes [first, end).
  InlineParents(ParentsReader& reader, uint64_t end, uint64_t first = 0) : reader_(reader), nodes_(end), pos_(first) {}
  const ParentsChunk& next() override;
  void release() override {}

 private:
  ParentsReader& reader_;
  uint64_t nodes_, pos_;
  ParentsChunk chunk_;
};

class ParentsFeed : public ParentsSource {
 public:
  // prevs: each sector's previous layer (ignored for layer 1); curs: each sector's layer being
  // labeled, whose labels below `first` are final (empty: base parents are not gathered). Rows of
  // nodes [first, end). The producer starts at once.
  // stats, when given, is filled once the producer has stopped (the destructor joins it): its
  // thread's CPU time, for benchmarks that ask whether the producer keeps up, and how many base
  // parents it copied, for tests that check the base gather ran.
  struct Stats {
    uint64_t cpu_ns = 0;
    uint64_t base_copied = 0;  // node-parent pairs (not multiplied by the sectors)
  };
  ParentsFeed(ParentsReader& reader, uint64_t end, uint32_t layer, std::vector<const uint8_t*> prevs,
              std::vector<const uint8_t*> curs, uint64_t first = 0, Stats* stats = nullptr);
  ~ParentsFeed() override;  // stops and joins the producer (also when the kernel stopped early)
  ParentsFeed(const ParentsFeed&) = delete;
  ParentsFeed& operator=(const ParentsFeed&) = delete;
  const ParentsChunk& next() override;  // rethrows the producer's error (corrupt cache, I/O)
  void release() override;

  // Chunks the producer may run ahead by; memory per slot is 57 B + sectors × 448 B per node.
  static constexpr int kSlots = 4;

 private:
  struct Slot {
    std::vector<uint32_t> rows;
    std::vector<uint8_t> exp;
    std::vector<uint8_t> base, base_mask;
    ParentsChunk chunk;
    bool ready = false;
  };
  void produce();
  void gather_base(Slot& s, uint64_t count);

  ParentsReader& reader_;
  const uint64_t nodes_, first_;
  const uint32_t layer_;
  const std::vector<const uint8_t*> prevs_, curs_;
  Stats* const stats_;
  uint64_t base_copied_ = 0;  // producer thread only
  Slot slots_[kSlots];
  uint64_t consumed_ = 0;  // chunks released by the consumer
  // Labels of every node below this are final in curs_: stored (release) by release() after the
  // hashing thread wrote the released chunk's labels, loaded (acquire) by the producer before it
  // copies a base parent.
  std::atomic<uint64_t> final_;
  bool stop_ = false;
  std::exception_ptr error_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace label
}  // namespace sdr
