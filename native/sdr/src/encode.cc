#include "encode.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "fr.h"
#include "file-io.h"

namespace sdr::encode {

namespace {
constexpr uint64_t kChunkNodes = 1 << 16;  // 2 MiB per stream per job

inline void load(uint64_t x[4], const uint8_t* b) { std::memcpy(x, b, 32); }  // little-endian host

void check(const uint64_t x[4], const std::string& path, uint64_t node) {
  if (!fr::canonical_lt_p(x))
    throw CorruptData(path + ": node " + std::to_string(node) +
                      " is not a canonical field element (value ≥ r); the file is corrupt or not a sealing artifact");
}

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
  const io::Fd key_fd = io::open_read(job.key_path);
  const io::Fd in_fd = job.input_path.empty() ? io::Fd() : io::open_read(job.input_path);
  const io::Fd out_fd = io::open_write(job.out_path);
  const int kfd = key_fd.get(), ifd = in_fd.get(), ofd = out_fd.get();
  if (job.out_size) io::truncate(ofd, job.out_size, job.out_path);
  const uint64_t chunks = (job.nodes + kChunkNodes - 1) / kChunkNodes;
  tree::parallel_jobs(chunks, control, kChunkNodes, [&](uint64_t c) {
    const uint64_t first = job.first_node + c * kChunkNodes;
    const uint64_t n = std::min(kChunkNodes, job.first_node + job.nodes - first);
    std::vector<uint8_t> key(n * 32), in(n * 32, 0);
    io::pread_all(kfd, key.data(), n * 32, first * 32, job.key_path);
    // Encoding treats staged data past its end as zeros, as rust-fil-proofs' PC1 does when it
    // set_len()s a short staged file to the sector size. The key and the replica must be complete.
    if (ifd >= 0 && Encode) io::pread_zero_extended(ifd, in.data(), n * 32, first * 32, job.input_path);
    if (ifd >= 0 && !Encode) io::pread_all(ifd, in.data(), n * 32, first * 32, job.input_path);
    for (uint64_t i = 0; i < n; i++) {
      uint64_t k[4], x[4], r[4];
      load(k, &key[32 * i]);
      load(x, &in[32 * i]);
      check(k, job.key_path, first + i);
      if (ifd >= 0) check(x, job.input_path, first + i);
      if (Encode) add_or_sub<true>(r, k, x);
      else add_or_sub<false>(r, x, k);
      std::memcpy(&in[32 * i], r, 32);
    }
    const uint64_t off = Encode ? first * 32 : job.out_byte_offset + (first - job.first_node) * 32;
    io::pwrite_all(ofd, in.data(), n * 32, off, job.out_path);
  });
  // Durable before the promise settles: PC2 records the finished sealed file as a checkpoint.
  io::fsync_file(ofd, job.out_path);
}
}  // namespace

void encode_range(const RangeJob& job, const tree::Control& control) { run<true>(job, control); }
void decode_range(const RangeJob& job, const tree::Control& control) {
  if (job.input_path.empty()) throw std::invalid_argument("decode needs the replica (sealed file) path");
  run<false>(job, control);
}

}  // namespace sdr::encode
