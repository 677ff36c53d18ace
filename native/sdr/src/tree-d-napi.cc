// N-API surface of tree-d: buildTreeD (napi-job.h).
#include <napi.h>

#include <array>
#include <cstring>
#include <memory>

#include "napi-job.h"
#include "napi-kernels.h"
#include "registry.h"
#include "tree-d.h"

namespace {

using namespace sdr::napi;

// buildTreeD({nodes, stagedPath: string | null, outPath, kernel?}, onProgress?, cancelFlag?)
//   → Promise<Uint8Array(32)> (the root, comm_d). outPath is written as an io::PartialFile.
// onProgress gets {stage: 'tree-d', done, total} in leaves.
Napi::Value BuildTreeD(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    sdr::treed::TreeDSpec spec;
    spec.nodes = o.u64("nodes");
    if (spec.nodes < 2 || (spec.nodes & (spec.nodes - 1))) throw_range(o.get("nodes").Env(), "nodes must be a power of two >= 2");
    spec.staged_path = o.opt_path("stagedPath");
    spec.out_path = o.path("outPath");
    spec.kernel = sha256_kernel(o.get("kernel"));
    auto root = std::make_shared<std::array<uint8_t, 32>>();
    return JobSpec<Count>{
        "sdr.buildTreeD",
        [spec, root](const sdr::CancelFlag& cancel, Reporter<Count>& r) {
          sdr::treed::build_tree_d(spec, cancel, [&](uint64_t done) { r.update({done, spec.nodes}); }, root->data());
        },
        [](Napi::Object& p, const Count& c) { describe_count(p, "tree-d", c); },
        [root](Napi::Env env) {
          Napi::Uint8Array out = Napi::Uint8Array::New(env, 32);
          std::memcpy(out.Data(), root->data(), 32);
          return Napi::Value(out);
        }};
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitTreeD, {"buildTreeD", BuildTreeD});
