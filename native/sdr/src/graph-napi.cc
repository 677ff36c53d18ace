// N-API surface of the graph kernels: graphParents (sync, small ranges), writeParentsCache (async,
// whole file), and the primitives blake2b512 / chacha8Block / feistelPermute for tests.
#include <napi.h>

#include <algorithm>
#include <cstring>

#include "blake2b.h"
#include "chacha8.h"
#include "feistel.h"
#include "graph.h"
#include "napi-job.h"
#include "registry.h"

namespace {

using namespace sdr::napi;

constexpr std::initializer_list<const char*> kKernelNames = {"portable", "scalar", "avx2", "avx512"};

sdr::GraphParams graph_params(const Napi::Value& v) {
  const Options o(v, "params");
  sdr::GraphParams g{};
  // Parents are u32 and the reference graphs stop at 2^31 nodes (64GiB).
  g.nodes = o.u64("nodes");
  if (g.nodes < 2 || g.nodes > (uint64_t{1} << 31)) throw_range(v.Env(), o.field("nodes") + " must be between 2 and 2^31");
  std::memcpy(g.drg_seed, o.bytes("drgSeed", 28).Data(), 28);
  Napi::Array keys = array(o.get("feistelKeys"), o.field("feistelKeys"), 3);
  for (uint32_t i = 0; i < 3; i++) g.feistel_keys[i] = u64(keys.Get(i), o.field("feistelKeys") + "[" + std::to_string(i) + "]");
  g.legacy = o.boolean("legacy");
  return g;
}

sdr::FeistelKernel kernel_arg(const Napi::Value& v) {
  if (absent(v)) return sdr::feistel_best_kernel();
  const auto k = static_cast<sdr::FeistelKernel>(choice(v, "kernel", kKernelNames));
  if (!sdr::feistel_kernel_supported(k))
    throw_type(v.Env(), "graph kernel '" + v.As<Napi::String>().Utf8Value() +
                            "' is not supported by this CPU (or disabled by SDR_DISABLE_*)");
  return k;
}

// graphKernels() → { best: string, supported: string[] }
Napi::Value GraphKernels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* const* names = kKernelNames.begin();
  Napi::Array supported = Napi::Array::New(env);
  for (int i = 0; i < int(kKernelNames.size()); i++)
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
  auto m0 = typed<uint64_t>(info[0], "m0", napi_biguint64_array, "a BigUint64Array");
  uint64_t m1 = u64(info[1], "m1");
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
  uint64_t start = u64(info[1], "start");
  uint64_t count = u64(info[2], "count");
  if (start > g.nodes || count > g.nodes - start)
    throw_range(env, "node range [start, start + count) must lie inside [0, nodes)");
  // Synchronous on the JS thread: keep it to test-sized ranges; whole graphs go through writeParentsCache.
  if (count > (uint64_t{1} << 20)) throw_range(env, "graphParents is limited to 2^20 nodes per call");
  Napi::Uint32Array out = Napi::Uint32Array::New(env, count * sdr::kTotalParents);
  sdr::graph_parents_with(g, kernel_arg(info[3]), start, count, out.Data());
  return out;
}

// writeParentsCache({params, path, threads? = 0 (all cores), first? = 0, count? = nodes − first},
//                   onProgress?, cancelFlag?) → Promise<void>
// `path` is written as an io::PartialFile holding the records of nodes [first, first + count) (the
// whole cache by default); progress: {stage: 'parents-cache', done, total} in nodes of that range.
Napi::Value WriteParentsCache(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    const sdr::GraphParams g = graph_params(o.get("params"));
    const std::string path = o.path("path");
    const unsigned threads = unsigned(o.opt_u64("threads", 0, 1024).value_or(0));
    const uint64_t first = o.opt_u64("first", 0, g.nodes - 1).value_or(0);
    const uint64_t count = o.opt_u64("count", 1, g.nodes - first).value_or(g.nodes - first);
    return JobSpec<Count>{
        "sdr.writeParentsCache",
        [g, path, threads, first, count](const sdr::CancelFlag& cancel, Reporter<Count>& r) {
          if (!sdr::write_parents_window(g, first, count, path, threads, cancel, [&](uint64_t n) { r.update({n, count}); }))
            throw sdr::Cancelled();
        },
        [](Napi::Object& p, const Count& c) { describe_count(p, "parents-cache", c); },
        nullptr};
  });
}

Napi::Value Blake2b512(const Napi::CallbackInfo& info) {
  Napi::Uint8Array in = bytes(info[0], "data");
  Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), 64);
  sdr::blake2b512(in.Data(), in.ByteLength(), out.Data());
  return out;
}

// chacha8Block(key: Uint8Array(32), counter: bigint) → Uint32Array(16)
Napi::Value ChaCha8Block(const Napi::CallbackInfo& info) {
  Napi::Uint8Array key = bytes(info[0], "key", 32);
  uint32_t words[8];
  for (int i = 0; i < 8; i++) {
    const uint8_t* p = key.Data() + 4 * i;
    words[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  Napi::Uint32Array out = Napi::Uint32Array::New(info.Env(), 16);
  sdr::chacha8_block(words, u64(info[1], "counter"), out.Data());
  return out;
}

// feistelPermute(numElements, [k0, k1, k2], x) → bigint
Napi::Value FeistelPermute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t n = u64(info[0], "numElements", 1, uint64_t{1} << 62);
  Napi::Array k = array(info[1], "keys", 3, 3);
  uint64_t keys[3];
  for (uint32_t i = 0; i < 3; i++) keys[i] = u64(k.Get(i), "keys[" + std::to_string(i) + "]");
  const uint64_t x = u64(info[2], "x");
  if (x >= n) throw_range(env, "x must be below numElements");
  return Napi::BigInt::New(env, sdr::feistel_permute(sdr::feistel_domain(n), keys, x));
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitGraph,
                       {"graphParents", GraphParents},
                       {"writeParentsCache", WriteParentsCache},
                       {"graphKernels", GraphKernels},
                       {"blake2bFeistelWords", Blake2bFeistelWords},
                       {"blake2b512", Blake2b512},
                       {"chacha8Block", ChaCha8Block},
                       {"feistelPermute", FeistelPermute});
