// Expander parents (Feistel) and the combined 14-parent record (sdr.md §3.2, §3.4;
// rfp: storage-proofs-porep/src/stacked/vanilla/graph.rs `correspondent`, `parents`).
#include "feistel.h"
#include "graph.h"

namespace sdr {

namespace {

inline void expander_with(const GraphParams& g, const FeistelDomain& d, uint64_t node, uint32_t out[kExpDegree]) {
  for (int i = 0; i < kExpDegree; i++) {
    const uint64_t t = feistel_permute(d, g.feistel_keys, node * kExpDegree + i);
    // V1_0 truncates the u64 to u32 before dividing (`transformed as u32 / 8`), the historical
    // bug that caps 32/64GiB expander parents below 2^29; V1_1 fixed it.
    out[i] = g.legacy ? static_cast<uint32_t>(static_cast<uint32_t>(t) / kExpDegree)
                      : static_cast<uint32_t>(t / kExpDegree);
  }
}

}  // namespace

void expander_parents(const GraphParams& g, uint64_t node, uint32_t out[kExpDegree]) {
  expander_with(g, feistel_domain(g.nodes * kExpDegree), node, out);
}

void graph_parents(const GraphParams& g, uint64_t start, uint64_t count, uint32_t* out) {
  const FeistelDomain d = feistel_domain(g.nodes * kExpDegree);
  for (uint64_t v = start; v < start + count; v++, out += kTotalParents) {
    drg_parents(g, v, out);
    expander_with(g, d, v, out + kBaseDegree);
  }
}

}  // namespace sdr
