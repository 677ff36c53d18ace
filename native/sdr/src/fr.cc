#include "fr.h"

#include <cstring>

#include "cpu-features.h"

namespace sdr::fr {

bool adx_usable() {
#if defined(__x86_64__)
  const auto& f = cpu_features();
  return f.adx && f.bmi2;
#else
  return false;
#endif
}

bool canonical_lt_p(const uint64_t x[4]) {
  for (int i = 3; i >= 0; i--) {
    if (x[i] < kP[i]) return true;
    if (x[i] > kP[i]) return false;
  }
  return false;  // equal to p
}

static inline void load_le(uint64_t x[4], const uint8_t in[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = (v << 8) | in[8 * i + k];
    x[i] = v;
  }
}

Fr from_canonical(const uint64_t limbs[4]) {
  Fr a, r2, out;
  std::memcpy(a.l, limbs, 32);
  std::memcpy(r2.l, kR2, 32);
  MulPortable::mul(out, a, r2);
  return out;
}

void to_canonical(uint64_t limbs[4], const Fr& a) {
  Fr one = {{1, 0, 0, 0}}, out;
  MulPortable::mul(out, a, one);
  std::memcpy(limbs, out.l, 32);
}

bool from_bytes(Fr& out, const uint8_t in[32]) {
  uint64_t x[4];
  load_le(x, in);
  if (!canonical_lt_p(x)) return false;
  out = from_canonical(x);
  return true;
}

void from_bytes_unchecked(Fr& out, const uint8_t in[32]) {
  uint64_t x[4];
  load_le(x, in);
  out = from_canonical(x);
}

void to_bytes(uint8_t out[32], const Fr& a) {
  uint64_t x[4];
  to_canonical(x, a);
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 8; k++) out[8 * i + k] = (uint8_t)(x[i] >> (8 * k));
}

Fr from_u64(uint64_t v) {
  const uint64_t x[4] = {v, 0, 0, 0};
  return from_canonical(x);
}

Fr mul(const Fr& a, const Fr& b) {
  Fr r;
#if defined(__x86_64__)
  if (adx_usable()) {
    MulAdx::mul(r, a, b);
    return r;
  }
#endif
  MulPortable::mul(r, a, b);
  return r;
}

Fr inverse(const Fr& a) {
  // p − 2, square-and-multiply from the top bit; only used while generating constants
  uint64_t e[4] = {kP[0] - 2, kP[1], kP[2], kP[3]};
  Fr r = kOne;
  for (int i = 3; i >= 0; i--) {
    for (int b = 63; b >= 0; b--) {
      MulPortable::mul(r, r, r);
      if ((e[i] >> b) & 1) MulPortable::mul(r, r, a);
    }
  }
  return r;
}

}  // namespace sdr::fr
