// N-API surface of PC1 labeling: labelLayers (napi-job.h).
#include <napi.h>

#include <memory>

#include "label-layer.h"
#include "label-window.h"
#include "napi-job.h"
#include "napi-kernels.h"
#include "registry.h"

namespace {

using namespace sdr::napi;

// parentsFeed?: 'auto' (default) | 'producer' | 'inline'
sdr::label::RunSpec::Feed feed_arg(const Options& o) {
  if (absent(o.get("parentsFeed"))) return sdr::label::RunSpec::Feed::Auto;
  const std::string feed = str(o.get("parentsFeed"), o.field("parentsFeed"));
  if (feed != "producer" && feed != "inline" && feed != "auto")
    throw_range(o.get("parentsFeed").Env(), o.field("parentsFeed") + " must be 'auto', 'producer' or 'inline', got '" + feed + "'");
  return feed == "producer" ? sdr::label::RunSpec::Feed::Producer
         : feed == "inline" ? sdr::label::RunSpec::Feed::Inline
                            : sdr::label::RunSpec::Feed::Auto;
}

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
    spec.feed = feed_arg(o);
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

// labelWindow({nodes, layer, first, count, replicaId, parentsPath, prevLayerPath?, curPrefixPath?,
//              outPath, kernel?, parentsFeed?, passes? = 1}, onProgress?, cancelFlag?)
//   → Promise<Array<{cpuNs, wallNs, producerCpuNs}>> (one per pass)
// Labels nodes [first, first + count) of one layer from mapped files (label-window.h); parentsPath
// holds only the window's rows (writeParentsCache with first/count). Progress {stage: 'pc1-window',
// done, total} in nodes of the window.
Napi::Value LabelWindow(const Napi::CallbackInfo& info) {
  auto times = std::make_shared<std::vector<sdr::label::WindowTimes>>();
  return start_job<Count>(info, [times](const Options& o) {
    sdr::label::WindowSpec spec;
    spec.nodes = o.u64("nodes", 2, uint64_t(1) << 31);
    spec.layer = uint32_t(o.u64("layer", 1, 64));
    spec.first = o.u64("first", 0, spec.nodes - 1);
    spec.count = o.u64("count", 1, spec.nodes - spec.first);
    Napi::Uint8Array id = o.bytes("replicaId", 32);
    spec.replica_id.assign(id.Data(), id.Data() + 32);
    spec.parents_path = o.path("parentsPath");
    spec.prev_path = o.opt_path("prevLayerPath");
    if (spec.layer > 1 && spec.prev_path.empty()) throw_range(id.Env(), o.field("prevLayerPath") + " is needed for layer > 1");
    spec.cur_prefix_path = o.opt_path("curPrefixPath");
    if (spec.first > 0 && spec.cur_prefix_path.empty()) throw_range(id.Env(), o.field("curPrefixPath") + " is needed when first > 0");
    spec.out_path = o.path("outPath");
    spec.kernel = sha256_kernel(o.get("kernel"));
    spec.feed = feed_arg(o);
    spec.passes = uint32_t(o.opt_u64("passes", 1, 16).value_or(1));
    return JobSpec<Count>{
        "sdr.labelWindow",
        [spec, times](const sdr::CancelFlag& cancel, Reporter<Count>& r) {
          *times = sdr::label::label_window(spec, cancel, [&](uint64_t done) { r.update({done, spec.count}); });
        },
        [](Napi::Object& p, const Count& c) { describe_count(p, "pc1-window", c); },
        [times](Napi::Env env) {
          Napi::Array all = Napi::Array::New(env, times->size());
          for (size_t i = 0; i < times->size(); i++) {
            Napi::Object t = Napi::Object::New(env);
            t.Set("cpuNs", Napi::Number::New(env, double((*times)[i].cpu_ns)));
            t.Set("wallNs", Napi::Number::New(env, double((*times)[i].wall_ns)));
            t.Set("producerCpuNs", Napi::Number::New(env, double((*times)[i].producer_cpu_ns)));
            all.Set(uint32_t(i), t);
          }
          return Napi::Value(all);
        }};
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitLabel, {"labelLayers", LabelLayers}, {"labelWindow", LabelWindow});
