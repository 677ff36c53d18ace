// Contract between the graph kernels (graph-*.cc) and their users (labeling, parents cache).
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "failure.h"
#include "feistel.h"

namespace sdr {

// Seeds come from TypeScript (src/seal/graph-seeds.ts computes them from porep_id with SHA-256),
// so the native graph is a pure function of these values.
struct GraphParams {
  uint64_t nodes;              // N = sector_bytes / 32
  uint8_t drg_seed[28];        // first 28 bytes of SHA-256("Filecoin_DRSample" || porep_id)
  uint64_t feistel_keys[3];    // k0..k2 of SHA-256("Filecoin_Feistel" || porep_id), u64 LE words
  bool legacy;                 // ApiVersion V1_0_0: predecessor in slot 5, u32-truncated expander parents
};

constexpr int kBaseDegree = 6;
constexpr int kExpDegree = 8;
constexpr int kTotalParents = kBaseDegree + kExpDegree;  // 14 u32 per node, b0..b5 then e0..e7

// Writes the 14 parents of each node in [start, start + count) to out[(v - start) * 14 + i],
// exactly as rust-fil-proofs' parents cache stores them (docs/sdr.md#parents-order).
void graph_parents(const GraphParams& g, uint64_t start, uint64_t count, uint32_t* out);

// The two halves of graph_parents for one node (graph-drg.cc, graph-parents.cc), for tests and
// for callers that need only one kind.
void drg_parents(const GraphParams& g, uint64_t node, uint32_t out[kBaseDegree]);
void expander_parents(const GraphParams& g, uint64_t node, uint32_t out[kExpDegree]);

// graph_parents with an explicit Feistel kernel (graph_parents uses feistel_best_kernel()).
// kPortable is the plain twin the fast kernels are tested against.
void graph_parents_with(const GraphParams& g, FeistelKernel k, uint64_t start, uint64_t count, uint32_t* out);

// Writes the whole reference-format parents cache (N records of 14 u32 LE, docs/sdr.md#parents-cache-file) to `path`:
// generated as an io::PartialFile (file-io.h) by `threads` workers (0 = all cores; 1 = the
// single-threaded plain twin), so no partial file ever carries the real name. `cancel` is polled;
// on_progress(nodes_done) is called from the calling thread every ~100 ms and at the end. Returns false when cancelled; throws SysError on I/O errors.
bool write_parents_cache(const GraphParams& g, const std::string& path, unsigned threads, const CancelFlag& cancel,
                         const std::function<void(uint64_t)>& on_progress);

// The same records for the window of nodes [first, first + count) only: node v's record at byte
// (v − first) × 56 of `path` (count × 56 bytes). A window of a 32/64 GiB graph lets benchmarks and
// tests use the real graph without its 56/112 GiB cache (docs/memory-plan.md#window-bench).
// on_progress gets nodes of the window done. write_parents_cache is the window [0, N).
bool write_parents_window(const GraphParams& g, uint64_t first, uint64_t count, const std::string& path,
                          unsigned threads, const CancelFlag& cancel, const std::function<void(uint64_t)>& on_progress);

}  // namespace sdr
