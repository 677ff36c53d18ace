#include "poseidon.h"

#include "poseidon-ifma.h"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace sdr::poseidon {

using fr::add;
using fr::pow5;

namespace {

constexpr int kMaxT = 37;
constexpr bool kIfmaDefault = true;

// state' = state · m (row vector times a row-major t×t matrix, docs/poseidon.md#permutation step 3)
template <class M>
inline void mix(Fr* s, const Fr* m, int t) {
  Fr out[kMaxT];
  for (int j = 0; j < t; j++) {
    Fr acc, p;
    M::mul(acc, s[0], m[j]);
    for (int i = 1; i < t; i++) {
      M::mul(p, s[i], m[i * t + j]);
      add(acc, acc, p);
    }
    out[j] = acc;
  }
  for (int j = 0; j < t; j++) s[j] = out[j];
}

// Σ_k a[k]·b[k·bstride] over t terms, unrolled for the widths sealing uses (arity 2, 4, 8, 11).
inline void dot(fr::Wide& w, const Fr* a, const Fr* b, size_t bstride, int t) {
  switch (t) {
    case 5: return fr::wide_dot<5>(w, a, b, bstride);
    case 9: return fr::wide_dot<9>(w, a, b, bstride);
    case 12: return fr::wide_dot<12>(w, a, b, bstride);
    default: return fr::wide_dot<0>(w, a, b, bstride, t);
  }
}

// Same product as mix(), with one Montgomery reduction per output instead of one per term.
inline void mix_lazy(Fr* s, const Fr* m, int t) {
  Fr out[kMaxT];
  for (int j = 0; j < t; j++) {
    fr::Wide w;
    dot(w, s, m + j, (size_t)t, t);
    fr::wide_reduce(out[j], w);
  }
  for (int j = 0; j < t; j++) s[j] = out[j];
}

// Lazy reduction pays off once a row has ≥ 5 terms; for width 3 the per-term reductions are cheaper
// than the wide reduction's fixed cost (measured: arity 2 slower, arities 8 and 11 faster).
constexpr int kLazyMinWidth = 5;
template <class M>
inline void mix_opt(Fr* s, const Fr* m, int t) {
  if (t >= kLazyMinWidth) mix_lazy(s, m, t);
  else mix<M>(s, m, t);
}

// neptune HashMode::Correct
template <class M>
void permute_plain(const Constants& c, Fr* s) {
  const int t = c.t, hf = c.rf / 2, rounds = c.rf + c.rp;
  for (int r = 0; r < rounds; r++) {
    const Fr* rc = &c.rc[(size_t)r * t];
    for (int i = 0; i < t; i++) add(s[i], s[i], rc[i]);
    if (r < hf || r >= hf + c.rp) {
      for (int i = 0; i < t; i++) pow5<M>(s[i]);
    } else {
      pow5<M>(s[0]);
    }
    mix<M>(s, c.mds.data(), t);
  }
}

// neptune HashMode::OptimizedStatic (docs/poseidon.md#optimized-form "Optimized round")
template <class M>
void permute_optimized(const Constants& c, Fr* s) {
  const int t = c.t, hf = c.rf / 2;
  const Fr* k = c.compressed.data();
  for (int i = 0; i < t; i++) add(s[i], s[i], k[i]);
  k += t;
  for (int r = 0; r < hf; r++) {
    for (int i = 0; i < t; i++) pow5<M>(s[i]);
    for (int i = 0; i < t; i++) add(s[i], s[i], k[i]);
    k += t;
    mix_opt<M>(s, r == hf - 1 ? c.pre_sparse.data() : c.mds.data(), t);
  }
  const Fr* sp = c.sparse.data();
  for (int r = 0; r < c.rp; r++) {
    pow5<M>(s[0]);
    add(s[0], s[0], k[r]);
    // [m00, ŵ, v]: new0 = m00·s0 + Σ ŵ_{k−1}·s_k; new_j = s_j + v_{j−1}·s0
    Fr s0 = s[0], acc, p;
    if (t >= kLazyMinWidth) {
      fr::Wide w;
      dot(w, s, sp, 1, t);
      fr::wide_reduce(acc, w);
    } else {
      M::mul(acc, s0, sp[0]);
      for (int i = 1; i < t; i++) {
        M::mul(p, s[i], sp[i]);
        add(acc, acc, p);
      }
    }
    for (int j = 1; j < t; j++) {
      M::mul(p, s0, sp[t - 1 + j]);
      add(s[j], s[j], p);
    }
    s[0] = acc;
    sp += 2 * t - 1;
  }
  k += c.rp;
  for (int r = 0; r < hf - 1; r++) {
    for (int i = 0; i < t; i++) pow5<M>(s[i]);
    for (int i = 0; i < t; i++) add(s[i], s[i], k[i]);
    k += t;
    mix_opt<M>(s, c.mds.data(), t);
  }
  for (int i = 0; i < t; i++) pow5<M>(s[i]);
  mix_opt<M>(s, c.mds.data(), t);
}

// L independent hashes in lockstep (docs/poseidon.md#interleaved-hashes): every step of the
// optimized permutation runs for each lane before the next step starts, so the out-of-order core
// overlaps the lanes' multiply chains. Within one hash the partial rounds are one serial chain
// (x^5 of s0, then the sparse row that feeds the next x^5); L chains side by side hide that latency.
// Same arithmetic, same order per lane as permute_optimized: the output is identical.
template <class M, int L>
inline void pow5_lanes(Fr (*s)[kMaxT], int i) {
  Fr x2[L], x4[L];
  for (int l = 0; l < L; l++) M::mul(x2[l], s[l][i], s[l][i]);
  for (int l = 0; l < L; l++) M::mul(x4[l], x2[l], x2[l]);
  for (int l = 0; l < L; l++) M::mul(s[l][i], x4[l], s[l][i]);
}

template <class M, int L>
void permute_optimized_lanes(const Constants& c, Fr (*s)[kMaxT]) {
  const int t = c.t, hf = c.rf / 2;
  const Fr* k = c.compressed.data();
  for (int l = 0; l < L; l++)
    for (int i = 0; i < t; i++) add(s[l][i], s[l][i], k[i]);
  k += t;
  auto full_round = [&](const Fr* m, bool add_constants) {
    for (int i = 0; i < t; i++) pow5_lanes<M, L>(s, i);
    if (add_constants) {
      for (int l = 0; l < L; l++)
        for (int i = 0; i < t; i++) add(s[l][i], s[l][i], k[i]);
      k += t;
    }
    for (int l = 0; l < L; l++) mix_opt<M>(s[l], m, t);
  };
  for (int r = 0; r < hf; r++) full_round(r == hf - 1 ? c.pre_sparse.data() : c.mds.data(), true);
  const Fr* sp = c.sparse.data();
  for (int r = 0; r < c.rp; r++) {
    pow5_lanes<M, L>(s, 0);
    for (int l = 0; l < L; l++) add(s[l][0], s[l][0], k[r]);
    Fr acc[L], p;
    if (t >= kLazyMinWidth) {
      fr::Wide w[L];
      for (int l = 0; l < L; l++) dot(w[l], s[l], sp, 1, t);
      for (int l = 0; l < L; l++) fr::wide_reduce(acc[l], w[l]);
    } else {
      for (int l = 0; l < L; l++) M::mul(acc[l], s[l][0], sp[0]);
      for (int i = 1; i < t; i++)
        for (int l = 0; l < L; l++) {
          M::mul(p, s[l][i], sp[i]);
          add(acc[l], acc[l], p);
        }
    }
    for (int j = 1; j < t; j++)
      for (int l = 0; l < L; l++) {
        M::mul(p, s[l][0], sp[t - 1 + j]);
        add(s[l][j], s[l][j], p);
      }
    for (int l = 0; l < L; l++) s[l][0] = acc[l];
    sp += 2 * t - 1;
  }
  k += c.rp;
  for (int r = 0; r < hf - 1; r++) full_round(c.mds.data(), true);
  full_round(c.mds.data(), false);
}

template <class M>
void permute_with(const Constants& c, Fr* s, Form form) {
  if (form == Form::Plain) permute_plain<M>(c, s);
  else permute_optimized<M>(c, s);
}

bool use_adx(Kernel k) {
  if (k == Kernel::Portable || k == Kernel::Ifma) return false;
  if (k == Kernel::Adx) {
    if (!fr::adx_usable()) throw std::runtime_error("poseidon: the ADX kernel is not available on this CPU");
    return true;
  }
  return fr::adx_usable();
}

// Hashes per lockstep group in hash_many (optimized form); 1 turns interleaving off.
// SDR_POSEIDON_LANES=1 selects the one-at-a-time path (the twin tests hold the two together).
constexpr int kLanes = 4;
int lanes_wanted() {
  static const int n = [] {
    const char* env = std::getenv("SDR_POSEIDON_LANES");
    return env && *env ? std::atoi(env) : kLanes;
  }();
  return n;
}

template <class M>
void hash_many_with(const Constants& c, const uint8_t* in, uint8_t* out, size_t n, Form form) {
  const int t = c.t;
  const Fr tag = merkle_tag(c.arity);
  const size_t row = (size_t)c.arity * 32;
  size_t h = 0;
  if (form == Form::Optimized && lanes_wanted() >= kLanes) {
    Fr sl[kLanes][kMaxT];
    for (; h + kLanes <= n; h += kLanes) {
      for (int l = 0; l < kLanes; l++) {
        sl[l][0] = tag;
        const uint8_t* x = in + (h + l) * row;
        for (int i = 1; i < t; i++) fr::from_bytes_unchecked(sl[l][i], x + (size_t)(i - 1) * 32);
      }
      permute_optimized_lanes<M, kLanes>(c, sl);
      for (int l = 0; l < kLanes; l++) fr::to_bytes(out + (h + l) * 32, sl[l][1]);
    }
  }
  Fr s[kMaxT];
  for (; h < n; h++) {
    s[0] = tag;
    const uint8_t* x = in + h * (size_t)c.arity * 32;
    for (int i = 1; i < t; i++) fr::from_bytes_unchecked(s[i], x + (size_t)(i - 1) * 32);
    permute_with<M>(c, s, form);
    fr::to_bytes(out + h * 32, s[1]);
  }
}

// Auto batches through IFMA when present; SDR_POSEIDON_KERNEL=ifma or =scalar overrides that choice
// (SDR_DISABLE_AVX512 / SDR_DISABLE_ADX remove the kernels altogether).
bool ifma_preferred() {
  static const bool pref = [] {
    const char* env = std::getenv("SDR_POSEIDON_KERNEL");
    if (env && *env) return std::string(env) == "ifma" && ifma_usable();
    return ifma_usable() && kIfmaDefault;
  }();
  return pref;
}

}  // namespace

