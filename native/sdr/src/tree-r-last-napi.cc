// N-API surface of tree-r-last: buildTreeRLast (napi-job.h, octree-napi.h).
#include <napi.h>

#include "octree-napi.h"
#include "registry.h"

namespace sdr::napi {
namespace {

// buildTreeRLast({replicaPath, outPaths, leavesPerTree, rowsToDiscard, chunkLeaves?, threads?},
//                onProgress?, cancelFlag?) → Promise<(Uint8Array | null)[]> base-tree roots
// Leaves are the sealed file's nodes; rows 0 … rowsToDiscard are not stored (docs/trees.md). Each
// selected tree is written as an io::PartialFile.
Napi::Value BuildTreeRLast(const Napi::CallbackInfo& info) {
  return start_job<TreeEvent>(info, [](const Options& o) {
    const std::string replica = o.path("replicaPath");
    BaseTrees trees = base_trees(o);
    const uint64_t discard = o.u64("rowsToDiscard", 0, 64);
    if (int64_t(discard) + 1 >= tree::row_count(trees.leaves_per_tree))
      throw_range(o.get("rowsToDiscard").Env(), "rowsToDiscard leaves no stored row for this tree size");
    return octree_job("sdr.buildTreeRLast", "tree-r-last", std::move(trees), int(discard) + 1,
                      [replica] { return std::make_unique<tree::FileLeaves>(replica); });
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitTreeRLast, {"buildTreeRLast", BuildTreeRLast});
}  // namespace sdr::napi
