// Expander parents (Feistel) and the combined 14-parent record (docs/sdr.md#parents-order;
// rfp: storage-proofs-porep/src/stacked/vanilla/graph.rs `correspondent`, `parents`).
#include <algorithm>

#include "feistel.h"
#include "graph.h"

namespace sdr {

namespace {

// t = permute(node·8 + i) → expander parent i of node.
inline uint32_t expander_from(const GraphParams& g, uint64_t t) {
  // V1_0 truncates the u64 to u32 before dividing (`transformed as u32 / 8`), the historical
  // bug that caps 32/64GiB expander parents below 2^29; V1_1 fixed it.
  return g.legacy ? static_cast<uint32_t>(static_cast<uint32_t>(t) / kExpDegree) : static_cast<uint32_t>(t / kExpDegree);
}

}  // namespace

void expander_parents(const GraphParams& g, uint64_t node, uint32_t out[kExpDegree]) {
  const FeistelDomain d = feistel_domain(g.nodes * kExpDegree);
  for (int i = 0; i < kExpDegree; i++) out[i] = expander_from(g, feistel_permute(d, g.feistel_keys, node * kExpDegree + i));
}

void graph_parents_with(const GraphParams& g, FeistelKernel k, uint64_t start, uint64_t count, uint32_t* out) {
  const FeistelDomain d = feistel_domain(g.nodes * kExpDegree);
  constexpr uint64_t kBatchNodes = 256;  // 2048 permutations per batch keeps every SIMD lane fed
  uint64_t in[kBatchNodes * kExpDegree], t[kBatchNodes * kExpDegree];
  for (uint64_t base = start; base < start + count; base += kBatchNodes) {
    const uint64_t m = std::min(kBatchNodes, start + count - base);
    for (uint64_t j = 0; j < m * kExpDegree; j++) in[j] = base * kExpDegree + j;
    feistel_permute_batch(k, d, g.feistel_keys, in, t, m * kExpDegree);
    for (uint64_t j = 0; j < m; j++) {
      uint32_t* rec = out + (base - start + j) * kTotalParents;
      drg_parents(g, base + j, rec);
      for (int i = 0; i < kExpDegree; i++) rec[kBaseDegree + i] = expander_from(g, t[j * kExpDegree + i]);
    }
  }
}

void graph_parents(const GraphParams& g, uint64_t start, uint64_t count, uint32_t* out) {
  static const FeistelKernel best = feistel_best_kernel();
  graph_parents_with(g, best, start, count, out);
}

}  // namespace sdr
