#include "poseidon-constants.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace sdr::poseidon {

using fr::add;
using fr::mul;
using fr::sub;

int partial_rounds(int t, bool strengthened) {
  // neptune: src/round_numbers.rs (test table keyed by t), docs/poseidon.md#parameters
  int rp;
  if (t == 2 || t == 3) rp = 55;
  else if (t >= 4 && t <= 7) rp = 56;
  else if (t >= 8 && t <= 15) rp = 57;
  else if (t == 16 || t == 17 || t == 25) rp = 59;
  else if (t == 37) rp = 60;
  else if (t == 65) rp = 61;
  else return -1;
  return strengthened ? (rp * 5 + 3) / 4 : rp;  // ceil(1.25·R_P)
}

namespace {

// 80-bit Grain LFSR, self-shrinking output (docs/poseidon.md#round-constants).
class Grain {
 public:
  Grain(int t, int rf, int rp) {
    int k = 0;
    auto put = [&](uint64_t v, int bits) {
      for (int b = bits - 1; b >= 0; b--) s_[k++] = (v >> b) & 1;
    };
    put(1, 2);    // prime field
    put(1, 4);    // S-box x^alpha, as neptune encodes it
    put(255, 12); // field size (not 256: docs/poseidon.md#parameters)
    put((uint64_t)t, 12);
    put((uint64_t)rf, 10);
    put((uint64_t)rp, 10);
    put((1ULL << 30) - 1, 30);
    for (int i = 0; i < 160; i++) clock();
  }
  bool next_bit() {
    for (;;) {
      const bool a = clock();
      const bool b = clock();
      if (a) return b;
    }
  }

 private:
  bool clock() {
    const uint8_t nb = s_[62] ^ s_[51] ^ s_[38] ^ s_[23] ^ s_[13] ^ s_[0];
    for (int i = 0; i < 79; i++) s_[i] = s_[i + 1];
    s_[79] = nb;
    return nb;
  }
  uint8_t s_[80] = {};
};

using Matrix = std::vector<Fr>;  // square, row-major

Matrix mat_mul(const Matrix& a, const Matrix& b, int n) {
  Matrix c(n * n, fr::kZero);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      Fr acc = fr::kZero;
      for (int k = 0; k < n; k++) add(acc, acc, mul(a[i * n + k], b[k * n + j]));
      c[i * n + j] = acc;
    }
  return c;
}

// Gauss–Jordan; the matrices here (Cauchy and its minors) are invertible.
Matrix mat_inv(Matrix a, int n) {
  Matrix inv(n * n, fr::kZero);
  for (int i = 0; i < n; i++) inv[i * n + i] = fr::kOne;
  for (int col = 0; col < n; col++) {
    int piv = col;
    while (piv < n && fr::is_zero(a[piv * n + col])) piv++;
    if (piv == n) throw std::runtime_error("poseidon: singular matrix while deriving constants");
    if (piv != col)
      for (int j = 0; j < n; j++) {
        std::swap(a[piv * n + j], a[col * n + j]);
        std::swap(inv[piv * n + j], inv[col * n + j]);
      }
    const Fr f = fr::inverse(a[col * n + col]);
    for (int j = 0; j < n; j++) {
      a[col * n + j] = mul(a[col * n + j], f);
      inv[col * n + j] = mul(inv[col * n + j], f);
    }
    for (int r = 0; r < n; r++) {
      if (r == col || fr::is_zero(a[r * n + col])) continue;
      const Fr g = a[r * n + col];
      for (int j = 0; j < n; j++) {
        sub(a[r * n + j], a[r * n + j], mul(g, a[col * n + j]));
        sub(inv[r * n + j], inv[r * n + j], mul(g, inv[col * n + j]));
      }
    }
  }
  return inv;
}

// row vector · matrix
std::vector<Fr> vec_mat(const Fr* v, const Matrix& m, int n) {
  std::vector<Fr> out(n, fr::kZero);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) add(out[j], out[j], mul(v[i], m[i * n + j]));
  return out;
}

