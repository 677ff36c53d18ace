#include "registry.h"

namespace sdr {
std::vector<ModuleInit>& registered_modules() {
  static std::vector<ModuleInit> modules;  // function-local: safe against static-init order
  return modules;
}
}  // namespace sdr

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (auto init : sdr::registered_modules()) init(env, exports);
  return exports;
}

NODE_API_MODULE(sdr, Init)
