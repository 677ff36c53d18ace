// N-API surface of the SnapDeals replica update (snap.h, docs/snap.md#encoding): snapEncode,
// snapDecode, both async jobs (napi-job.h) with progress {stage, done, total} in nodes.
#include <napi.h>

#include "fr.h"
#include "napi-job.h"
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

}  // namespace

SDR_REGISTER_FUNCTIONS(InitSnap, {"snapEncode", SnapEncode}, {"snapDecode", SnapDecode});
}  // namespace sdr::napi
