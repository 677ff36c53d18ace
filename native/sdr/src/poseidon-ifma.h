// AVX-512 IFMA batch kernel for the optimized Poseidon form: eight MerkleTree hashes per pass.
#pragma once
#include <cstddef>
#include <cstdint>

#include "poseidon-constants.h"

namespace sdr::poseidon {

constexpr int kIfmaMaxT = 37;

// CPU has AVX-512F + IFMA and SDR_DISABLE_AVX512 is not set.
bool ifma_usable();

// Same contract as hash_many(…, Form::Optimized): out[k] = H(in[k·arity …]); any n ≥ 1.
void hash_many_ifma(const Constants& c, const uint8_t* in, uint8_t* out, size_t n);

}  // namespace sdr::poseidon
