// N-API pieces shared by the arity-8 tree exports (octree-napi.h), and octreeInMemory.
#include "octree-napi.h"

#include <atomic>
#include <cstring>

#include "registry.h"

namespace sdr::napi {

BaseTrees base_trees(const Options& o) {
  BaseTrees t;
  t.out_paths = o.opt_paths("outPaths");
  if (t.out_paths.empty()) throw_range(o.get("outPaths").Env(), o.field("outPaths") + " must name at least one base tree");
  t.leaves_per_tree = o.u64("leavesPerTree");
  if (!tree::is_power_of_8(t.leaves_per_tree) || t.leaves_per_tree < 8)
    throw_range(o.get("leavesPerTree").Env(), "leavesPerTree must be a power of 8 (≥ 8), got " + std::to_string(t.leaves_per_tree));
  // Streaming chunk size; tests use small chunks to exercise the seams.
  t.chunk_leaves = o.opt_u64("chunkLeaves").value_or(0);
  if (t.chunk_leaves && (!tree::is_power_of_8(t.chunk_leaves) || t.chunk_leaves < 8))
    throw_range(o.get("chunkLeaves").Env(), "chunkLeaves must be a power of 8 (≥ 8), got " + std::to_string(t.chunk_leaves));
  t.threads = int(o.opt_u64("threads", 0, 1024).value_or(0));
  return t;
}

JobSpec<TreeEvent> octree_job(const char* name, const char* stage, BaseTrees trees, int first_stored_row,
                              std::function<std::unique_ptr<tree::LeafSource>()> open_source) {
  auto roots = std::make_shared<std::vector<std::vector<uint8_t>>>();
  return JobSpec<TreeEvent>{
      name,
      [trees, first_stored_row, open_source, roots](const CancelFlag& cancel, Reporter<TreeEvent>& r) {
        const std::unique_ptr<tree::LeafSource> source = open_source();
        tree::Control control;
        control.cancel = cancel;
        control.threads = trees.threads;
        control.progress = [&r](uint64_t done, uint64_t total) { r.update({done, total}); };
        uint64_t total = 0;
        for (const auto& p : trees.out_paths) total += p.empty() ? 0 : trees.leaves_per_tree;
        tree::OctreeJob job{source.get(), trees.leaves_per_tree, trees.out_paths, first_stored_row, trees.chunk_leaves, nullptr};
        std::atomic<uint64_t> committed{0};
        job.tree_done = [&](size_t i, const uint8_t*) {
          const uint64_t done = (committed.fetch_add(1) + 1) * trees.leaves_per_tree;
          r.milestone({done, total, int64_t(i)});
        };
        *roots = tree::build_octrees(job, control);
      },
      [stage](Napi::Object& p, const TreeEvent& e) {
        describe_count(p, stage, {e.done, e.total});
        if (e.tree >= 0) p.Set("treeDone", Napi::Number::New(p.Env(), double(e.tree)));
      },
      [roots](Napi::Env env) {
        auto a = Napi::Array::New(env, roots->size());
        for (uint32_t i = 0; i < roots->size(); i++) {
          const auto& root = (*roots)[i];
          if (root.empty()) {
            a.Set(i, env.Null());
            continue;
          }
          auto out = Napi::Uint8Array::New(env, root.size());
          std::memcpy(out.Data(), root.data(), root.size());
          a.Set(i, out);
        }
        return Napi::Value(a);
      }};
}

namespace {

// octreeInMemory(leaves: Uint8Array, firstStoredRow) → Uint8Array (stored rows, bottom-up): a whole
// tree in memory, for small trees (tests, compound roots).
Napi::Value OctreeInMemory(const Napi::CallbackInfo& info) {
  Napi::Uint8Array leaves = bytes(info[0], "leaves");
  const size_t len = leaves.ByteLength();
  if (len % 32 || !tree::is_power_of_8(len / 32)) throw_range(info.Env(), "leaves must be a power of 8 of 32-byte nodes");
  const int first_stored_row = int(u64(info[1], "firstStoredRow", 0, 64));
  return guarded(info.Env(), [&] {
    auto out = tree::octree_in_memory(leaves.Data(), len / 32, first_stored_row);
    auto a = Napi::Uint8Array::New(info.Env(), out.size());
    std::memcpy(a.Data(), out.data(), out.size());
    return a;
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitOctree, {"octreeInMemory", OctreeInMemory});
}  // namespace sdr::napi
