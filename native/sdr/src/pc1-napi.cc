// N-API surface of PC1: SHA-256 compression helpers (sync, for tests and benchmarks), labelLayers
// and buildTreeD (async workers with throttled progress and an Int32Array cancel flag).
#include <napi.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

#include "label-layer.h"
#include "registry.h"
#include "sha256.h"
#include "tree-d.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);

uint64_t to_u64(const Napi::Value& v, const char* what) {
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(v.Env(), std::string(what) + " does not fit in 64 bits");
    return x;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d != double(uint64_t(d)) || d > 9007199254740991.0)
      throw Napi::RangeError::New(v.Env(), std::string(what) + " must be a non-negative safe integer");
    return uint64_t(d);
  }
  throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a number or bigint");
}

Napi::Uint8Array bytes_arg(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Uint8Array");
  return v.As<Napi::Uint8Array>();
}

std::string string_arg(const Napi::Value& v, const char* what) {
  if (!v.IsString()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

sdr::sha256::Kernel kernel_arg(const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return sdr::sha256::Kernel::Fast;
  std::string s = string_arg(v, "kernel");
  if (s == "fast") return sdr::sha256::Kernel::Fast;
  if (s == "portable") return sdr::sha256::Kernel::Portable;
  throw Napi::TypeError::New(v.Env(), "kernel must be 'fast' or 'portable'");
}

// sha256Compress(state: Uint32Array(8), blocks: Uint8Array(64·n), kernel?) — advances state in place.
Napi::Value Sha256Compress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      info[0].As<Napi::TypedArray>().ElementLength() != 8)
    throw Napi::TypeError::New(env, "state must be a Uint32Array of 8 words");
  Napi::Uint8Array blocks = bytes_arg(info[1], "blocks");
  if (blocks.ByteLength() % 64) throw Napi::RangeError::New(env, "blocks must be a whole number of 64-byte blocks");
  auto h = sdr::sha256::impl(kernel_arg(info[2]));
  h.compress(info[0].As<Napi::Uint32Array>().Data(), blocks.Data(), blocks.ByteLength() / 64);
  return env.Undefined();
}

// sha256CompressLanes(states: Uint32Array(8·k), blocks: Uint8Array(k·64·n) lane-major, lanes: k, kernel?)
Napi::Value Sha256CompressLanes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
    throw Napi::TypeError::New(env, "states must be a Uint32Array of 8 words per lane");
  Napi::Uint32Array st = info[0].As<Napi::Uint32Array>();
  Napi::Uint8Array blocks = bytes_arg(info[1], "blocks");
  const uint64_t lanes = to_u64(info[2], "lanes");
  if (lanes < 1 || lanes > 64 || st.ElementLength() != 8 * lanes)
    throw Napi::RangeError::New(env, "lanes must be 1..64 with 8 state words per lane");
  if (blocks.ByteLength() % (64 * lanes)) throw Napi::RangeError::New(env, "blocks must hold the same whole number of blocks per lane");
  const size_t nblocks = blocks.ByteLength() / (64 * lanes);
  std::vector<uint32_t*> s(lanes);
  std::vector<const uint8_t*> b(lanes);
  for (size_t i = 0; i < lanes; i++) {
    s[i] = st.Data() + 8 * i;
    b[i] = blocks.Data() + 64 * nblocks * i;
  }
  sdr::sha256::impl(kernel_arg(info[3])).compress_lanes(s.data(), b.data(), lanes, nblocks);
  return env.Undefined();
}

Napi::Value Sha256Kernel(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), sdr::sha256::impl(sdr::sha256::Kernel::Fast).name);
}

const int32_t* cancel_arg(const Napi::Value& v, Napi::ObjectReference& keep) {
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      v.As<Napi::TypedArray>().ElementLength() < 1)
    throw Napi::TypeError::New(v.Env(), "cancelFlag must be an Int32Array of length >= 1 (over a SharedArrayBuffer)");
  keep = Napi::Persistent(v.As<Napi::Object>());  // keeps the buffer alive while the worker polls it
  return v.As<Napi::Int32Array>().Data();
}

struct Pc1Event {
  uint32_t layer;
  uint64_t done;
  bool layer_done;
  uint64_t cpu_ns, wall_ns;  // set with layer_done
};

