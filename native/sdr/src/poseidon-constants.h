// Poseidon constants exactly as neptune 11 generates them (docs/poseidon.md#parameters): Grain LFSR round
// constants, the Cauchy MDS matrix, and the optimized (compressed constants + sparse matrices)
// form derived from them. Generated once per (arity, strength) on first use; all in Montgomery form.
#pragma once
#include <cstdint>
#include <vector>

#include "fr.h"

namespace sdr::poseidon {

using fr::Fr;

struct Constants {
  int arity = 0;
  int t = 0;    // width = arity + 1
  int rf = 8;   // full rounds
  int rp = 0;   // partial rounds
  bool strengthened = false;
  std::vector<Fr> rc;          // (rf + rp)·t, round r uses rc[r·t .. r·t + t)
  std::vector<Fr> mds;         // t×t row-major, M[i][j] = 1/(i + j + t)
  std::vector<Fr> mds_inv;     // M⁻¹
  std::vector<Fr> compressed;  // rf·t + rp (docs/poseidon.md#optimized-form)
  std::vector<Fr> pre_sparse;  // t×t row-major
  std::vector<Fr> sparse;      // rp blocks of 2t−1: [m00, ŵ (t−1), v (t−1)], in round order
};

// R_P for Standard strength by width t (neptune src/round_numbers.rs table); Strengthened = ceil(1.25·R_P).
int partial_rounds(int t, bool strengthened);

// Throws std::invalid_argument for an arity without a round-number entry.
const Constants& constants(int arity, bool strengthened = false);

// The raw Grain LFSR stream for (t, R_F, R_P): n field elements (Montgomery form). Exposed for tests.
std::vector<Fr> grain_round_constants(int t, int rf, int rp, int n);

}  // namespace sdr::poseidon
