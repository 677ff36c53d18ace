// N-API surface of the graph kernels: graphParents (sync, small ranges), writeParentsCache (async,
// whole file), and the primitives blake2b512 / chacha8Block / feistelPermute for tests.
#include <napi.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "blake2b.h"
#include "chacha8.h"
#include "feistel.h"
#include "graph.h"
#include "registry.h"

namespace {

uint64_t to_u64(const Napi::Value& v, const char* what) {
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(v.Env(), std::string(what) + " does not fit in an unsigned 64-bit integer");
    return x;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d != static_cast<double>(static_cast<uint64_t>(d)) || d > 9007199254740991.0)
      throw Napi::RangeError::New(v.Env(), std::string(what) + " must be a non-negative safe integer");
    return static_cast<uint64_t>(d);
  }
  throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a number or bigint");
}

Napi::Uint8Array bytes_arg(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Uint8Array");
  return v.As<Napi::Uint8Array>();
}

sdr::GraphParams graph_params(const Napi::Value& v) {
  Napi::Env env = v.Env();
  if (!v.IsObject()) throw Napi::TypeError::New(env, "graph params must be an object {nodes, drgSeed, feistelKeys, legacy}");
  Napi::Object o = v.As<Napi::Object>();
  sdr::GraphParams g{};
  g.nodes = to_u64(o.Get("nodes"), "params.nodes");
  // Parents are u32 and the reference graphs stop at 2^31 nodes (64GiB).
  if (g.nodes < 2 || g.nodes > (uint64_t{1} << 31))
    throw Napi::RangeError::New(env, "params.nodes must be between 2 and 2^31");
  Napi::Uint8Array seed = bytes_arg(o.Get("drgSeed"), "params.drgSeed");
  if (seed.ByteLength() != 28) throw Napi::RangeError::New(env, "params.drgSeed must be 28 bytes");
  std::memcpy(g.drg_seed, seed.Data(), 28);
  Napi::Value keys = o.Get("feistelKeys");
  if (!keys.IsArray() || keys.As<Napi::Array>().Length() < 3)
    throw Napi::TypeError::New(env, "params.feistelKeys must be an array of at least 3 bigints (k0, k1, k2)");
  for (uint32_t i = 0; i < 3; i++) g.feistel_keys[i] = to_u64(keys.As<Napi::Array>().Get(i), "params.feistelKeys[i]");
  Napi::Value legacy = o.Get("legacy");
  if (!legacy.IsBoolean()) throw Napi::TypeError::New(env, "params.legacy must be a boolean");
  g.legacy = legacy.As<Napi::Boolean>().Value();
  return g;
}

sdr::FeistelKernel kernel_arg(const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return sdr::feistel_best_kernel();
  static const char* names[] = {"portable", "scalar", "avx2", "avx512"};
  std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  for (int i = 0; i < 4; i++) {
    if (s == names[i]) {
      auto k = static_cast<sdr::FeistelKernel>(i);
      if (!sdr::feistel_kernel_supported(k))
        throw Napi::Error::New(v.Env(), "graph kernel '" + s + "' is not supported by this CPU (or disabled by SDR_DISABLE_*)");
      return k;
    }
  }
  throw Napi::TypeError::New(v.Env(), "kernel must be one of portable, scalar, avx2, avx512");
}

// graphKernels() → { best: string, supported: string[] }
Napi::Value GraphKernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  static const char* names[] = {"portable", "scalar", "avx2", "avx512"};
  Napi::Array supported = Napi::Array::New(env);
  for (int i = 0; i < 4; i++)
    if (sdr::feistel_kernel_supported(static_cast<sdr::FeistelKernel>(i))) supported.Set(supported.Length(), names[i]);
  Napi::Object o = Napi::Object::New(env);
  o.Set("best", names[static_cast<int>(sdr::feistel_best_kernel())]);
  o.Set("supported", supported);
  return o;
}

