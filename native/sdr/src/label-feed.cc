// Parents sources for the labeling kernels (label-feed.h, docs/sdr.md#parents-feed).
#include "label-feed.h"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace sdr {
namespace label {

const ParentsChunk& InlineParents::next() {
  const uint64_t count = std::min(ParentsReader::chunk_nodes(), nodes_ - pos_);
  chunk_.start = pos_;
  chunk_.count = count;
  chunk_.rows = reader_.read(pos_, count);
  chunk_.exp = nullptr;
  chunk_.base = chunk_.base_mask = nullptr;
  pos_ += count;
  return chunk_;
}

ParentsFeed::ParentsFeed(ParentsReader& reader, uint64_t end, uint32_t layer, std::vector<const uint8_t*> prevs,
                         std::vector<const uint8_t*> curs, uint64_t first, Stats* stats)
    : reader_(reader),
      nodes_(end),
      first_(first),
      layer_(layer),
      prevs_(std::move(prevs)),
      curs_(std::move(curs)),
      stats_(stats),
      final_(first) {
  const uint64_t chunk = ParentsReader::chunk_nodes();
  for (Slot& s : slots_) {
    s.rows.resize(chunk * kParents);
    if (layer_ > 1) s.exp.resize(chunk * prevs_.size() * kExpBytes);
    if (!curs_.empty()) {
      s.base.resize(chunk * curs_.size() * kBaseBytes);
      s.base_mask.resize(chunk);
    }
  }
  thread_ = std::thread([this] { produce(); });
}

ParentsFeed::~ParentsFeed() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

// Copies the base parents of the chunk's nodes that are already final (docs/sdr.md#parents-feed).
// It never waits for the hashing thread: a parent not final yet is left to the hashing thread, so
// the producer stays ahead. Parent b0 = v−1 is never final here (v−1 >= start >= final_).
void ParentsFeed::gather_base(Slot& s, uint64_t count) {
  const size_t k = curs_.size();
  const uint32_t* rows = s.rows.data();
  uint8_t* out = s.base.data();
  uint8_t* mask = s.base_mask.data();
  constexpr uint64_t kAhead = 16;
  uint64_t fin = final_.load(std::memory_order_acquire);
  for (uint64_t i = 0; i < count; i++) {
    if ((i & 255) == 0) fin = final_.load(std::memory_order_acquire);  // the hasher moves on meanwhile
    if (i + kAhead < count) {
      const uint32_t* ahead = rows + (i + kAhead) * kParents;
      for (int b = 1; b < kBaseParents; b++)
        if (ahead[b] < fin)
          for (size_t j = 0; j < k; j++) __builtin_prefetch(curs_[j] + uint64_t(ahead[b]) * kNodeBytes);
    }
    const uint32_t* row = rows + i * kParents;
    uint8_t m = 0;
    for (int b = 1; b < kBaseParents; b++) {
      if (row[b] >= fin) continue;
      m |= uint8_t(1u << b);
      for (size_t j = 0; j < k; j++)
        std::memcpy(out + (i * k + j) * kBaseBytes + b * kNodeBytes, curs_[j] + uint64_t(row[b]) * kNodeBytes, kNodeBytes);
    }
    mask[i] = m;
    base_copied_ += uint64_t(__builtin_popcount(m));
  }
}

void ParentsFeed::produce() {
  struct WriteStats {  // on every way out of produce()
    Stats* out;
    const uint64_t& copied;
    ~WriteStats() {
      if (!out) return;
      timespec t;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      out->cpu_ns = uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
      out->base_copied = copied;
    }
  } write_stats{stats_, base_copied_};
  const uint64_t chunk = ParentsReader::chunk_nodes();
  const size_t k = prevs_.size();
  constexpr uint64_t kAhead = 16;  // nodes between a row's prefetch and its copy
  try {
    for (uint64_t c = 0, start = first_; start < nodes_; c++, start += chunk) {
      Slot& s = slots_[c % kSlots];
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || c < consumed_ + kSlots; });
        if (stop_) return;
      }
      const uint64_t count = std::min(chunk, nodes_ - start);
      reader_.read_into(start, count, s.rows.data());
      if (layer_ > 1) {
        const uint32_t* rows = s.rows.data();
        uint8_t* out = s.exp.data();
        for (uint64_t i = 0; i < count; i++) {
          if (i + kAhead < count)
            for (size_t j = 0; j < k; j++)
              for (int e = kBaseParents; e < kParents; e++)
                __builtin_prefetch(prevs_[j] + uint64_t(rows[(i + kAhead) * kParents + e]) * kNodeBytes);
          const uint32_t* row = rows + i * kParents;
          for (size_t j = 0; j < k; j++) {
            uint8_t* dst = out + (i * k + j) * kExpBytes;
            for (int e = 0; e < kExpParents; e++)
              std::memcpy(dst + e * kNodeBytes, prevs_[j] + uint64_t(row[kBaseParents + e]) * kNodeBytes, kNodeBytes);
          }
        }
      }
      if (!curs_.empty()) gather_base(s, count);
      s.chunk = ParentsChunk{start, count, s.rows.data(), layer_ > 1 ? s.exp.data() : nullptr,
                             curs_.empty() ? nullptr : s.base.data(), curs_.empty() ? nullptr : s.base_mask.data()};
      {
        std::lock_guard<std::mutex> lock(mu_);
        s.ready = true;
      }
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception();
    cv_.notify_all();
  }
}

const ParentsChunk& ParentsFeed::next() {
  Slot& s = slots_[consumed_ % kSlots];
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return s.ready || error_ != nullptr; });
  if (!s.ready) std::rethrow_exception(error_);
  return s.chunk;
}

void ParentsFeed::release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Slot& s = slots_[consumed_ % kSlots];
    s.ready = false;
    consumed_++;
    // The kernel wrote every label of this chunk before releasing it.
    final_.store(s.chunk.start + s.chunk.count, std::memory_order_release);
  }
  cv_.notify_all();
}

}  // namespace label
}  // namespace sdr
