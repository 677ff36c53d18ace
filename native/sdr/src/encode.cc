#include "encode.h"

#include <cstring>

#include "file-io.h"
#include "fr.h"
#include "node-chunks.h"

namespace sdr::encode {

namespace {
constexpr uint64_t kChunkNodes = 1 << 16;  // 2 MiB per stream per job

inline void load(uint64_t x[4], const uint8_t* b) { std::memcpy(x, b, 32); }  // little-endian host

// r = a + b or a − b mod p on canonical limbs: modular add and sub are representation-agnostic,
// so no Montgomery conversion is needed.
template <bool Add>
inline void add_or_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) {
  fr::Fr x, y, z;
  std::memcpy(x.l, a, 32);
  std::memcpy(y.l, b, 32);
  if (Add) fr::add(z, x, y);
  else fr::sub(z, x, y);
  std::memcpy(r, z.l, 32);
}

template <bool Encode>
void run(const RangeJob& job, const tree::Control& control) {
  // Encoding treats staged data past its end as zeros; the key and the replica must be complete.
  const io::NodeInputs in(job.key_path, job.input_path, /*zero_extend_input=*/Encode);
  const io::Fd out_fd = io::open_write(job.out_path);
  if (job.out_size) io::truncate(out_fd.get(), job.out_size, job.out_path);
  const uint64_t out_offset = Encode ? job.first_node * 32 : job.out_byte_offset;  // encode: node v at 32·v
  in.for_each_node_chunk({job.first_node, job.nodes, kChunkNodes}, {out_fd.get(), job.out_path, out_offset}, control,
                         [&](uint64_t first, uint64_t n, const uint8_t* key, uint8_t* data) {
                           for (uint64_t i = 0; i < n; i++) {
                             uint64_t k[4], x[4], r[4];
                             load(k, key + 32 * i);
                             load(x, data + 32 * i);
                             io::require_canonical(k, job.key_path, first + i);
                             if (in.has_input()) io::require_canonical(x, job.input_path, first + i);
                             if (Encode) add_or_sub<true>(r, k, x);
                             else add_or_sub<false>(r, x, k);
                             std::memcpy(data + 32 * i, r, 32);
                           }
                         });
  // Durable before the promise settles: PC2 records the finished sealed file as a checkpoint.
  io::fsync_file(out_fd.get(), job.out_path);
}
}  // namespace

void encode_range(const RangeJob& job, const tree::Control& control) { run<true>(job, control); }
void decode_range(const RangeJob& job, const tree::Control& control) {
  if (job.input_path.empty()) throw std::invalid_argument("decode needs the replica (sealed file) path");
  run<false>(job, control);
}

}  // namespace sdr::encode