// blake2bFeistelWords(m0: BigUint64Array, m1: bigint, kernel) → BigUint64Array: word 0 of
// BLAKE2b-512(u64le(m0[i]) || u64le(m1)) through the specialised kernels, for twin tests.
Napi::Value Blake2bFeistelWords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array)
    throw Napi::TypeError::New(env, "m0 must be a BigUint64Array");
  Napi::TypedArrayOf<uint64_t> m0 = info[0].As<Napi::TypedArrayOf<uint64_t>>();
  uint64_t m1 = to_u64(info[1], "m1");
  sdr::FeistelKernel k = kernel_arg(info[2]);
  size_t n = m0.ElementLength();
  Napi::TypedArrayOf<uint64_t> out = Napi::TypedArrayOf<uint64_t>::New(env, n, napi_biguint64_array);
  for (size_t i = 0; i < n;) {
    uint64_t in8[8] = {0}, r[8];
    size_t take = std::min<size_t>(8, n - i);
    std::memcpy(in8, m0.Data() + i, take * 8);
    switch (k) {
      case sdr::FeistelKernel::kAvx512: sdr::blake2b512_word0_16_x8_avx512(in8, m1, r); break;
      case sdr::FeistelKernel::kAvx2:
        sdr::blake2b512_word0_16_x4_avx2(in8, m1, r);
        sdr::blake2b512_word0_16_x4_avx2(in8 + 4, m1, r + 4);
        break;
      default:
        for (int j = 0; j < 8; j++) r[j] = sdr::blake2b512_word0_16(in8[j], m1);
    }
    std::memcpy(out.Data() + i, r, take * 8);
    i += take;
  }
  return out;
}

Napi::Value GraphParents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sdr::GraphParams g = graph_params(info[0]);
  uint64_t start = to_u64(info[1], "start");
  uint64_t count = to_u64(info[2], "count");
  if (start > g.nodes || count > g.nodes - start)
    throw Napi::RangeError::New(env, "node range [start, start + count) must lie inside [0, nodes)");
  // Synchronous on the JS thread: keep it to test-sized ranges; whole graphs go through writeParentsCache.
  if (count > (uint64_t{1} << 20)) throw Napi::RangeError::New(env, "graphParents is limited to 2^20 nodes per call");
  Napi::Uint32Array out = Napi::Uint32Array::New(env, count * sdr::kTotalParents);
  sdr::graph_parents_with(g, kernel_arg(info[3]), start, count, out.Data());
  return out;
}