class LabelWorker : public Napi::AsyncProgressQueueWorker<Pc1Event> {
 public:
  LabelWorker(Napi::Env env, sdr::label::RunSpec spec, Napi::Value on_progress, Napi::Value cancel)
      : Napi::AsyncProgressQueueWorker<Pc1Event>(env, "sdr.labelLayers"),
        deferred_(Napi::Promise::Deferred::New(env)),
        spec_(std::move(spec)) {
    if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
    cancel_ = cancel_arg(cancel, cancel_ref_);
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      auto last = Clock::now() - kProgressInterval;
      sdr::label::RunCallbacks cb;
      cb.progress = [&](uint32_t layer, uint64_t done) {
        auto now = Clock::now();
        if (now - last < kProgressInterval && done != spec_.nodes) return;
        last = now;
        Pc1Event e{layer, done, false, 0, 0};
        progress.Send(&e, 1);
      };
      // Never throttled: the TypeScript side records its checkpoint on these.
      cb.layer_done = [&](uint32_t layer, uint64_t cpu_ns, uint64_t wall_ns) {
        Pc1Event e{layer, spec_.nodes, true, cpu_ns, wall_ns};
        progress.Send(&e, 1);
      };
      if (!sdr::label::run_labeling(spec_, cancel_, cb)) SetError("cancelled");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnProgress(const Pc1Event* data, size_t count) override {
    if (on_progress_.IsEmpty()) return;
    Napi::Env env = Env();
    for (size_t i = 0; i < count; i++) {
      Napi::Object p = Napi::Object::New(env);
      p.Set("stage", "pc1");
      p.Set("layer", Napi::Number::New(env, data[i].layer));
      p.Set("done", Napi::Number::New(env, double(data[i].done)));
      p.Set("total", Napi::Number::New(env, double(spec_.nodes)));
      if (data[i].layer_done) {
        p.Set("layerDone", true);
        p.Set("computeCpuNs", Napi::Number::New(env, double(data[i].cpu_ns)));
        p.Set("computeWallNs", Napi::Number::New(env, double(data[i].wall_ns)));
      }
      // A throwing callback must not unwind through libuv; the TypeScript wrappers catch their own.
      try {
        on_progress_.Call({p});
      } catch (const Napi::Error&) {
      }
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  sdr::label::RunSpec spec_;
  Napi::FunctionReference on_progress_;
  Napi::ObjectReference cancel_ref_;
  const int32_t* cancel_ = nullptr;
};

// labelLayers({nodes, layers, startLayer, parentsCachePath, replicaIds: Uint8Array[], cacheDirs: string[],
//              kernel?}, onProgress?, cancelFlag?) → Promise<void>
// onProgress gets {stage:'pc1', layer, done, total} (a few per second) and {…, layerDone: true,
// computeCpuNs, computeWallNs} once a layer file is durable for every sector.
Napi::Value LabelLayers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "labelLayers expects an options object");
  Napi::Object o = info[0].As<Napi::Object>();
  sdr::label::RunSpec spec;
  spec.nodes = to_u64(o.Get("nodes"), "nodes");
  if (spec.nodes < 2 || (spec.nodes & (spec.nodes - 1)) || spec.nodes > (uint64_t(1) << 31))
    throw Napi::RangeError::New(env, "nodes must be a power of two between 2 and 2^31");
  spec.layers = uint32_t(to_u64(o.Get("layers"), "layers"));
  spec.start_layer = uint32_t(to_u64(o.Get("startLayer"), "startLayer"));
  if (spec.layers < 1 || spec.layers > 64 || spec.start_layer < 1 || spec.start_layer > spec.layers)
    throw Napi::RangeError::New(env, "need 1 <= startLayer <= layers <= 64");
  spec.parents_path = string_arg(o.Get("parentsCachePath"), "parentsCachePath");
  Napi::Value ids = o.Get("replicaIds"), dirs = o.Get("cacheDirs");
  if (!ids.IsArray() || !dirs.IsArray() || ids.As<Napi::Array>().Length() == 0 ||
      ids.As<Napi::Array>().Length() != dirs.As<Napi::Array>().Length())
    throw Napi::TypeError::New(env, "replicaIds and cacheDirs must be non-empty arrays of the same length");
  for (uint32_t i = 0; i < ids.As<Napi::Array>().Length(); i++) {
    Napi::Uint8Array id = bytes_arg(ids.As<Napi::Array>().Get(i), "replicaIds[i]");
    if (id.ByteLength() != 32) throw Napi::RangeError::New(env, "each replica id must be 32 bytes");
    spec.replica_ids.emplace_back(id.Data(), id.Data() + 32);
    spec.cache_dirs.push_back(string_arg(dirs.As<Napi::Array>().Get(i), "cacheDirs[i]"));
  }
  spec.kernel = kernel_arg(o.Get("kernel"));
  auto* w = new LabelWorker(env, std::move(spec), info[1], info[2]);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

class TreeDWorker : public Napi::AsyncProgressQueueWorker<uint64_t> {
 public:
  TreeDWorker(Napi::Env env, sdr::treed::TreeDSpec spec, Napi::Value on_progress, Napi::Value cancel)
      : Napi::AsyncProgressQueueWorker<uint64_t>(env, "sdr.buildTreeD"),
        deferred_(Napi::Promise::Deferred::New(env)),
        spec_(std::move(spec)) {
    if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
    cancel_ = cancel_arg(cancel, cancel_ref_);
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      auto last = Clock::now() - kProgressInterval;
      auto cb = [&](uint64_t done) {
        auto now = Clock::now();
        if (now - last < kProgressInterval && done != spec_.nodes) return;
        last = now;
        progress.Send(&done, 1);
      };
      if (!sdr::treed::build_tree_d(spec_, cancel_, cb, root_)) SetError("cancelled");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnProgress(const uint64_t* data, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::Object p = Napi::Object::New(env);
    p.Set("stage", "tree-d");
    p.Set("done", Napi::Number::New(env, double(data[count - 1])));
    p.Set("total", Napi::Number::New(env, double(spec_.nodes)));
    try {
      on_progress_.Call({p});
    } catch (const Napi::Error&) {
    }
  }
  void OnOK() override {
    Napi::Uint8Array out = Napi::Uint8Array::New(Env(), 32);
    std::memcpy(out.Data(), root_, 32);
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  sdr::treed::TreeDSpec spec_;
  Napi::FunctionReference on_progress_;
  Napi::ObjectReference cancel_ref_;
  const int32_t* cancel_ = nullptr;
  uint8_t root_[32] = {};
};

// buildTreeD({nodes, stagedPath: string | null, outPath, kernel?}, onProgress?, cancelFlag?) → Promise<Uint8Array(32)>
Napi::Value BuildTreeD(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "buildTreeD expects an options object");
  Napi::Object o = info[0].As<Napi::Object>();
  sdr::treed::TreeDSpec spec;
  spec.nodes = to_u64(o.Get("nodes"), "nodes");
  if (spec.nodes < 2 || (spec.nodes & (spec.nodes - 1)))
    throw Napi::RangeError::New(env, "nodes must be a power of two >= 2");
  Napi::Value staged = o.Get("stagedPath");
  if (!staged.IsNull() && !staged.IsUndefined()) spec.staged_path = string_arg(staged, "stagedPath");
  spec.out_path = string_arg(o.Get("outPath"), "outPath");
  spec.kernel = kernel_arg(o.Get("kernel"));
  auto* w = new TreeDWorker(env, std::move(spec), info[1], info[2]);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

void InitPc1(Napi::Env env, Napi::Object exports) {
  exports.Set("sha256Compress", Napi::Function::New(env, Sha256Compress, "sha256Compress"));
  exports.Set("sha256CompressLanes", Napi::Function::New(env, Sha256CompressLanes, "sha256CompressLanes"));
  exports.Set("sha256Kernel", Napi::Function::New(env, Sha256Kernel, "sha256Kernel"));
  exports.Set("labelLayers", Napi::Function::New(env, LabelLayers, "labelLayers"));
  exports.Set("buildTreeD", Napi::Function::New(env, BuildTreeD, "buildTreeD"));
}

}  // namespace

SDR_REGISTER_MODULE(InitPc1);
