// Self-registration of N-API modules: each kernel file adds its exports with
// SDR_REGISTER_MODULE(fn), or SDR_REGISTER_FUNCTIONS for a plain list of functions, so that
// addon.cc never needs editing when a kernel is added.
#pragma once
#include <napi.h>

#include <initializer_list>
#include <vector>

namespace sdr {
using ModuleInit = void (*)(Napi::Env env, Napi::Object exports);
std::vector<ModuleInit>& registered_modules();
struct ModuleRegistrar {
  explicit ModuleRegistrar(ModuleInit init) { registered_modules().push_back(init); }
};

// One exported function: its JavaScript name and its callback.
struct Export {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};
inline void set_functions(Napi::Env env, Napi::Object exports, std::initializer_list<Export> functions) {
  for (const Export& f : functions) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}
}  // namespace sdr

#define SDR_REGISTER_MODULE(fn) static ::sdr::ModuleRegistrar sdr_registrar_##fn(fn)

// SDR_REGISTER_FUNCTIONS(InitX, {"name", Fn}, …) defines InitX exporting the functions and registers it.
#define SDR_REGISTER_FUNCTIONS(id, ...)                                                                       \
  static void id(Napi::Env env, Napi::Object exports) { ::sdr::set_functions(env, exports, {__VA_ARGS__}); } \
  SDR_REGISTER_MODULE(id)
