// N-API surface of the PreCommit2 kernels: sync field/Poseidon helpers (tests, benchmarks, the
// few single hashes the TypeScript side needs) and async tree-c / encode / tree-r-last / decode.
#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <cstring>
#include <string>
#include <vector>

#include "encode.h"
#include "fr.h"
#include "poseidon.h"
#include "registry.h"
#include "tree-build.h"

namespace sdr {
namespace {

using fr::Fr;
using poseidon::Form;
using poseidon::Kernel;

Napi::Uint8Array copy_out(Napi::Env env, const uint8_t* p, size_t n) {
  auto out = Napi::Uint8Array::New(env, n);
  std::memcpy(out.Data(), p, n);
  return out;
}

const uint8_t* bytes_arg(const Napi::CallbackInfo& info, size_t i, size_t want, const char* what) {
  if (info.Length() <= i || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Uint8Array");
  auto a = info[i].As<Napi::Uint8Array>();
  if (want && a.ByteLength() != want)
    throw Napi::RangeError::New(info.Env(), std::string(what) + " must be " + std::to_string(want) + " bytes, got " +
                                                std::to_string(a.ByteLength()));
  return a.Data();
}

Fr fr_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  Fr x;
  if (!fr::from_bytes(x, bytes_arg(info, i, 32, what)))
    throw Napi::RangeError::New(info.Env(), std::string(what) +
                                                " is not a canonical field element (value ≥ the BLS12-381 modulus r)");
  return x;
}

Kernel kernel_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined()) return Kernel::Auto;
  const std::string k = info[i].As<Napi::String>().Utf8Value();
  Kernel out;
  if (k == "auto") out = Kernel::Auto;
  else if (k == "portable") out = Kernel::Portable;
  else if (k == "adx") out = Kernel::Adx;
  else if (k == "ifma") out = Kernel::Ifma;
  else throw Napi::TypeError::New(info.Env(), "kernel must be 'auto', 'portable', 'adx' or 'ifma', got '" + k + "'");
  if (!poseidon::kernel_available(out))
    throw Napi::Error::New(info.Env(), "the " + k + " kernel is not available on this CPU (or disabled by SDR_DISABLE_*)");
  return out;
}

Form form_arg(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined()) return Form::Optimized;
  const std::string f = info[i].As<Napi::String>().Utf8Value();
  if (f == "plain") return Form::Plain;
  if (f == "optimized") return Form::Optimized;
  throw Napi::TypeError::New(info.Env(), "form must be 'plain' or 'optimized', got '" + f + "'");
}

template <class M>
Fr fr_binop(char op, const Fr& a, const Fr& b) {
  Fr r;
  switch (op) {
    case '+': fr::add(r, a, b); break;
    case '-': fr::sub(r, a, b); break;
    case '*': M::mul(r, a, b); break;
    case '2': M::mul(r, a, a); break;
    default: r = fr::inverse(a);
  }
  return r;
}

// frOp(op: '+'|'-'|'*'|'sq'|'inv', a, b, kernel?) → canonical LE bytes
Napi::Value FrOp(const Napi::CallbackInfo& info) {
  const std::string op = info[0].As<Napi::String>().Utf8Value();
  const Fr a = fr_arg(info, 1, "a");
  const Fr b = (op == "sq" || op == "inv") ? a : fr_arg(info, 2, "b");
  const Kernel k = kernel_arg(info, 3);
  if (k == Kernel::Ifma) throw Napi::TypeError::New(info.Env(), "field ops have no IFMA kernel (it is a Poseidon batch kernel)");
  const char c = op == "sq" ? '2' : op == "inv" ? 'i' : op[0];
  if (op != "+" && op != "-" && op != "*" && op != "sq" && op != "inv")
    throw Napi::TypeError::New(info.Env(), "unknown field op '" + op + "'");
  Fr r;
#if defined(__x86_64__)
  if (k == Kernel::Adx || (k == Kernel::Auto && fr::adx_usable())) r = fr_binop<fr::MulAdx>(c, a, b);
  else
#endif
    r = fr_binop<fr::MulPortable>(c, a, b);
  uint8_t out[32];
  fr::to_bytes(out, r);
  return copy_out(info.Env(), out, 32);
}

// frIsCanonical(bytes32) → boolean
Napi::Value FrIsCanonical(const Napi::CallbackInfo& info) {
  Fr x;
  return Napi::Boolean::New(info.Env(), fr::from_bytes(x, bytes_arg(info, 0, 32, "element")));
}

