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
  pos_ += count;
  return chunk_;
}

ParentsFeed::ParentsFeed(ParentsReader& reader, uint64_t end, uint32_t layer, std::vector<const uint8_t*> prevs, uint64_t first,
                         uint64_t* producer_cpu_ns)
    : reader_(reader), nodes_(end), first_(first), layer_(layer), prevs_(std::move(prevs)), producer_cpu_ns_(producer_cpu_ns) {
  const uint64_t chunk = ParentsReader::chunk_nodes();
  for (Slot& s : slots_) {
    s.rows.resize(chunk * kParents);
    if (layer_ > 1) s.exp.resize(chunk * prevs_.size() * kExpBytes);
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

void ParentsFeed::produce() {
  struct CpuTime {  // written on every way out of produce()
    uint64_t* out;
    ~CpuTime() {
      if (!out) return;
      timespec t;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
      *out = uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
    }
  } cpu_time{producer_cpu_ns_};
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
      s.chunk = ParentsChunk{start, count, s.rows.data(), layer_ > 1 ? s.exp.data() : nullptr};
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
    slots_[consumed_ % kSlots].ready = false;
    consumed_++;
  }
  cv_.notify_all();
}

}  // namespace label
}  // namespace sdr
