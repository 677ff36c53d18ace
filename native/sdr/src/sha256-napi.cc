// N-API surface of the SHA-256 compression kernels (sync, for tests and benchmarks).
#include <napi.h>

#include <vector>

#include "napi-args.h"
#include "napi-kernels.h"
#include "registry.h"
#include "sha256.h"

namespace {

using namespace sdr::napi;

// sha256Compress(state: Uint32Array(8), blocks: Uint8Array(64·n), kernel?) — advances state in place.
Napi::Value Sha256Compress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto state = typed<uint32_t>(info[0], "state", napi_uint32_array, "a Uint32Array", 8);
  Napi::Uint8Array blocks = bytes(info[1], "blocks");
  if (blocks.ByteLength() % 64) throw_range(env, "blocks must be a whole number of 64-byte blocks");
  auto h = sdr::sha256::impl(sha256_kernel(info[2]));
  h.compress(state.Data(), blocks.Data(), blocks.ByteLength() / 64);
  return env.Undefined();
}

// sha256CompressLanes(states: Uint32Array(8·k), blocks: Uint8Array(k·64·n) lane-major, lanes: k, kernel?)
Napi::Value Sha256CompressLanes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint64_t lanes = u64(info[2], "lanes", 1, 64);
  auto st = typed<uint32_t>(info[0], "states", napi_uint32_array, "a Uint32Array", 8 * lanes);
  Napi::Uint8Array blocks = bytes(info[1], "blocks");
  if (blocks.ByteLength() % (64 * lanes)) throw_range(env, "blocks must hold the same whole number of blocks per lane");
  const size_t nblocks = blocks.ByteLength() / (64 * lanes);
  std::vector<uint32_t*> s(lanes);
  std::vector<const uint8_t*> b(lanes);
  for (size_t i = 0; i < lanes; i++) {
    s[i] = st.Data() + 8 * i;
    b[i] = blocks.Data() + 64 * nblocks * i;
  }
  sdr::sha256::impl(sha256_kernel(info[3])).compress_lanes(s.data(), b.data(), lanes, nblocks);
  return env.Undefined();
}

Napi::Value Sha256Kernel(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), sdr::sha256::impl(sdr::sha256::Kernel::Fast).name);
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitSha256,
                       {"sha256Compress", Sha256Compress},
                       {"sha256CompressLanes", Sha256CompressLanes},
                       {"sha256Kernel", Sha256Kernel});
