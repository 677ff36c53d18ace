// Where the labeling kernels get each node's parents from (docs/sdr.md#parents-feed).
//   InlineParents — the plain twin: the hashing thread reads the parents cache itself, chunk by
//                   chunk, and fetches every parent label from the layer buffers;
//   ParentsFeed   — a producer thread runs ahead: it reads and checks the cache chunks and, for
//                   layers > 1, copies each node's 8 expander-parent labels out of the previous
//                   layer (complete and read-only while this layer is labeled) into the chunk,
//                   so the hashing thread reads them front to back instead of taking 8 random
//                   cache misses per node. Base parents (current layer) stay with the hashing thread.
// Both hand out the same rows; the kernels produce the same bytes with either.
#pragma once
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

struct ParentsChunk {
  uint64_t start = 0, count = 0;
  const uint32_t* rows = nullptr;  // count × 14 indices
  // With a feed and layer > 1: count × sectors × 256 bytes, node-major (node i, sector j at
  // (i·sectors + j)·256); null otherwise (the kernel reads expander parents from `prev`).
  const uint8_t* exp = nullptr;
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
  // prevs: each sector's previous layer (ignored for layer 1). Rows of nodes [first, end). The
  // producer starts at once.
  // producer_cpu_ns, when given, receives the producer thread's CPU time once it has stopped (the
  // destructor joins it), for benchmarks that ask whether the producer keeps up.
  ParentsFeed(ParentsReader& reader, uint64_t end, uint32_t layer, std::vector<const uint8_t*> prevs, uint64_t first = 0,
              uint64_t* producer_cpu_ns = nullptr);
  ~ParentsFeed() override;  // stops and joins the producer (also when the kernel stopped early)
  ParentsFeed(const ParentsFeed&) = delete;
  ParentsFeed& operator=(const ParentsFeed&) = delete;
  const ParentsChunk& next() override;  // rethrows the producer's error (corrupt cache, I/O)
  void release() override;

  // Chunks the producer may run ahead by; memory per slot is 56 B + sectors × 256 B per node.
  static constexpr int kSlots = 4;

 private:
  struct Slot {
    std::vector<uint32_t> rows;
    std::vector<uint8_t> exp;
    ParentsChunk chunk;
    bool ready = false;
  };
  void produce();

  ParentsReader& reader_;
  const uint64_t nodes_, first_;
  const uint32_t layer_;
  const std::vector<const uint8_t*> prevs_;
  uint64_t* const producer_cpu_ns_;
  Slot slots_[kSlots];
  uint64_t consumed_ = 0;  // chunks released by the consumer
  bool stop_ = false;
  std::exception_ptr error_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace label
}  // namespace sdr
