// Plain labeling of one layer of one sector: label v depends on label v−1, so this is one long
// chain of SHA-256 compressions (sdr.md §4, §10.2); the parents cache is streamed alongside.
#include "label-message.h"

namespace sdr {
namespace label {

bool label_layer_single(const sha256::Impl& h, uint64_t nodes, uint32_t layer, const SectorLayer& s,
                        ParentsReader& parents, const LayerControl& ctl) {
  const MessagePlan plan = message_plan(layer);
  // header block followed by the parent run, so the first copy hashes in the same call as the header
  alignas(64) uint8_t msg[64 + kParents * kNodeBytes];
  alignas(64) uint8_t tail[64];
  alignas(64) uint8_t pad0[64];
  init_tail_block(tail, kMessageBytes);
  init_header_pad_block(pad0);
  uint8_t* const run = msg + 64;

  for (uint64_t start = 0; start < nodes; start += ParentsReader::chunk_nodes()) {
    const uint64_t count = std::min(ParentsReader::chunk_nodes(), nodes - start);
    const uint32_t* rows = parents.read(start, count);
    for (uint64_t i = 0; i < count; i++) {
      const uint64_t v = start + i;
      if (i + kPrefetchDistance < count) prefetch_parents(rows + (i + kPrefetchDistance) * kParents, layer, s.prev);
      uint32_t st[8];
      std::memcpy(st, sha256::kInitialState, sizeof st);
      write_header(msg, s.replica_id, layer, v);
      if (v == 0) {
        h.compress(st, msg, 1);
        h.compress(st, pad0, 1);
      } else {
        gather_parents(run, rows + i * kParents, layer, s.cur, s.prev);
        h.compress(st, msg, 1 + plan.run_blocks);
        for (int r = 1; r < plan.reps; r++) h.compress(st, run, plan.run_blocks);
        if (plan.extra_blocks) h.compress(st, run, plan.extra_blocks);
        std::memcpy(tail, run + plan.tail_slot * kNodeBytes, 32);
        h.compress(st, tail, 1);
      }
      finish_label(st, s.cur + v * kNodeBytes);
      if ((v + 1) % kPollNodes == 0) {
        if (ctl.cancelled()) return false;
        if (ctl.progress) ctl.progress(v + 1);
      }
    }
  }
  if (ctl.progress) ctl.progress(nodes);
  return true;
}

}  // namespace label
}  // namespace sdr