const poseidon::Constants& constants_arg(const Napi::CallbackInfo& info, size_t i, bool strengthened) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "arity must be a number");
  try {
    return poseidon::constants(info[i].As<Napi::Number>().Int32Value(), strengthened);
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(info.Env(), e.what());
  }
}

// poseidonPermute(arity, strengthened, state: Uint8Array(t·32), form?, kernel?) → Uint8Array(t·32)
Napi::Value PoseidonPermute(const Napi::CallbackInfo& info) {
  const bool strong = info[1].ToBoolean();
  const auto& c = constants_arg(info, 0, strong);
  const uint8_t* in = bytes_arg(info, 2, (size_t)c.t * 32, "state");
  std::vector<Fr> s(c.t);
  for (int i = 0; i < c.t; i++)
    if (!fr::from_bytes(s[i], in + 32 * i))
      throw Napi::RangeError::New(info.Env(), "state element " + std::to_string(i) + " is not a canonical field element");
  try {
    poseidon::permute(c, s.data(), form_arg(info, 3), kernel_arg(info, 4));
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  std::vector<uint8_t> out((size_t)c.t * 32);
  for (int i = 0; i < c.t; i++) fr::to_bytes(&out[32 * i], s[i]);
  return copy_out(info.Env(), out.data(), out.size());
}

// poseidonHashMany(arity, inputs: Uint8Array(n·arity·32), form?, kernel?) → Uint8Array(n·32)
// MerkleTree hash of each group; inputs are validated as canonical.
Napi::Value PoseidonHashMany(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info, 0, false);
  const uint8_t* in = bytes_arg(info, 1, 0, "inputs");
  const size_t len = info[1].As<Napi::Uint8Array>().ByteLength();
  const size_t group = (size_t)c.arity * 32;
  if (len == 0 || len % group != 0)
    throw Napi::RangeError::New(info.Env(), "inputs must be a non-empty multiple of arity × 32 = " +
                                                std::to_string(group) + " bytes, got " + std::to_string(len));
  for (size_t off = 0; off < len; off += 32) {
    Fr x;
    if (!fr::from_bytes(x, in + off))
      throw Napi::RangeError::New(info.Env(), "input element " + std::to_string(off / 32) +
                                                  " is not a canonical field element (value ≥ r)");
  }
  const Form form = form_arg(info, 2);
  const Kernel kernel = kernel_arg(info, 3);
  std::vector<uint8_t> out(len / group * 32);
  try {
    poseidon::hash_many(c, in, out.data(), len / group, form, kernel);
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return copy_out(info.Env(), out.data(), out.size());
}

// poseidonHash(arity, inputs: Uint8Array[], form?, kernel?) → Uint8Array(32): the array form of
// poseidonHashMany for a single hash.
Napi::Value PoseidonHash(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info, 0, false);
  if (info.Length() < 2 || !info[1].IsArray()) throw Napi::TypeError::New(info.Env(), "inputs must be an array of Uint8Array");
  auto arr = info[1].As<Napi::Array>();
  if ((int)arr.Length() != c.arity)
    throw Napi::RangeError::New(info.Env(), "Poseidon arity " + std::to_string(c.arity) + " needs " +
                                                std::to_string(c.arity) + " inputs, got " + std::to_string(arr.Length()));
  std::vector<uint8_t> in((size_t)c.arity * 32);
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value v = arr.Get(i);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        v.As<Napi::Uint8Array>().ByteLength() != 32)
      throw Napi::TypeError::New(info.Env(), "input " + std::to_string(i) + " must be a 32-byte Uint8Array");
    std::memcpy(&in[32 * i], v.As<Napi::Uint8Array>().Data(), 32);
    Fr x;
    if (!fr::from_bytes(x, &in[32 * i]))
      throw Napi::RangeError::New(info.Env(), "input " + std::to_string(i) + " is not a canonical field element (value ≥ r)");
  }
  uint8_t out[32];
  try {
    poseidon::hash_bytes(c, in.data(), out, form_arg(info, 2), kernel_arg(info, 3));
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return copy_out(info.Env(), out, 32);
}

