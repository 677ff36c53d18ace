// BLAKE2b-512, unkeyed (RFC 7693). The Feistel round function of the SDR expander is BLAKE2b-512
// of 16 bytes (docs/sdr.md#expander-parents; rfp: storage-proofs-core/src/crypto/feistel.rs uses blake2b_simd's
// default parameters, i.e. plain unkeyed 64-byte output).
#pragma once
#include <cstddef>
#include <cstdint>

namespace sdr {

void blake2b512(const uint8_t* data, size_t len, uint8_t out[64]);

// Specialised for the Feistel round: the message is 16 bytes whose little-endian u64 words are m0, m1
// (so one final block, t = 16), and only the first 8 digest bytes are wanted, returned as the LE
// word they form. Same value as blake2b512() bytes 0..7; the specialisation just drops the zero
// message words and the unused output words.
uint64_t blake2b512_word0_16(uint64_t m0, uint64_t m1);
// The same for 4 / 8 independent messages sharing m1, in AVX2 / AVX-512F lanes. Call only when
// cpu_features() reports the extension.
void blake2b512_word0_16_x4_avx2(const uint64_t m0[4], uint64_t m1, uint64_t out[4]);
void blake2b512_word0_16_x8_avx512(const uint64_t m0[8], uint64_t m1, uint64_t out[8]);

}  // namespace sdr
