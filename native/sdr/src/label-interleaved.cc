// Interleaved labeling: K sectors of one proof share the graph (same parents rows) but not the
// replica_id, so their label chains are independent. Hashing them in lockstep through the
// interleaved compressor keeps several SHA-256 streams in flight in one thread (SupraSeal's idea).
// Not rust-fil-proofs' "multicore SDR", which spreads one sector's labeling over several cores.
#include <memory>

#include "label-message.h"

namespace sdr {
namespace label {

namespace {
struct alignas(64) Lane {
  uint8_t msg[64 + kParents * kNodeBytes];
  uint8_t tail[64];
  uint32_t st[8];
};
}  // namespace

bool label_layer_interleaved(const sha256::Impl& h, uint64_t nodes, uint32_t layer,
                             const std::vector<SectorLayer>& sectors, ParentsSource& parents, const LayerControl& ctl) {
  const size_t k = sectors.size();
  const MessagePlan plan = message_plan(layer);
  std::unique_ptr<Lane[]> lanes(new Lane[k]);
  alignas(64) uint8_t pad0[64];
  init_header_pad_block(pad0);
  std::vector<uint32_t*> states(k);
  std::vector<const uint8_t*> ptrs(k);
  for (size_t j = 0; j < k; j++) {
    init_tail_block(lanes[j].tail, kMessageBytes);
    states[j] = lanes[j].st;
  }
  auto compress_all = [&](size_t offset_in_msg, size_t nblocks) {
    for (size_t j = 0; j < k; j++) ptrs[j] = lanes[j].msg + offset_in_msg;
    h.compress_lanes(states.data(), ptrs.data(), k, nblocks);
  };

  for (uint64_t start = 0; start < nodes; start += ParentsReader::chunk_nodes()) {
    const ParentsChunk& chunk = parents.next();
    const uint64_t count = chunk.count;
    const uint32_t* rows = chunk.rows;
    for (uint64_t i = 0; i < count; i++) {
      const uint64_t v = start + i;
      const uint32_t* row = rows + i * kParents;
      if (i + kPrefetchDistance < count)
        for (size_t j = 0; j < k; j++)
          prefetch_parents(rows + (i + kPrefetchDistance) * kParents, layer, sectors[j].cur, chunk.exp ? nullptr : sectors[j].prev);
      for (size_t j = 0; j < k; j++) {
        std::memcpy(lanes[j].st, sha256::kInitialState, sizeof lanes[j].st);
        write_header(lanes[j].msg, sectors[j].replica_id, layer, v);
        if (v != 0)
          gather_parents(lanes[j].msg + 64, row, layer, sectors[j].cur, sectors[j].prev,
                         chunk.exp ? chunk.exp + (i * k + j) * kExpBytes : nullptr);
      }
      if (v == 0) {
        compress_all(0, 1);
        for (size_t j = 0; j < k; j++) ptrs[j] = pad0;
        h.compress_lanes(states.data(), ptrs.data(), k, 1);
      } else {
        compress_all(0, 1 + plan.run_blocks);
        for (int r = 1; r < plan.reps; r++) compress_all(64, plan.run_blocks);
        if (plan.extra_blocks) compress_all(64, plan.extra_blocks);
        for (size_t j = 0; j < k; j++) {
          std::memcpy(lanes[j].tail, lanes[j].msg + 64 + plan.tail_slot * kNodeBytes, 32);
          ptrs[j] = lanes[j].tail;
        }
        h.compress_lanes(states.data(), ptrs.data(), k, 1);
      }
      for (size_t j = 0; j < k; j++) finish_label(lanes[j].st, sectors[j].cur + v * kNodeBytes);
      if ((v + 1) % kPollNodes == 0) {
        if (ctl.cancelled()) return false;
        if (ctl.progress) ctl.progress(v + 1);
      }
    }
    parents.release();
  }
  if (ctl.progress) ctl.progress(nodes);
  return true;
}

}  // namespace label
}  // namespace sdr
