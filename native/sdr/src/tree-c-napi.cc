// N-API surface of tree-c: buildTreeC (napi-job.h, octree-napi.h).
#include <napi.h>

#include "octree-napi.h"
#include "registry.h"

namespace sdr::napi {
namespace {

// buildTreeC({layerPaths, outPaths, leavesPerTree, chunkLeaves?, threads?}, onProgress?, cancelFlag?)
//   → Promise<(Uint8Array | null)[]> base-tree roots
// Leaves are the column hashes Poseidon_L(layer 1 … layer L) of the L = 2 or 11 layer files (layer 1
// first); every row is stored. Each selected tree is written as an io::PartialFile.
Napi::Value BuildTreeC(const Napi::CallbackInfo& info) {
  return start_job<TreeEvent>(info, [](const Options& o) {
    const std::vector<std::string> layers = o.paths("layerPaths");
    if (layers.size() != 2 && layers.size() != 11)
      throw_range(o.get("layerPaths").Env(), "tree-c needs 2 or 11 layer files, got " + std::to_string(layers.size()));
    return octree_job("sdr.buildTreeC", "tree-c", base_trees(o), 0,
                      [layers] { return std::make_unique<tree::ColumnLeaves>(layers); });
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitTreeC, {"buildTreeC", BuildTreeC});
}  // namespace sdr::napi