// poseidonConstants(arity, strengthened) → { t, rf, rp, rc, mds, mdsInv, compressed, preSparse, sparse }
Napi::Value PoseidonConstants(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info, 0, info[1].ToBoolean());
  auto env = info.Env();
  auto pack = [&](const std::vector<Fr>& v) {
    std::vector<uint8_t> b(v.size() * 32);
    for (size_t i = 0; i < v.size(); i++) fr::to_bytes(&b[32 * i], v[i]);
    return copy_out(env, b.data(), b.size());
  };
  auto o = Napi::Object::New(env);
  o.Set("t", c.t);
  o.Set("rf", c.rf);
  o.Set("rp", c.rp);
  o.Set("rc", pack(c.rc));
  o.Set("mds", pack(c.mds));
  o.Set("mdsInv", pack(c.mds_inv));
  o.Set("compressed", pack(c.compressed));
  o.Set("preSparse", pack(c.pre_sparse));
  o.Set("sparse", pack(c.sparse));
  return o;
}


// ---- async kernels ----------------------------------------------------------------------------

struct Progress {
  uint64_t done, total;
};

// One worker class for every PC2 kernel: `run` executes off the JS thread with a Control wired to
// the JS progress callback and the SharedArrayBuffer cancel flag; `finish` builds the resolved value.
class Pc2Worker : public Napi::AsyncProgressWorker<Progress> {
 public:
  using Run = std::function<void(const tree::Control&)>;
  using Finish = std::function<Napi::Value(Napi::Env)>;

