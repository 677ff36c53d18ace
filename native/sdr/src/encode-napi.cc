// N-API surface of replica encoding and decoding: encodeReplica, decodeRange (napi-job.h).
#include <napi.h>

#include "encode.h"
#include "napi-job.h"
#include "registry.h"

namespace sdr::napi {
namespace {

JobSpec<Count> range_job(const char* name, const char* stage, const encode::RangeJob& job, int threads, bool encode) {
  return JobSpec<Count>{name,
                        [job, threads, encode](const CancelFlag& cancel, Reporter<Count>& r) {
                          tree::Control control;
                          control.cancel = cancel;
                          control.threads = threads;
                          control.progress = [&r](uint64_t done, uint64_t total) { r.update({done, total}); };
                          if (encode) encode::encode_range(job, control);
                          else encode::decode_range(job, control);
                        },
                        [stage](Napi::Object& p, const Count& c) { describe_count(p, stage, c); }, nullptr};
}

// encodeReplica({keyPath, dataPath: string | null, outPath, firstNode, nodes, outSize?, threads?},
//               onProgress?, cancelFlag?) → Promise<void>
// replica = key + data mod r over [firstNode, firstNode + nodes), node v at byte 32·v of outPath
// (written in place, fsynced before the promise resolves); dataPath null = CC (all-zero data).
Napi::Value EncodeReplica(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    encode::RangeJob job;
    job.key_path = o.path("keyPath");
    job.input_path = o.opt_path("dataPath");
    job.out_path = o.path("outPath");
    job.first_node = o.u64("firstNode");
    job.nodes = o.u64("nodes");
    job.out_size = o.opt_u64("outSize").value_or(0);
    return range_job("sdr.encodeReplica", "encode", job, int(o.opt_u64("threads", 0, 1024).value_or(0)), true);
  });
}

// decodeRange({keyPath, replicaPath, outPath, firstNode, nodes, outByteOffset?, threads?},
//             onProgress?, cancelFlag?) → Promise<void>
// data = replica − key mod r over [firstNode, firstNode + nodes), written at outByteOffset of outPath.
Napi::Value DecodeRange(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    encode::RangeJob job;
    job.key_path = o.path("keyPath");
    job.input_path = o.path("replicaPath");
    job.out_path = o.path("outPath");
    job.first_node = o.u64("firstNode");
    job.nodes = o.u64("nodes");
    job.out_byte_offset = o.opt_u64("outByteOffset").value_or(0);
    return range_job("sdr.decodeRange", "decode", job, int(o.opt_u64("threads", 0, 1024).value_or(0)), false);
  });
}

void InitEncode(Napi::Env env, Napi::Object exports) {
  exports.Set("encodeReplica", Napi::Function::New(env, EncodeReplica, "encodeReplica"));
  exports.Set("decodeRange", Napi::Function::New(env, DecodeRange, "decodeRange"));
}

}  // namespace

SDR_REGISTER_MODULE(InitEncode);
}  // namespace sdr::napi
