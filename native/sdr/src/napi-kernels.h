// Kernel-choice arguments shared by several exports.
#pragma once
#include <napi.h>

#include "napi-args.h"
#include "sha256.h"

namespace sdr::napi {

// kernel?: 'fast' (default: SHA-NI when present) | 'portable' (the plain twin)
inline sha256::Kernel sha256_kernel(const Napi::Value& v) {
  return choice(v, "kernel", {"fast", "portable"}, 0) == 0 ? sha256::Kernel::Fast : sha256::Kernel::Portable;
}

}  // namespace sdr::napi