void derive_optimized(Constants& c) {
  const int t = c.t, hf = c.rf / 2, rp = c.rp;
  const Matrix& M = c.mds;
  const Matrix& Minv = c.mds_inv;
  auto rc = [&](int r) { return &c.rc[(size_t)r * t]; };
  auto append = [&](const std::vector<Fr>& v) { c.compressed.insert(c.compressed.end(), v.begin(), v.end()); };

  // Compressed round constants (neptune src/preprocessing.rs, docs/poseidon.md#optimized-form).
  c.compressed.assign(rc(0), rc(0) + t);
  for (int r = 1; r < hf; r++) append(vec_mat(rc(r), Minv, t));
  std::vector<Fr> acc(rc(hf + rp), rc(hf + rp) + t);
  std::vector<Fr> partial(rp);
  for (int r = hf + rp - 1; r >= hf; r--) {
    std::vector<Fr> x = vec_mat(acc.data(), Minv, t);
    partial[r - hf] = x[0];
    x[0] = fr::kZero;
    for (int i = 0; i < t; i++) add(acc[i], rc(r)[i], x[i]);
  }
  append(vec_mat(acc.data(), Minv, t));
  append(partial);
  for (int r = hf + rp + 1; r < c.rf + rp; r++) append(vec_mat(rc(r), Minv, t));

  // Sparse factorisation M = diag(1, m̂)·S, pushed back through the partial rounds.
  Matrix m = M;
  std::vector<std::vector<Fr>> records;
  const int n1 = t - 1;
  for (int k = 0; k < rp; k++) {
    Matrix mhat(n1 * n1);
    for (int i = 0; i < n1; i++)
      for (int j = 0; j < n1; j++) mhat[i * n1 + j] = m[(i + 1) * t + (j + 1)];
    const Matrix mhat_inv = mat_inv(mhat, n1);
    std::vector<Fr> rec;
    rec.push_back(m[0]);
    for (int i = 0; i < n1; i++) {  // ŵ = m̂⁻¹·w, w = column 0 below the corner
      Fr s = fr::kZero;
      for (int j = 0; j < n1; j++) add(s, s, mul(mhat_inv[i * n1 + j], m[(j + 1) * t]));
      rec.push_back(s);
    }
    for (int j = 1; j < t; j++) rec.push_back(m[j]);  // v = row 0 right of the corner
    records.push_back(std::move(rec));
    Matrix mprime(t * t, fr::kZero);
    mprime[0] = fr::kOne;
    for (int i = 0; i < n1; i++)
      for (int j = 0; j < n1; j++) mprime[(i + 1) * t + (j + 1)] = mhat[i * n1 + j];
    m = mat_mul(M, mprime, t);
  }
  c.pre_sparse = m;
  for (int k = rp - 1; k >= 0; k--) c.sparse.insert(c.sparse.end(), records[k].begin(), records[k].end());
}

std::unique_ptr<Constants> build(int arity, bool strengthened) {
  auto c = std::make_unique<Constants>();
  c->arity = arity;
  c->t = arity + 1;
  c->rf = 8;
  c->rp = partial_rounds(c->t, strengthened);
  c->strengthened = strengthened;
  if (arity < 1 || c->rp < 0)
    throw std::invalid_argument("poseidon: no round numbers for arity " + std::to_string(arity) +
                                " (supported: 2, 4, 8, 11, 16, 24, 36)");
  const int t = c->t;
  c->rc = grain_round_constants(t, c->rf, c->rp, (c->rf + c->rp) * t);
  c->mds.resize(t * t);
  for (int i = 0; i < t; i++)
    for (int j = 0; j < t; j++) c->mds[i * t + j] = fr::inverse(fr::from_u64((uint64_t)(i + j + t)));
  c->mds_inv = mat_inv(c->mds, t);
  derive_optimized(*c);
  return c;
}

}  // namespace

std::vector<Fr> grain_round_constants(int t, int rf, int rp, int n) {
  Grain g(t, rf, rp);
  std::vector<Fr> out;
  out.reserve(n);
  while ((int)out.size() < n) {
    uint64_t x[4] = {0, 0, 0, 0};
    for (int b = 0; b < 255; b++) {  // first bit is the most significant
      x[3] = (x[3] << 1) | (x[2] >> 63);
      x[2] = (x[2] << 1) | (x[1] >> 63);
      x[1] = (x[1] << 1) | (x[0] >> 63);
      x[0] = (x[0] << 1) | (uint64_t)g.next_bit();
    }
    if (fr::canonical_lt_p(x)) out.push_back(fr::from_canonical(x));
  }
  return out;
}

const Constants& constants(int arity, bool strengthened) {
  static std::mutex mu;
  static std::map<std::pair<int, bool>, std::unique_ptr<Constants>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[{arity, strengthened}];
  if (!slot) slot = build(arity, strengthened);
  return *slot;
}

}  // namespace sdr::poseidon
