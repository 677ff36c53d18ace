// Base (DRG) parents: bucket sampling over the 5x metagraph (docs/sdr.md#base-parents;
// rfp: storage-proofs-core/src/drgraph.rs BucketGraph::parents, and the V1_1 predecessor placement
// in storage-proofs-porep/src/stacked/vanilla/graph.rs).
#include <cstring>

#include "chacha8.h"
#include "graph.h"

namespace sdr {

namespace {
constexpr uint64_t kMPrime = kBaseDegree - 1;  // random parents per node; the 6th is the predecessor

inline uint64_t bit_length(uint64_t x) { return 64 - static_cast<uint64_t>(__builtin_clzll(x)); }
}  // namespace

void drg_parents(const GraphParams& g, uint64_t node, uint32_t out[kBaseDegree]) {
  if (node < 2) {
    for (int i = 0; i < kBaseDegree; i++) out[i] = 0;
    return;
  }
  uint8_t seed[32];
  std::memcpy(seed, g.drg_seed, 28);
  const uint32_t node32 = static_cast<uint32_t>(node);  // DRG indices fit in u32 (N <= 2^31)
  for (int i = 0; i < 4; i++) seed[28 + i] = static_cast<uint8_t>(node32 >> (8 * i));
  ChaCha8Rng rng(seed);

  const uint64_t meta = node * kMPrime;
  // The reference computes ceil(log2(meta)) in f64. meta is a multiple of 5, never a power of two,
  // so that equals the bit length (docs/sdr.md#base-parents checked this up to 64GiB).
  const uint64_t n_buckets = bit_length(meta);

  // V1_0 fills slots 0..4 and puts the predecessor last; V1_1+ puts it first.
  uint32_t* random_slots = g.legacy ? out : out + 1;
  for (uint64_t i = 0; i < kMPrime; i++) {
    const uint64_t bucket = (rng.next_u64() % n_buckets) + 1;
    const uint64_t largest = meta < (uint64_t{1} << bucket) ? meta : (uint64_t{1} << bucket);
    const uint64_t smallest = (largest >> 1) > 2 ? (largest >> 1) : 2;
    const uint64_t dist = smallest + (rng.next_u64() % (largest - smallest + 1));
    const uint32_t parent = static_cast<uint32_t>((meta - dist) / kMPrime);
    // Unreachable (meta - dist <= 5·node - 2) but kept for fidelity with the reference.
    random_slots[i] = parent == node32 ? node32 - 1 : parent;
  }
  out[g.legacy ? kBaseDegree - 1 : 0] = node32 - 1;
}

}  // namespace sdr
