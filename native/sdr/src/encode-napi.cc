// N-API surface of replica encoding and decoding: encodeReplica, decodeRange (napi-job.h).
#include <napi.h>

#include "encode.h"
#include "napi-job.h"
#include "registry.h"

namespace sdr::napi {
namespace {

// The options both directions share; `input_key` names the file read beside the key.
encode::RangeJob range_options(const Options& o, const char* input_key, bool input_optional) {
  encode::RangeJob job;
  job.key_path = o.path("keyPath");
  job.input_path = input_optional ? o.opt_path(input_key) : o.path(input_key);
  job.out_path = o.path("outPath");
  job.first_node = o.u64("firstNode");
  job.nodes = o.u64("nodes");
  return job;
}

JobSpec<Count> range_job(const char* name, const char* stage, const Options& o, const encode::RangeJob& job, bool encode) {
  const int threads = int(o.opt_u64("threads", 0, 1024).value_or(0));
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
    encode::RangeJob job = range_options(o, "dataPath", true);
    job.out_size = o.opt_u64("outSize").value_or(0);
    return range_job("sdr.encodeReplica", "encode", o, job, true);
  });
}

// decodeRange({keyPath, replicaPath, outPath, firstNode, nodes, outByteOffset?, threads?},
//             onProgress?, cancelFlag?) → Promise<void>
// data = replica − key mod r over [firstNode, firstNode + nodes), written at outByteOffset of outPath.
Napi::Value DecodeRange(const Napi::CallbackInfo& info) {
  return start_job<Count>(info, [](const Options& o) {
    encode::RangeJob job = range_options(o, "replicaPath", false);
    job.out_byte_offset = o.opt_u64("outByteOffset").value_or(0);
    return range_job("sdr.decodeRange", "decode", o, job, false);
  });
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitEncode, {"encodeReplica", EncodeReplica}, {"decodeRange", DecodeRange});
}  // namespace sdr::napi
