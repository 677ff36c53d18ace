// BLAKE2b-512, unkeyed (RFC 7693). The Feistel round function of the SDR expander is BLAKE2b-512
// of 16 bytes (sdr.md §3.4; rfp: storage-proofs-core/src/crypto/feistel.rs uses blake2b_simd's
// default parameters, i.e. plain unkeyed 64-byte output).
#pragma once
#include <cstddef>
#include <cstdint>

namespace sdr {

void blake2b512(const uint8_t* data, size_t len, uint8_t out[64]);

}  // namespace sdr
