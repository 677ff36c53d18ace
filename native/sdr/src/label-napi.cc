// N-API surface of PC1 labeling: labelLayers (napi-job.h).
#include <napi.h>

#include "label-layer.h"
#include "napi-job.h"
#include "napi-kernels.h"
#include "registry.h"

namespace {

using namespace sdr::napi;

struct LabelEvent {
  uint32_t layer = 0;
  uint64_t done = 0;
  bool layer_done = false;
  uint64_t cpu_ns = 0, wall_ns = 0;  // set with layer_done
};

// labelLayers({nodes, layers, startLayer, parentsCachePath, sectors: [{replicaId, layerPaths}], kernel?},
//             onProgress?, cancelFlag?) → Promise<void>
// Sector j's layer l is written as an io::PartialFile at sectors[j].layerPaths[l-1] (file-io.h);
// with startLayer > 1, layer startLayer-1 is read back from its path. onProgress gets
// {stage:'pc1', layer, done, total} (a few per second) and {…, layerDone: true, computeCpuNs,
// computeWallNs} once a layer file is durable for every sector.
Napi::Value LabelLayers(const Napi::CallbackInfo& info) {
  return start_job<LabelEvent>(info, [](const Options& o) {
    sdr::label::RunSpec spec;
    spec.nodes = o.u64("nodes");
    if (spec.nodes < 2 || (spec.nodes & (spec.nodes - 1)) || spec.nodes > (uint64_t(1) << 31))
      throw_range(o.get("nodes").Env(), "nodes must be a power of two between 2 and 2^31");
    spec.layers = uint32_t(o.u64("layers", 1, 64));
    spec.start_layer = uint32_t(o.u64("startLayer", 1, spec.layers));
    spec.parents_path = o.path("parentsCachePath");
    const std::vector<Options> sectors = o.objects("sectors");
    if (sectors.empty()) throw_range(o.get("sectors").Env(), "sectors must not be empty");
    for (const Options& s : sectors) {
      Napi::Uint8Array id = s.bytes("replicaId", 32);
      sdr::label::RunSector r{{id.Data(), id.Data() + 32}, s.paths("layerPaths")};
      if (r.layer_paths.size() != spec.layers)
        throw_range(id.Env(), s.field("layerPaths") + " must have one path per layer (" + std::to_string(spec.layers) +
                                  "), got " + std::to_string(r.layer_paths.size()));
      spec.sectors.push_back(std::move(r));
    }
    spec.kernel = sha256_kernel(o.get("kernel"));
    if (!absent(o.get("parentsFeed"))) {
      const std::string feed = str(o.get("parentsFeed"), o.field("parentsFeed"));
      if (feed != "producer" && feed != "inline" && feed != "auto")
        throw_range(o.get("parentsFeed").Env(), o.field("parentsFeed") + " must be 'auto', 'producer' or 'inline', got '" + feed + "'");
      spec.feed = feed == "producer" ? sdr::label::RunSpec::Feed::Producer
                  : feed == "inline" ? sdr::label::RunSpec::Feed::Inline
                                     : sdr::label::RunSpec::Feed::Auto;
    }
    return JobSpec<LabelEvent>{
        "sdr.labelLayers",
        [spec](const sdr::CancelFlag& cancel, Reporter<LabelEvent>& r) {
          sdr::label::RunCallbacks cb;
          cb.progress = [&](uint32_t layer, uint64_t done) { r.update({layer, done}); };
          // Milestones: the TypeScript side records its checkpoint on these.
          cb.layer_done = [&](uint32_t layer, uint64_t cpu_ns, uint64_t wall_ns) {
            r.milestone({layer, spec.nodes, true, cpu_ns, wall_ns});
          };
          sdr::label::run_labeling(spec, cancel, cb);
        },
        [nodes = spec.nodes](Napi::Object& p, const LabelEvent& e) {
          describe_count(p, "pc1", {e.done, nodes});
          p.Set("layer", Napi::Number::New(p.Env(), e.layer));
          if (e.layer_done) {
            p.Set("layerDone", true);
            p.Set("computeCpuNs", Napi::Number::New(p.Env(), double(e.cpu_ns)));
            p.Set("computeWallNs", Napi::Number::New(p.Env(), double(e.wall_ns)));
          }
        },
        nullptr};
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitLabel, {"labelLayers", LabelLayers});