class ParentsCacheWorker : public Napi::AsyncProgressWorker<uint64_t> {
 public:
  ParentsCacheWorker(Napi::Env env, const sdr::GraphParams& g, std::string path, unsigned threads,
                     Napi::Function on_progress, Napi::Value cancel)
      : Napi::AsyncProgressWorker<uint64_t>(env, "sdr.writeParentsCache"),
        deferred_(Napi::Promise::Deferred::New(env)),
        g_(g),
        path_(std::move(path)),
        threads_(threads) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
    if (cancel.IsTypedArray()) {
      Napi::Int32Array flag = cancel.As<Napi::Int32Array>();
      cancel_ref_ = Napi::Persistent(cancel.As<Napi::Object>());  // keeps the SharedArrayBuffer alive
      cancel_ = flag.Data();
    }
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      bool done = sdr::write_parents_cache(g_, path_, threads_, cancel_,
                                           [&progress](uint64_t n) { progress.Send(&n, 1); });
      if (!done) SetError("cancelled");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnProgress(const uint64_t* data, size_t count) override {
    if (on_progress_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::Object p = Napi::Object::New(env);
    p.Set("done", Napi::Number::New(env, static_cast<double>(data[count - 1])));
    p.Set("total", Napi::Number::New(env, static_cast<double>(g_.nodes)));
    // A throwing progress callback must not take the process down from a libuv callback; its
    // error becomes the promise's rejection once the worker ends.
    try {
      on_progress_.Call({p});
    } catch (const Napi::Error& e) {
      keep_progress_error(e.Value());
    }
    // In a thread-safe-function callback the JS exception can stay pending instead of being
    // converted to a C++ one; take it either way.
    if (env.IsExceptionPending()) keep_progress_error(env.GetAndClearPendingException().Value());
  }

  void keep_progress_error(Napi::Value err) {
    if (progress_error_.IsEmpty()) progress_error_ = Napi::Persistent(err);
  }

  void OnOK() override {
    if (!progress_error_.IsEmpty()) return deferred_.Reject(progress_error_.Value());
    deferred_.Resolve(Env().Undefined());
  }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(progress_error_.IsEmpty() ? e.Value() : progress_error_.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  sdr::GraphParams g_;
  std::string path_;
  unsigned threads_;
  Napi::FunctionReference on_progress_;
  Napi::ObjectReference cancel_ref_;
  Napi::Reference<Napi::Value> progress_error_;
  const int32_t* cancel_ = nullptr;
};

// writeParentsCache(params, path, onProgress?, cancelFlag?, threads? = 0 (all cores)) → Promise<void>
Napi::Value WriteParentsCache(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sdr::GraphParams g = graph_params(info[0]);
  if (!info[1].IsString()) throw Napi::TypeError::New(env, "path must be a string");
  std::string path = info[1].As<Napi::String>().Utf8Value();
  Napi::Function on_progress;
  if (info.Length() > 2 && info[2].IsFunction()) on_progress = info[2].As<Napi::Function>();
  Napi::Value cancel = info.Length() > 3 ? info[3] : env.Undefined();
  if (!cancel.IsUndefined() && !cancel.IsNull()) {
    if (!cancel.IsTypedArray() || cancel.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
        cancel.As<Napi::TypedArray>().ElementLength() < 1)
      throw Napi::TypeError::New(env, "cancelFlag must be an Int32Array of length >= 1 (over a SharedArrayBuffer)");
  }
  unsigned threads = 0;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    uint64_t t = to_u64(info[4], "threads");
    if (t > 1024) throw Napi::RangeError::New(env, "threads must be at most 1024");
    threads = static_cast<unsigned>(t);
  }
  auto* worker = new ParentsCacheWorker(env, g, path, threads, on_progress, cancel);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Blake2b512(const Napi::CallbackInfo& info) {
  Napi::Uint8Array in = bytes_arg(info[0], "data");
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 64);
  sdr::blake2b512(in.Data(), in.ByteLength(), out.Data());
  return out;
}

// chacha8Block(key: Uint8Array(32), counter: bigint) → Uint32Array(16)
Napi::Value ChaCha8Block(const Napi::CallbackInfo& info) {
  Napi::Uint8Array key = bytes_arg(info[0], "key");
  if (key.ByteLength() != 32) throw Napi::RangeError::New(info.Env(), "key must be 32 bytes");
  uint32_t words[8];
  for (int i = 0; i < 8; i++) {
    const uint8_t* p = key.Data() + 4 * i;
    words[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  Napi::Uint32Array out = Napi::Uint32Array::New(info.Env(), 16);
  sdr::chacha8_block(words, to_u64(info[1], "counter"), out.Data());
  return out;
}

// feistelPermute(numElements, [k0, k1, k2], x) → bigint
Napi::Value FeistelPermute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t n = to_u64(info[0], "numElements");
  if (n < 1 || n > (uint64_t{1} << 62)) throw Napi::RangeError::New(env, "numElements must be in [1, 2^62]");
  if (!info[1].IsArray() || info[1].As<Napi::Array>().Length() < 3)
    throw Napi::TypeError::New(env, "keys must be an array of 3 bigints");
  uint64_t keys[3];
  for (uint32_t i = 0; i < 3; i++) keys[i] = to_u64(info[1].As<Napi::Array>().Get(i), "keys[i]");
  uint64_t x = to_u64(info[2], "x");
  if (x >= n) throw Napi::RangeError::New(env, "x must be below numElements");
  return Napi::BigInt::New(env, sdr::feistel_permute(sdr::feistel_domain(n), keys, x));
}

void InitGraph(Napi::Env env, Napi::Object exports) {
  exports.Set("graphParents", Napi::Function::New(env, GraphParents, "graphParents"));
  exports.Set("writeParentsCache", Napi::Function::New(env, WriteParentsCache, "writeParentsCache"));
  exports.Set("graphKernels", Napi::Function::New(env, GraphKernels, "graphKernels"));
  exports.Set("blake2bFeistelWords", Napi::Function::New(env, Blake2bFeistelWords, "blake2bFeistelWords"));
  exports.Set("blake2b512", Napi::Function::New(env, Blake2b512, "blake2b512"));
  exports.Set("chacha8Block", Napi::Function::New(env, ChaCha8Block, "chacha8Block"));
  exports.Set("feistelPermute", Napi::Function::New(env, FeistelPermute, "feistelPermute"));
}

}  // namespace

SDR_REGISTER_MODULE(InitGraph);
