// native/gpu: OpenCL tree hashing for PreCommit2 (docs/gpu.md). JS sees four functions:
//   probe(library?)                         → platforms and devices (throws when OpenCL cannot load)
//   openDevice(library, p, d, source, tabs, buildOptions) → Promise<session>: context, queue, built program and the
//                                              Poseidon tables in device memory (Montgomery form)
//   hashRows(session, job)                  → Promise<Buffer>: one hash pass + arity-8 levels above it
//   closeDevice(session)
// A session is the one piece of state: building the program costs seconds, so it is built once
// per device. Work runs off the JS thread; one job at a time per session (a mutex), so the host
// pipelines disk I/O around it (src/gpu/octree.ts).
#include <napi.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "opencl.h"

namespace {

using namespace gpu;

struct Table {
  cl::mem buf = nullptr;
  int rf = 0, rp = 0;
  uint64_t o_comp = 0, o_mds = 0, o_pre = 0, o_sparse = 0;
};

struct Session {
  const cl::Api* api = nullptr;
  cl::device_id device = nullptr;
  cl::context ctx = nullptr;
  cl::queue q = nullptr;
  cl::program prog = nullptr;
  std::map<int, cl::kernel> hash;  // by arity: merkle_hash_<arity>
  cl::kernel to_mont = nullptr;
  cl::kernel snap = nullptr;
  std::map<int, Table> tables;
  std::mutex mu;

