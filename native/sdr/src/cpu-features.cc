#include "cpu-features.h"
#include "registry.h"
#include <cstdlib>
#include <cstring>
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace sdr {
static bool disabled(const char* name) {
  const char* v = std::getenv(name);
  return v && std::strcmp(v, "0") != 0 && v[0] != '\0';
}

static CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  f.sha_ni = __builtin_cpu_supports("sha");
  f.avx2 = __builtin_cpu_supports("avx2");
  f.bmi2 = __builtin_cpu_supports("bmi2");
  f.adx = __builtin_cpu_supports("adx");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512ifma = __builtin_cpu_supports("avx512ifma");
#elif defined(__aarch64__) && defined(__linux__)
  unsigned long hw = getauxval(AT_HWCAP);
  f.arm_sha2 = (hw & (1UL << 6)) != 0;  // HWCAP_SHA2
#endif
  if (disabled("SDR_DISABLE_SHA_NI")) f.sha_ni = f.arm_sha2 = false;
  if (disabled("SDR_DISABLE_ADX")) f.adx = f.bmi2 = false;
  if (disabled("SDR_DISABLE_AVX512")) f.avx512f = f.avx512ifma = false;
  if (disabled("SDR_DISABLE_IFMA")) f.avx512ifma = false;  // IFMA only: the scalar Poseidon path
  if (disabled("SDR_DISABLE_AVX2")) f.avx2 = false;
  return f;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

static void init_cpu_features(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuFeatures", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    const auto& f = cpu_features();
    auto o = Napi::Object::New(info.Env());
    o.Set("shaNi", f.sha_ni || f.arm_sha2);
    o.Set("avx2", f.avx2);
    o.Set("adx", f.adx && f.bmi2);
    o.Set("avx512f", f.avx512f);
    o.Set("avx512ifma", f.avx512ifma);
    return o;
  }));
}
SDR_REGISTER_MODULE(init_cpu_features);
}  // namespace sdr
