// Self-registration of N-API modules: each kernel file adds its exports with
// SDR_REGISTER_MODULE(fn) so that addon.cc never needs editing when a kernel is added.
#pragma once
#include <napi.h>
#include <vector>

namespace sdr {
using ModuleInit = void (*)(Napi::Env env, Napi::Object exports);
std::vector<ModuleInit>& registered_modules();
struct ModuleRegistrar {
  explicit ModuleRegistrar(ModuleInit init) { registered_modules().push_back(init); }
};
}  // namespace sdr

#define SDR_REGISTER_MODULE(fn) static ::sdr::ModuleRegistrar sdr_registrar_##fn(fn)