  ~Session() { release(); }
  void release() {
    if (!api) return;
    for (auto& [_, t] : tables)
      if (t.buf) api->ReleaseMemObject(t.buf);
    tables.clear();
    for (auto& [_, k] : hash) api->ReleaseKernel(k);
    hash.clear();
    if (to_mont) api->ReleaseKernel(to_mont);
    if (snap) api->ReleaseKernel(snap);
    if (prog) api->ReleaseProgram(prog);
    if (q) api->ReleaseCommandQueue(q);
    if (ctx) api->ReleaseContext(ctx);
    to_mont = snap = nullptr;
    prog = nullptr;
    q = nullptr;
    ctx = nullptr;
    api = nullptr;
  }
};

// A device buffer released on scope exit.
struct Buf {
  const cl::Api& api;
  cl::mem m = nullptr;
  Buf(Session& s, cl::cl_bitfield flags, size_t bytes) : api(*s.api) {
    cl::cl_int err = 0;
    m = api.CreateBuffer(s.ctx, flags, bytes ? bytes : 32, nullptr, &err);
    cl::check(err, "clCreateBuffer");
  }
  ~Buf() {
    if (m) api.ReleaseMemObject(m);
  }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
};

std::string info_string(const cl::Api& api, bool platform, void* id, cl::cl_uint what) {
  size_t n = 0;
  cl::cl_int e = platform ? api.GetPlatformInfo((cl::platform_id)id, what, 0, nullptr, &n)
                          : api.GetDeviceInfo((cl::device_id)id, what, 0, nullptr, &n);
  if (e != 0 || n == 0) return "";
  std::string s(n, '\0');
  if (platform)
    api.GetPlatformInfo((cl::platform_id)id, what, n, s.data(), nullptr);
  else
    api.GetDeviceInfo((cl::device_id)id, what, n, s.data(), nullptr);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

template <class T>
T device_value(const cl::Api& api, cl::device_id d, cl::cl_uint what) {
  T v{};
  api.GetDeviceInfo(d, what, sizeof v, &v, nullptr);
  return v;
}

std::vector<cl::platform_id> platforms(const cl::Api& api) {
  cl::cl_uint n = 0;
  cl::cl_int e = api.GetPlatformIDs(0, nullptr, &n);
  if (e == -1001 || n == 0) return {};
  cl::check(e, "clGetPlatformIDs");
  std::vector<cl::platform_id> v(n);
  cl::check(api.GetPlatformIDs(n, v.data(), nullptr), "clGetPlatformIDs");
  return v;
}

std::vector<cl::device_id> devices(const cl::Api& api, cl::platform_id p) {
  cl::cl_uint n = 0;
  cl::cl_int e = api.GetDeviceIDs(p, cl::DEVICE_TYPE_ALL, 0, nullptr, &n);
  if (e == -1 || n == 0) return {};
  cl::check(e, "clGetDeviceIDs");
  std::vector<cl::device_id> v(n);
  cl::check(api.GetDeviceIDs(p, cl::DEVICE_TYPE_ALL, n, v.data(), nullptr), "clGetDeviceIDs");
  return v;
}

std::string library_arg(const Napi::Value& v) { return v.IsString() ? v.As<Napi::String>().Utf8Value() : ""; }

Napi::Value Probe(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const std::string lib = library_arg(info[0]);
  try {
    const auto& api = cl::load(lib);
    auto out = Napi::Object::New(env);
    out.Set("library", lib.empty() ? cl::default_library() : lib);
    auto ps = Napi::Array::New(env);
    for (auto p : platforms(api)) {
      auto po = Napi::Object::New(env);
      po.Set("name", info_string(api, true, p, cl::PLATFORM_NAME));
      po.Set("vendor", info_string(api, true, p, cl::PLATFORM_VENDOR));
      po.Set("version", info_string(api, true, p, cl::PLATFORM_VERSION));
      auto ds = Napi::Array::New(env);
      for (auto d : devices(api, p)) {
        auto dobj = Napi::Object::New(env);
        dobj.Set("name", info_string(api, false, d, cl::DEVICE_NAME));
        dobj.Set("vendor", info_string(api, false, d, cl::DEVICE_VENDOR));
        dobj.Set("version", info_string(api, false, d, cl::DEVICE_VERSION));
        const auto type = device_value<cl::cl_bitfield>(api, d, cl::DEVICE_TYPE);
        dobj.Set("type", (type & 4) ? "gpu" : (type & 2) ? "cpu" : (type & 8) ? "accelerator" : "other");
        dobj.Set("globalMemBytes", (double)device_value<cl::cl_ulong>(api, d, cl::DEVICE_GLOBAL_MEM_SIZE));
        dobj.Set("maxAllocBytes", (double)device_value<cl::cl_ulong>(api, d, cl::DEVICE_MAX_MEM_ALLOC_SIZE));
        dobj.Set("computeUnits", device_value<cl::cl_uint>(api, d, cl::DEVICE_MAX_COMPUTE_UNITS));
        ds.Set(ds.Length(), dobj);
      }
      po.Set("devices", ds);
      ps.Set(ps.Length(), po);
    }
    out.Set("platforms", ps);
    return out;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

// Runs work() on the libuv pool and settles a promise with done(env) or the exception's message.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> done)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)),
        done_(std::move(done)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      work_();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(done_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> done_;
};

struct TableArg {
  int arity, rf, rp;
  std::vector<uint8_t> bytes;
  uint64_t o_comp, o_mds, o_pre, o_sparse;
};

void run_1d(Session& s, cl::kernel k, size_t n) {
  const size_t global = n;  // the local size is left to the driver (docs/gpu.md#not-done)
  cl::check(s.api->EnqueueNDRangeKernel(s.q, k, 1, nullptr, &global, nullptr, 0, nullptr, nullptr),
            "clEnqueueNDRangeKernel");
}

template <class T>
void arg(Session& s, cl::kernel k, cl::cl_uint i, const T& v) {
  cl::check(s.api->SetKernelArg(k, i, sizeof(T), &v), "clSetKernelArg");
}

void open_session(Session& s, const std::string& lib, uint32_t pi, uint32_t di, const std::string& source,
                  const std::string& options, std::vector<TableArg>& tabs) {
  const auto& api = cl::load(lib);
  auto ps = platforms(api);
  if (pi >= ps.size()) throw std::runtime_error("no OpenCL platform " + std::to_string(pi) + " (" + std::to_string(ps.size()) + " found)");
  auto ds = devices(api, ps[pi]);
  if (di >= ds.size()) throw std::runtime_error("platform " + std::to_string(pi) + " has no device " + std::to_string(di) + " (" + std::to_string(ds.size()) + " found)");
  s.api = &api;
  s.device = ds[di];
  cl::cl_int err = 0;
  const intptr_t props[] = {cl::CONTEXT_PLATFORM, (intptr_t)ps[pi], 0};
  s.ctx = api.CreateContext(props, 1, &s.device, nullptr, nullptr, &err);
  cl::check(err, "clCreateContext");
  s.q = api.CreateCommandQueue(s.ctx, s.device, 0, &err);
  cl::check(err, "clCreateCommandQueue");
  const char* src = source.c_str();
  const size_t len = source.size();
  s.prog = api.CreateProgramWithSource(s.ctx, 1, &src, &len, &err);
  cl::check(err, "clCreateProgramWithSource");
  err = api.BuildProgram(s.prog, 1, &s.device, options.c_str(), nullptr, nullptr);
  if (err != 0) {
    size_t n = 0;
    api.GetProgramBuildInfo(s.prog, s.device, cl::PROGRAM_BUILD_LOG, 0, nullptr, &n);
    std::string log(n, '\0');
    api.GetProgramBuildInfo(s.prog, s.device, cl::PROGRAM_BUILD_LOG, n, log.data(), nullptr);
    throw std::runtime_error("building the Poseidon kernels failed (" + std::to_string(err) + "): " + log.substr(0, 2000));
  }
  s.to_mont = api.CreateKernel(s.prog, "to_mont", &err);
  cl::check(err, "clCreateKernel(to_mont)");
  s.snap = api.CreateKernel(s.prog, "snap_encode", &err);
  cl::check(err, "clCreateKernel(snap_encode)");
  for (auto& t : tabs) {
    Table tb{nullptr, t.rf, t.rp, t.o_comp, t.o_mds, t.o_pre, t.o_sparse};
    tb.buf = api.CreateBuffer(s.ctx, cl::MEM_READ_WRITE | cl::MEM_COPY_HOST_PTR, t.bytes.size(), t.bytes.data(), &err);
    cl::check(err, "clCreateBuffer(constants)");
    s.tables[t.arity] = tb;
    const std::string name = "merkle_hash_" + std::to_string(t.arity);
    s.hash[t.arity] = api.CreateKernel(s.prog, name.c_str(), &err);
    cl::check(err, ("clCreateKernel(" + name + ")").c_str());
    const uint64_t n = t.bytes.size() / 32;
    arg(s, s.to_mont, 0, tb.buf);
    arg(s, s.to_mont, 1, n);
    run_1d(s, s.to_mont, n);
  }
  cl::check(api.Finish(s.q), "clFinish");
}

Session& session_arg(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a GPU session from openDevice");
  Session* s = v.As<Napi::External<Session>>().Data();
  return *s;
}

Napi::Value OpenDevice(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  const std::string lib = library_arg(info[0]);
  const uint32_t pi = info[1].As<Napi::Number>().Uint32Value();
  const uint32_t di = info[2].As<Napi::Number>().Uint32Value();
  const std::string source = info[3].As<Napi::String>().Utf8Value();
  auto arr = info[4].As<Napi::Array>();
  const std::string options = info[5].IsString() ? info[5].As<Napi::String>().Utf8Value() : "";
  std::vector<TableArg> tabs;
  for (uint32_t i = 0; i < arr.Length(); i++) {
    auto o = arr.Get(i).As<Napi::Object>();
    auto b = o.Get("table").As<Napi::Uint8Array>();
    if (b.ByteLength() % 32 != 0) throw Napi::RangeError::New(env, "constant table length must be a multiple of 32");
    auto num = [&](const char* k) { return (uint64_t)o.Get(k).As<Napi::Number>().Int64Value(); };
    tabs.push_back({(int)num("arity"), (int)num("rf"), (int)num("rp"), std::vector<uint8_t>(b.Data(), b.Data() + b.ByteLength()),
                    num("oComp"), num("oMds"), num("oPre"), num("oSparse")});
  }
  auto s = std::make_shared<Session>();
  auto tabsp = std::make_shared<std::vector<TableArg>>(std::move(tabs));
  auto* w = new PromiseWorker(
      env, [=] { open_session(*s, lib, pi, di, source, options, *tabsp); },
      [s](Napi::Env e) -> Napi::Value {
        // The External owns a heap copy of the shared pointer; the finalizer drops it.
        auto* holder = new std::shared_ptr<Session>(s);
        return Napi::External<Session>::New(e, holder->get(), [holder](Napi::Env, Session*) { delete holder; });
      });
  auto p = w->promise();
  w->Queue();
  return p;
}

struct HashJob {
  std::vector<uint8_t> input;
  int arity = 8;
  uint64_t n = 0, group_stride = 0, elem_stride = 1;
  int levels = 0;
  std::vector<uint8_t> out;
};

cl::kernel set_hash_args(Session& s, cl::mem in, cl::mem out, uint64_t n, int arity, uint64_t gs, uint64_t es) {
  auto it = s.tables.find(arity);
  if (it == s.tables.end()) throw std::runtime_error("no Poseidon kernel loaded for arity " + std::to_string(arity));
  const Table& t = it->second;
  cl::kernel k = s.hash.at(arity);
  const uint64_t zero = 0;
  arg(s, k, 0, in);
  arg(s, k, 1, out);
  arg(s, k, 2, n);
  arg(s, k, 3, (int32_t)arity);
  arg(s, k, 4, zero);
  arg(s, k, 5, zero);
  arg(s, k, 6, gs);
  arg(s, k, 7, es);
  arg(s, k, 8, (int32_t)t.rf);
  arg(s, k, 9, (int32_t)t.rp);
  arg(s, k, 10, t.buf);
  arg(s, k, 11, t.o_comp);
  arg(s, k, 12, t.o_mds);
  arg(s, k, 13, t.o_pre);
  arg(s, k, 14, t.o_sparse);
  return k;
}

// One pass of n hashes of `arity` inputs (strided), then `levels` arity-8 passes over the result;
// the rows come back concatenated, bottom first.
void run_hash(Session& s, HashJob& j) {
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.api) throw std::runtime_error("the GPU session is closed");
  uint64_t total = 0;
  for (uint64_t w = j.n, l = 0; l <= (uint64_t)j.levels; l++, w /= 8) total += w;
  Buf in(s, cl::MEM_READ_ONLY, j.input.size());
  Buf out(s, cl::MEM_READ_WRITE, total * 32);
  cl::check(s.api->EnqueueWriteBuffer(s.q, in.m, 0, 0, j.input.size(), j.input.data(), 0, nullptr, nullptr),
            "clEnqueueWriteBuffer");
  run_1d(s, set_hash_args(s, in.m, out.m, j.n, j.arity, j.group_stride, j.elem_stride), j.n);
  // Level k reads row k−1 (at element `from`) and writes row k right after it, in the one buffer:
  // the regions are disjoint, and the in-order queue runs the passes one after another.
  uint64_t from = 0, w = j.n;
  for (int l = 0; l < j.levels; l++) {
    const uint64_t nw = w / 8;
    cl::kernel k = set_hash_args(s, out.m, out.m, nw, 8, 8, 1);
    arg(s, k, 4, from);
    const uint64_t to = from + w;
    arg(s, k, 5, to);
    run_1d(s, k, nw);
    from = to;
    w = nw;
  }
  j.out.resize(total * 32);
  cl::check(s.api->EnqueueReadBuffer(s.q, out.m, cl::TRUE_, 0, total * 32, j.out.data(), 0, nullptr, nullptr),
            "clEnqueueReadBuffer");
}

Napi::Value HashRows(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  Session& s = session_arg(info[0]);
  auto o = info[1].As<Napi::Object>();
  auto j = std::make_shared<HashJob>();
  auto b = o.Get("input").As<Napi::Uint8Array>();
  j->input.assign(b.Data(), b.Data() + b.ByteLength());
  j->arity = o.Get("arity").As<Napi::Number>().Int32Value();
  j->n = (uint64_t)o.Get("n").As<Napi::Number>().Int64Value();
  j->group_stride = (uint64_t)o.Get("groupStride").As<Napi::Number>().Int64Value();
  j->elem_stride = (uint64_t)o.Get("elemStride").As<Napi::Number>().Int64Value();
  j->levels = o.Get("levels").As<Napi::Number>().Int32Value();
  const uint64_t need = ((j->n - 1) * j->group_stride + (uint64_t)(j->arity - 1) * j->elem_stride + 1) * 32;
  if (j->n == 0 || j->input.size() < need)
    throw Napi::RangeError::New(env, "hashRows: input holds " + std::to_string(j->input.size()) + " bytes, the job reads " + std::to_string(need));
  uint64_t w = j->n;
  for (int l = 0; l < j->levels; l++, w /= 8)
    if (w % 8) throw Napi::RangeError::New(env, "hashRows: each level needs a multiple of 8 nodes");
  auto ref = Napi::Persistent(info[0].As<Napi::Object>());
  auto refp = std::make_shared<Napi::ObjectReference>(std::move(ref));  // keeps the session alive
  Session* sp = &s;
  auto* wk = new PromiseWorker(
      env, [sp, j] { run_hash(*sp, *j); },
      [j, refp](Napi::Env e) -> Napi::Value { return Napi::Buffer<uint8_t>::Copy(e, j->out.data(), j->out.size()); });
  auto p = wk->promise();
  wk->Queue();
  return p;
}

struct SnapJob {
  std::vector<uint8_t> key, data, rhos, out;
  uint64_t n = 0, first = 0;
  uint32_t bits_shr = 0;
};

void run_snap(Session& s, SnapJob& j) {
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.api) throw std::runtime_error("the GPU session is closed");
  Buf key(s, cl::MEM_READ_ONLY, j.n * 32), data(s, cl::MEM_READ_ONLY, j.n * 32), rhos(s, cl::MEM_READ_ONLY, j.rhos.size()),
      out(s, cl::MEM_WRITE_ONLY, j.n * 32);
  cl::check(s.api->EnqueueWriteBuffer(s.q, key.m, 0, 0, j.n * 32, j.key.data(), 0, nullptr, nullptr), "clEnqueueWriteBuffer");
  cl::check(s.api->EnqueueWriteBuffer(s.q, data.m, 0, 0, j.n * 32, j.data.data(), 0, nullptr, nullptr), "clEnqueueWriteBuffer");
  cl::check(s.api->EnqueueWriteBuffer(s.q, rhos.m, 0, 0, j.rhos.size(), j.rhos.data(), 0, nullptr, nullptr), "clEnqueueWriteBuffer");
  arg(s, s.snap, 0, key.m);
  arg(s, s.snap, 1, data.m);
  arg(s, s.snap, 2, rhos.m);
  arg(s, s.snap, 3, out.m);
  arg(s, s.snap, 4, j.n);
  arg(s, s.snap, 5, j.first);
  arg(s, s.snap, 6, j.bits_shr);
  run_1d(s, s.snap, j.n);
  j.out.resize(j.n * 32);
  cl::check(s.api->EnqueueReadBuffer(s.q, out.m, cl::TRUE_, 0, j.n * 32, j.out.data(), 0, nullptr, nullptr), "clEnqueueReadBuffer");
}

// snapEncode(session, { key, data, rhos, firstNode, bitsShr }) → Promise<Buffer>: key + data·rho per node.
Napi::Value SnapEncode(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  Session& s = session_arg(info[0]);
  auto o = info[1].As<Napi::Object>();
  auto j = std::make_shared<SnapJob>();
  auto bytes = [&](const char* k) {
    auto b = o.Get(k).As<Napi::Uint8Array>();
    return std::vector<uint8_t>(b.Data(), b.Data() + b.ByteLength());
  };
  j->key = bytes("key");
  j->data = bytes("data");
  j->rhos = bytes("rhos");
  j->first = (uint64_t)o.Get("firstNode").As<Napi::Number>().Int64Value();
  j->bits_shr = o.Get("bitsShr").As<Napi::Number>().Uint32Value();
  j->n = j->key.size() / 32;
  if (j->n == 0 || j->key.size() % 32 || j->data.size() != j->key.size())
    throw Napi::RangeError::New(env, "snapEncode: key and data must be the same whole number of 32-byte nodes");
  if (((j->first + j->n - 1) >> j->bits_shr) >= j->rhos.size() / 32)
    throw Napi::RangeError::New(env, "snapEncode: the rho table does not cover the nodes");
  auto refp = std::make_shared<Napi::ObjectReference>(Napi::Persistent(info[0].As<Napi::Object>()));
  Session* sp = &s;
  auto* wk = new PromiseWorker(
      env, [sp, j] { run_snap(*sp, *j); },
      [j, refp](Napi::Env e) -> Napi::Value { return Napi::Buffer<uint8_t>::Copy(e, j->out.data(), j->out.size()); });
  auto p = wk->promise();
  wk->Queue();
  return p;
}

Napi::Value CloseDevice(const Napi::CallbackInfo& info) {
  Session& s = session_arg(info[0]);
  std::lock_guard<std::mutex> lock(s.mu);
  s.release();
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("openDevice", Napi::Function::New(env, OpenDevice));
  exports.Set("hashRows", Napi::Function::New(env, HashRows));
  exports.Set("snapEncode", Napi::Function::New(env, SnapEncode));
  exports.Set("closeDevice", Napi::Function::New(env, CloseDevice));
  return exports;
}

}  // namespace

NODE_API_MODULE(gpu, Init)