bool kernel_available(Kernel k) {
  if (k == Kernel::Adx) return fr::adx_usable();
  if (k == Kernel::Ifma) return ifma_usable();
  return true;
}

// Below this many hashes the scalar kernel wins: an IFMA pass always costs eight lanes.
constexpr size_t kIfmaMinBatch = 8;

Fr merkle_tag(int arity) {
  uint64_t x[4] = {0, 0, 0, 0};
  for (int b = 0; b < arity; b++) x[b / 64] |= 1ULL << (b % 64);
  return fr::from_canonical(x);
}

void permute(const Constants& c, Fr* state, Form form, Kernel kernel) {
  if (kernel == Kernel::Ifma) throw std::runtime_error("poseidon: the IFMA kernel hashes batches; use hash_many");
#if defined(__x86_64__)
  if (use_adx(kernel)) return permute_with<fr::MulAdx>(c, state, form);
#else
  if (kernel == Kernel::Adx) throw std::runtime_error("poseidon: the ADX kernel exists only on x86-64");
#endif
  permute_with<fr::MulPortable>(c, state, form);
}

void hash_many(const Constants& c, const uint8_t* in, uint8_t* out, size_t n, Form form, Kernel kernel) {
  if (kernel == Kernel::Ifma) {
    if (form != Form::Optimized) throw std::runtime_error("poseidon: the IFMA kernel implements the optimized form only");
    if (!ifma_usable()) throw std::runtime_error("poseidon: the IFMA kernel is not available on this CPU");
    return hash_many_ifma(c, in, out, n);
  }
  if (kernel == Kernel::Auto && form == Form::Optimized && n >= kIfmaMinBatch && ifma_preferred())
    return hash_many_ifma(c, in, out, n);
#if defined(__x86_64__)
  if (use_adx(kernel)) return hash_many_with<fr::MulAdx>(c, in, out, n, form);
#else
  if (kernel == Kernel::Adx) throw std::runtime_error("poseidon: the ADX kernel exists only on x86-64");
#endif
  hash_many_with<fr::MulPortable>(c, in, out, n, form);
}

void hash_bytes(const Constants& c, const uint8_t* in, uint8_t out[32], Form form, Kernel kernel) {
  hash_many(c, in, out, 1, form, kernel);
}

}  // namespace sdr::poseidon