  Pc2Worker(Napi::Env env, const char* stage, Run run, Finish finish, const Napi::Value& on_progress,
            const Napi::Value& cancel, int threads)
      : Napi::AsyncProgressWorker<Progress>(env, stage),
        deferred_(Napi::Promise::Deferred::New(env)),
        stage_(stage),
        run_(std::move(run)),
        finish_(std::move(finish)) {
    if (on_progress.IsFunction()) progress_cb_ = Napi::Persistent(on_progress.As<Napi::Function>());
    if (!cancel.IsUndefined() && !cancel.IsNull()) {
      if (!cancel.IsTypedArray() || cancel.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
        throw Napi::TypeError::New(env, "cancel must be an Int32Array over a SharedArrayBuffer");
      auto arr = cancel.As<Napi::Int32Array>();
      if (arr.ElementLength() < 1) throw Napi::TypeError::New(env, "cancel must have at least one element");
      cancel_ref_ = Napi::Persistent(arr);
      control_.cancel_flag = arr.Data();
    }
    control_.threads = threads;
  }
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute(const ExecutionProgress& p) override {
    tree::Control c = control_;
    c.progress = [&p](uint64_t done, uint64_t total) {
      Progress x{done, total};
      p.Send(&x, 1);
    };
    try {
      run_(c);
    } catch (const tree::Cancelled&) {
      SetError("cancelled");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnProgress(const Progress* data, size_t count) override {
    if (progress_cb_.IsEmpty() || count == 0) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    auto o = Napi::Object::New(env);
    o.Set("stage", stage_);
    o.Set("done", Napi::Number::New(env, (double)data[count - 1].done));
    o.Set("total", Napi::Number::New(env, (double)data[count - 1].total));
    progress_cb_.Call({o});
  }
  void OnOK() override { deferred_.Resolve(finish_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string stage_;
  Run run_;
  Finish finish_;
  Napi::FunctionReference progress_cb_;
  Napi::Reference<Napi::Int32Array> cancel_ref_;
  tree::Control control_;
};

Napi::Object options_arg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "options object required");
  return info[0].As<Napi::Object>();
}
std::string str_opt(const Napi::Object& o, const char* key, bool required = true) {
  auto v = o.Get(key);
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (!required && (v.IsUndefined() || v.IsNull())) return "";
  throw Napi::TypeError::New(o.Env(), std::string("option '") + key + "' must be a string");
}
uint64_t num_opt(const Napi::Object& o, const char* key, bool required = true) {
  auto v = o.Get(key);
  if (v.IsBigInt()) {
    bool lossless;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (d < 0 || d != (double)(uint64_t)d)
      throw Napi::RangeError::New(o.Env(), std::string("option '") + key + "' must be a non-negative integer");
    return (uint64_t)d;
  }
  if (!required && (v.IsUndefined() || v.IsNull())) return 0;
  throw Napi::TypeError::New(o.Env(), std::string("option '") + key + "' must be a number or bigint");
}
std::vector<std::string> strs_opt(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  if (!v.IsArray()) throw Napi::TypeError::New(o.Env(), std::string("option '") + key + "' must be an array of paths");
  auto a = v.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value x = a.Get(i);
    if (!x.IsString()) throw Napi::TypeError::New(o.Env(), std::string("option '") + key + "' must hold strings");
    out.push_back(x.As<Napi::String>().Utf8Value());
  }
  return out;
}

Napi::Value roots_value(Napi::Env env, const std::vector<std::vector<uint8_t>>& roots) {
  auto a = Napi::Array::New(env, roots.size());
  for (uint32_t i = 0; i < roots.size(); i++) a.Set(i, copy_out(env, roots[i].data(), roots[i].size()));
  return a;
}

void check_tree_shape(Napi::Env env, uint64_t leaves) {
  if (!tree::is_power_of_8(leaves) || leaves < 8)
    throw Napi::RangeError::New(env, "leavesPerTree must be a power of 8 (≥ 8), got " + std::to_string(leaves));
}

// chunkLeaves: streaming chunk size (power of 8); tests use small chunks to exercise the seams.
uint64_t chunk_opt(const Napi::Object& o) {
  const uint64_t c = num_opt(o, "chunkLeaves", false);
  if (c && (!tree::is_power_of_8(c) || c < 8))
    throw Napi::RangeError::New(o.Env(), "chunkLeaves must be a power of 8 (≥ 8), got " + std::to_string(c));
  return c;
}

Napi::Value queue(Pc2Worker* w) {
  auto p = w->promise();
  w->Queue();
  return p;
}

// buildTreeC({ layerPaths, outPaths, leavesPerTree, threads? }, onProgress?, cancel?) → Promise<Uint8Array[]> roots
Napi::Value BuildTreeC(const Napi::CallbackInfo& info) {
  auto o = options_arg(info);
  auto layers = strs_opt(o, "layerPaths");
  auto outs = strs_opt(o, "outPaths");
  const uint64_t leaves = num_opt(o, "leavesPerTree");
  check_tree_shape(info.Env(), leaves);
  if (layers.size() != 2 && layers.size() != 11)
    throw Napi::RangeError::New(info.Env(), "tree-c needs 2 or 11 layer files, got " + std::to_string(layers.size()));
  auto roots = std::make_shared<std::vector<std::vector<uint8_t>>>();
  const uint64_t chunk = chunk_opt(o);
  auto run = [layers, outs, leaves, roots, chunk](const tree::Control& c) {
    tree::ColumnLeaves src(layers);
    tree::OctreeJob job{&src, leaves, outs, 0, chunk};
    *roots = tree::build_octrees(job, c);
  };
  return queue(new Pc2Worker(info.Env(), "tree-c", run,
                                         [roots](Napi::Env env) { return roots_value(env, *roots); }, info[1], info[2],
                                         (int)num_opt(o, "threads", false)));
}

// buildTreeRLast({ replicaPath, outPaths, leavesPerTree, rowsToDiscard, threads? }, onProgress?, cancel?)
Napi::Value BuildTreeRLast(const Napi::CallbackInfo& info) {
  auto o = options_arg(info);
  const std::string replica = str_opt(o, "replicaPath");
  auto outs = strs_opt(o, "outPaths");
  const uint64_t leaves = num_opt(o, "leavesPerTree");
  check_tree_shape(info.Env(), leaves);
  const uint64_t discard = num_opt(o, "rowsToDiscard");
  if ((int64_t)discard + 1 >= tree::row_count(leaves))
    throw Napi::RangeError::New(info.Env(), "rowsToDiscard leaves no stored row for this tree size");
  auto roots = std::make_shared<std::vector<std::vector<uint8_t>>>();
  const uint64_t chunk = chunk_opt(o);
  auto run = [replica, outs, leaves, discard, roots, chunk](const tree::Control& c) {
    tree::FileLeaves src(replica);
    tree::OctreeJob job{&src, leaves, outs, (int)discard + 1, chunk};
    *roots = tree::build_octrees(job, c);
  };
  return queue(new Pc2Worker(info.Env(), "tree-r-last", run,
                                         [roots](Napi::Env env) { return roots_value(env, *roots); }, info[1], info[2],
                                         (int)num_opt(o, "threads", false)));
}

// encodeReplica({ keyPath, dataPath|null, outPath, firstNode, nodes, outSize? }, onProgress?, cancel?)
Napi::Value EncodeReplica(const Napi::CallbackInfo& info) {
  auto o = options_arg(info);
  encode::RangeJob job;
  job.key_path = str_opt(o, "keyPath");
  job.input_path = str_opt(o, "dataPath", false);
  job.out_path = str_opt(o, "outPath");
  job.first_node = num_opt(o, "firstNode");
  job.nodes = num_opt(o, "nodes");
  job.out_size = num_opt(o, "outSize", false);
  return queue(new Pc2Worker(info.Env(), "encode", [job](const tree::Control& c) { encode::encode_range(job, c); },
                                         [](Napi::Env env) { return env.Undefined(); }, info[1], info[2],
                                         (int)num_opt(o, "threads", false)));
}

// decodeRange({ keyPath, replicaPath, outPath, firstNode, nodes, outByteOffset? }, onProgress?, cancel?)
Napi::Value DecodeRange(const Napi::CallbackInfo& info) {
  auto o = options_arg(info);
  encode::RangeJob job;
  job.key_path = str_opt(o, "keyPath");
  job.input_path = str_opt(o, "replicaPath");
  job.out_path = str_opt(o, "outPath");
  job.first_node = num_opt(o, "firstNode");
  job.nodes = num_opt(o, "nodes");
  job.out_byte_offset = num_opt(o, "outByteOffset", false);
  return queue(new Pc2Worker(info.Env(), "decode", [job](const tree::Control& c) { encode::decode_range(job, c); },
                                         [](Napi::Env env) { return env.Undefined(); }, info[1], info[2],
                                         (int)num_opt(o, "threads", false)));
}

// octreeInMemory(leaves: Uint8Array, firstStoredRow) → Uint8Array (stored rows, bottom-up)
Napi::Value OctreeInMemory(const Napi::CallbackInfo& info) {
  const uint8_t* leaves = bytes_arg(info, 0, 0, "leaves");
  const size_t len = info[0].As<Napi::Uint8Array>().ByteLength();
  if (len % 32 || !tree::is_power_of_8(len / 32))
    throw Napi::RangeError::New(info.Env(), "leaves must be a power of 8 of 32-byte nodes");
  try {
    auto out = tree::octree_in_memory(leaves, len / 32, info[1].As<Napi::Number>().Int32Value());
    return copy_out(info.Env(), out.data(), out.size());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

void init_pc2_async(Napi::Env env, Napi::Object exports) {
  exports.Set("buildTreeC", Napi::Function::New(env, BuildTreeC));
  exports.Set("buildTreeRLast", Napi::Function::New(env, BuildTreeRLast));
  exports.Set("encodeReplica", Napi::Function::New(env, EncodeReplica));
  exports.Set("decodeRange", Napi::Function::New(env, DecodeRange));
  exports.Set("octreeInMemory", Napi::Function::New(env, OctreeInMemory));
}

void init_pc2(Napi::Env env, Napi::Object exports) {
  exports.Set("frOp", Napi::Function::New(env, FrOp));
  exports.Set("frIsCanonical", Napi::Function::New(env, FrIsCanonical));
  exports.Set("poseidonPermute", Napi::Function::New(env, PoseidonPermute));
  exports.Set("poseidonHashMany", Napi::Function::New(env, PoseidonHashMany));
  exports.Set("poseidonHash", Napi::Function::New(env, PoseidonHash));
  exports.Set("frMul", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    // frMul(a, b, kernel?) = frOp('*', a, b, kernel?)
    const Fr a = fr_arg(info, 0, "a"), b = fr_arg(info, 1, "b");
    const Kernel k = kernel_arg(info, 2);
    if (k == Kernel::Ifma) throw Napi::TypeError::New(info.Env(), "field ops have no IFMA kernel");
    Fr r;
#if defined(__x86_64__)
    if (k == Kernel::Adx || (k == Kernel::Auto && fr::adx_usable())) fr::MulAdx::mul(r, a, b);
    else
#endif
      fr::MulPortable::mul(r, a, b);
    uint8_t out[32];
    fr::to_bytes(out, r);
    return copy_out(info.Env(), out, 32);
  }));
  exports.Set("poseidonConstants", Napi::Function::New(env, PoseidonConstants));
  exports.Set("poseidonKernels", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    auto a = Napi::Array::New(info.Env());
    a.Set(0u, "portable");
    if (fr::adx_usable()) a.Set(a.Length(), "adx");
    if (poseidon::kernel_available(Kernel::Ifma)) a.Set(a.Length(), "ifma");
    return a;
  }));
  init_pc2_async(env, exports);
}

}  // namespace
SDR_REGISTER_MODULE(init_pc2);
}  // namespace sdr
