#pragma once

namespace sdr {
struct CpuFeatures {
  bool sha_ni = false;
  bool avx2 = false;
  bool adx = false;
  bool bmi2 = false;
  bool avx512f = false;
  bool avx512ifma = false;
  bool arm_sha2 = false;
};
// Detected once at load; SDR_DISABLE_<FEATURE>=1 in the environment forces the portable path
// (used by tests that hold fast kernels against their plain twins).
const CpuFeatures& cpu_features();
}  // namespace sdr
