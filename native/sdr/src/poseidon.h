// The Poseidon permutation and Filecoin's MerkleTree hash (docs/poseidon.md#parameters), in two forms with
// identical output: the textbook ("plain", neptune HashMode::Correct) and the optimized
// (compressed constants + sparse matrices, neptune OptimizedStatic) — each with the portable or the
// ADX multiply. Inputs/outputs as bytes are canonical little-endian field elements.
#pragma once
#include <cstddef>
#include <cstdint>

#include "fr.h"
#include "poseidon-constants.h"

namespace sdr::poseidon {

enum class Form { Plain, Optimized };
// Ifma: 8-lane AVX-512 IFMA batches, optimized form only (poseidon-ifma.cc).
enum class Kernel { Auto, Portable, Adx, Ifma };

// Permutes state[0..t) in place (Montgomery form).
void permute(const Constants& c, Fr* state, Form form, Kernel kernel = Kernel::Auto);

// Filecoin MerkleTree hash: state = [2^arity − 1, x_1 … x_arity], output state[1].
// `in` holds arity canonical LE elements of 32 bytes each; they must be < p (not checked here:
// labels and fr32 data are < 2^254 by construction, and callers validate foreign input).
void hash_bytes(const Constants& c, const uint8_t* in, uint8_t out[32], Form form = Form::Optimized,
                Kernel kernel = Kernel::Auto);

// Hashes n consecutive groups of arity elements: out[k] = H(in[k·arity .. k·arity + arity)).
void hash_many(const Constants& c, const uint8_t* in, uint8_t* out, size_t n, Form form = Form::Optimized,
               Kernel kernel = Kernel::Auto);

// The MerkleTree domain tag 2^arity − 1 (neptune src/hash_type.rs), Montgomery form.
Fr merkle_tag(int arity);

bool kernel_available(Kernel k);

}  // namespace sdr::poseidon
