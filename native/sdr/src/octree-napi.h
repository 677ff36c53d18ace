// What buildTreeC and buildTreeRLast share: the base-tree options, the job around
// tree::build_octrees and its progress records.
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "napi-job.h"
#include "tree-build.h"

namespace sdr::napi {

// Progress in leaves of the trees being built; `tree` ≥ 0 marks base tree `tree` durable.
struct TreeEvent {
  uint64_t done = 0, total = 0;
  int64_t tree = -1;
};

// { outPaths: (string | null)[], leavesPerTree, chunkLeaves?, threads? }: one entry per base tree,
// tree i covering leaves [i·leavesPerTree, (i+1)·leavesPerTree); a null entry skips the tree.
struct BaseTrees {
  std::vector<std::string> out_paths;  // "" = skip
  uint64_t leaves_per_tree = 0;
  uint64_t chunk_leaves = 0;
  int threads = 0;
};
BaseTrees base_trees(const Options& o);

// Builds the selected trees over the leaves `open_source` opens (on the worker thread), storing the
// rows from first_stored_row up. Resolves to one root per base tree, null for a skipped one; sends
// {stage, done, total} and, as each tree is committed, {stage, done, total, treeDone: i}.
JobSpec<TreeEvent> octree_job(const char* name, const char* stage, BaseTrees trees, int first_stored_row,
                              std::function<std::unique_ptr<tree::LeafSource>()> open_source);

}  // namespace sdr::napi
