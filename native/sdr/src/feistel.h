// The 3-round Feistel permutation with cycle walking that maps SDR expander edges
// (docs/sdr.md#expander-parents; rfp: storage-proofs-core/src/crypto/feistel.rs).
#pragma once
#include <cstddef>
#include <cstdint>

namespace sdr {

struct FeistelDomain {
  uint64_t num_elements;  // permute() is a bijection on [0, num_elements)
  uint32_t half_bits;     // smallest k >= 1 with 4^k >= num_elements
  uint64_t right_mask;
  uint64_t left_mask;
};

FeistelDomain feistel_domain(uint64_t num_elements);

// One pass of the 3 rounds over the 4^k domain, keys k0..k2 in order.
uint64_t feistel_encode(const FeistelDomain& d, const uint64_t keys[3], uint64_t x);

// encode() repeated until the value lands inside [0, num_elements) (cycle walking). x must be
// inside the domain already.
uint64_t feistel_permute(const FeistelDomain& d, const uint64_t keys[3], uint64_t x);

// Batched permute for many inputs. kPortable is the plain twin (feistel_permute with the general
// BLAKE2b, one input at a time); the others keep 1/4/8 inputs in flight through a specialised
// BLAKE2b and refill a lane as soon as its input has walked into range. All give identical output.
enum class FeistelKernel : int { kPortable = 0, kScalar = 1, kAvx2 = 2, kAvx512 = 3 };

FeistelKernel feistel_best_kernel();  // honours SDR_DISABLE_AVX2 / SDR_DISABLE_AVX512
bool feistel_kernel_supported(FeistelKernel k);
void feistel_permute_batch(FeistelKernel k, const FeistelDomain& d, const uint64_t keys[3], const uint64_t* in,
                           uint64_t* out, size_t n);

}  // namespace sdr
