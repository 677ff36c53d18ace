// Plain labeling of one layer of one sector: label v depends on label v−1, so this is one long
// chain of SHA-256 compressions (docs/sdr.md#labeling); the parents cache is streamed alongside.
//
// The header block of a node does not depend on any label, so node v+1's header is compressed
// as a second lane next to node v's first parent block: it fills that block's round-latency gaps
// and leaves 19 blocks per node on the critical path instead of 20. Same bytes as the plain order.
#include "label-message.h"

namespace sdr {
namespace label {

bool label_layer_single(const sha256::Impl& h, uint64_t nodes, uint32_t layer, const SectorLayer& s,
                        ParentsSource& parents, const LayerControl& ctl, uint64_t first) {
  // `nodes` is the end of the range labeled here: N for a whole layer.
  const MessagePlan plan = message_plan(layer);
  alignas(64) uint8_t run[kParents * kNodeBytes];
  alignas(64) uint8_t header[64];
  alignas(64) uint8_t tail[64];
  alignas(64) uint8_t pad0[64];
  init_tail_block(tail, kMessageBytes);
  init_header_pad_block(pad0);

  uint32_t st[8], next[8];  // next = node v+1's state after its header block
  std::memcpy(next, sha256::kInitialState, sizeof next);
  write_header(header, s.replica_id, layer, first);
  h.compress(next, header, 1);

  for (uint64_t start = first; start < nodes; start += ParentsReader::chunk_nodes()) {
    const ParentsChunk& chunk = parents.next();
    const uint64_t count = chunk.count;
    const uint32_t* rows = chunk.rows;
    const uint8_t* prefetch_prev = chunk.exp ? nullptr : s.prev;
    for (uint64_t i = 0; i < count; i++) {
      const uint64_t v = start + i;
      if (i + kPrefetchDistance < count)
        prefetch_parents(rows + (i + kPrefetchDistance) * kParents, layer, s.cur, prefetch_prev);
      std::memcpy(st, next, sizeof st);
      const bool has_next = v + 1 < nodes;
      if (has_next) {
        std::memcpy(next, sha256::kInitialState, sizeof next);
        write_header(header, s.replica_id, layer, v + 1);
      }
      uint32_t* states[2] = {st, next};
      if (v == 0) {
        const uint8_t* blocks[2] = {pad0, header};
        h.compress_lanes(states, blocks, has_next ? 2 : 1, 1);
      } else {
        gather_parents(run, rows + i * kParents, layer, s.cur, s.prev, chunk.exp ? chunk.exp + i * kExpBytes : nullptr);
        const uint8_t* blocks[2] = {run, header};
        h.compress_lanes(states, blocks, has_next ? 2 : 1, 1);
        h.compress(st, run + 64, plan.run_blocks - 1);
        for (int r = 1; r < plan.reps; r++) h.compress(st, run, plan.run_blocks);
        if (plan.extra_blocks) h.compress(st, run, plan.extra_blocks);
        std::memcpy(tail, run + plan.tail_slot * kNodeBytes, 32);
        h.compress(st, tail, 1);
      }
      finish_label(st, s.cur + v * kNodeBytes);
      if ((v + 1 - first) % kPollNodes == 0) {
        if (ctl.cancelled()) return false;
        if (ctl.progress) ctl.progress(v + 1 - first);
      }
    }
    parents.release();
  }
  if (ctl.progress) ctl.progress(nodes - first);
  return true;
}

}  // namespace label
}  // namespace sdr
