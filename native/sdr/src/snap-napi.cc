// N-API surface of the SnapDeals replica update (snap.h, docs/snap.md#encoding): snapEncode,
// snapDecode, both async jobs (napi-job.h) with progress {stage, done, total} in nodes.
#include <napi.h>

#include <cstring>
#include <vector>

#include "failure.h"
#include "fr.h"
#include "napi-errors.h"
#include "napi-job.h"
#include "poseidon.h"
#include "registry.h"
#include "snap.h"

namespace sdr::napi {
namespace {

// kernel?: 'auto' (default: ADX/MULX when usable) | 'portable' (the plain twin) | 'adx'
snap::MulKernel mul_kernel(const Options& o) {
  const int k = o.choice("kernel", {"auto", "portable", "adx"}, 0);
  if (k == 1) return snap::MulKernel::Portable;
  if (k == 2 && !fr::adx_usable()) throw std::invalid_argument("the adx kernel is not available on this CPU (or disabled by SDR_DISABLE_ADX)");
  return fr::adx_usable() ? snap::MulKernel::Adx : snap::MulKernel::Portable;
}

snap::Job job_options(const Options& o, const char* input_key, bool input_optional, const char* factors_key) {
  snap::Job job;
  job.key_path = o.path("keyPath");
  job.input_path = input_optional ? o.opt_path(input_key) : o.path(input_key);
  job.out_path = o.path("outPath");
  const Napi::Uint8Array f = o.bytes(factors_key);
  job.factors.assign(f.Data(), f.Data() + f.ByteLength());
  job.bits_shr = unsigned(o.u64("bitsShr", 0, 63));
  job.first_node = o.opt_u64("firstNode").value_or(0);
  job.nodes = o.u64("nodes", 1);
  job.kernel = mul_kernel(o);
  return job;
}

JobSpec<Count> spec(const char* name, const char* stage, const Options& o, snap::Job job, bool encode) {
  const int threads = int(o.opt_u64("threads", 0, 1024).value_or(0));
  return JobSpec<Count>{name,
                        [job = std::move(job), threads, encode](const CancelFlag& cancel, Reporter<Count>& r) {
                          tree::Control control;
                          control.cancel = cancel;
                          control.threads = threads;
                          control.progress = [&r](uint64_t done, uint64_t total) { r.update({done, total}); };
                          if (encode) snap::encode(job, control);
                          else snap::decode(job, control);
                        },
                        [stage](Napi::Object& p, const Count& c) { describe_count(p, stage, c); }, nullptr};
}

// snapEncode({keyPath, dataPath: string | null, outPath, rhos, bitsShr, nodes, threads?, kernel?},
//            onProgress?, cancelFlag?) → Promise<void>
// The whole new replica, written at outPath.partial and renamed when complete.
Napi::Value SnapEncode(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    return spec("sdr.snapEncode", "snap-encode", o, job_options(o, "dataPath", true, "rhos"), true);
  });
}

// snapDecode({keyPath, replicaPath, outPath, rhoInvs, bitsShr, firstNode, nodes, outByteOffset?,
//             checkFr32?, threads?, kernel?}, onProgress?, cancelFlag?) → Promise<void>
Napi::Value SnapDecode(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    snap::Job job = job_options(o, "replicaPath", false, "rhoInvs");
    job.out_byte_offset = o.opt_u64("outByteOffset").value_or(0);
    job.check_fr32 = !absent(o.get("checkFr32")) && o.boolean("checkFr32");
    return spec("sdr.snapDecode", "snap-decode", o, std::move(job), false);
  });
}

// snapRhos(phi: Uint8Array(32), groups, inverse?) → Uint8Array(groups·32)
// rho(high) = Poseidon-2 over [tag, phi, high] with neptune's custom domain tag 1·2^40 (output
// element 1) for high = 0..groups−1, or their inverses (docs/snap.md#phi-and-rho). One call instead
// of one per group: the table has up to 2^12 entries.
Napi::Value SnapRhos(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  fr::Fr phi;
  if (!fr::from_bytes(phi, bytes(info[0], "phi", 32).Data())) throw_range(env, "phi is not a canonical field element");
  const uint64_t groups = u64(info[1], "groups", 1, uint64_t(1) << 20);
  const bool inverse = !absent(info[2]) && info[2].ToBoolean();
  return guarded(env, [&] {
    const auto& c = poseidon::constants(2, false);
    uint8_t tag_bytes[32] = {0};
    tag_bytes[5] = 1;  // 2^40
    fr::Fr tag;
    fr::from_bytes(tag, tag_bytes);
    std::vector<fr::Fr> rho(groups);
    for (uint64_t g = 0; g < groups; g++) {
      uint8_t high[32] = {0};
      for (int b = 0; b < 8; b++) high[b] = uint8_t(g >> (8 * b));
      fr::Fr st[3];
      st[0] = tag;
      st[1] = phi;
      fr::from_bytes(st[2], high);
      poseidon::permute(c, st, poseidon::Form::Optimized);
      rho[g] = st[1];
    }
    if (inverse) {
      // Batch inversion (one field inversion, three multiplies per value); rho = 0 cannot occur
      // for a hash output in practice, and would make the table unusable, so it is refused.
      std::vector<fr::Fr> prefix(groups);
      fr::Fr acc = rho[0];
      for (uint64_t g = 0; g < groups; g++) {
        if (fr::is_zero(rho[g])) throw CorruptData("rho(" + std::to_string(g) + ") is zero: no inverse");
        if (g) fr::MulPortable::mul(acc, acc, rho[g]);
        prefix[g] = acc;
      }
      fr::Fr inv = fr::inverse(acc);
      for (uint64_t g = groups; g-- > 0;) {
        fr::Fr r;
        if (g) fr::MulPortable::mul(r, inv, prefix[g - 1]);
        else r = inv;
        fr::MulPortable::mul(inv, inv, rho[g]);
        rho[g] = r;
      }
    }
    std::vector<uint8_t> out(groups * 32);
    for (uint64_t g = 0; g < groups; g++) fr::to_bytes(&out[32 * g], rho[g]);
    auto arr = Napi::Uint8Array::New(env, out.size());
    std::memcpy(arr.Data(), out.data(), out.size());
    return arr;
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitSnap, {"snapEncode", SnapEncode}, {"snapDecode", SnapDecode}, {"snapRhos", SnapRhos});
}  // namespace sdr::napi
