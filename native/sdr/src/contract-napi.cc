// Facts of the native file contract that TypeScript reads from the addon instead of repeating.
#include <napi.h>

#include "file-io.h"
#include "registry.h"

namespace {

void InitContract(Napi::Env env, Napi::Object exports) {
  // A file the kernels create whole is written at `<path>` + partialSuffix first (file-io.h).
  exports.Set("partialSuffix", Napi::String::New(env, sdr::io::kPartialSuffix));
}

}  // namespace

SDR_REGISTER_MODULE(InitContract);
