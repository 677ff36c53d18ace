#include "snap.h"

#include <cstring>
#include <stdexcept>

#include "file-io.h"
#include "fr.h"
#include "node-chunks.h"

namespace sdr::snap {

namespace {
constexpr uint64_t kChunkNodes = 1 << 15;  // 1 MiB per stream per chunk

// factor·R mod p for every group: Montgomery-multiplying a canonical value by it yields the canonical
// product (a·(f·R)·R⁻¹ = a·f).
std::vector<fr::Fr> montgomery_factors(const std::vector<uint8_t>& bytes) {
  if (bytes.empty() || bytes.size() % 32) throw std::invalid_argument("factors must be a non-empty multiple of 32 bytes");
  std::vector<fr::Fr> out(bytes.size() / 32);
  for (size_t g = 0; g < out.size(); g++)
    if (!fr::from_bytes(out[g], &bytes[32 * g]))
      throw std::invalid_argument("factor " + std::to_string(g) + " is not a canonical field element");
  return out;
}

void check_job(const Job& job, size_t groups) {
  if (job.nodes == 0) throw std::invalid_argument("nodes must be > 0");
  const uint64_t last_group = (job.first_node + job.nodes - 1) >> job.bits_shr;
  if (job.bits_shr >= 64 || last_group >= groups)
    throw std::invalid_argument("node range needs rho group " + std::to_string(last_group) + " but only " +
                                std::to_string(groups) + " factors were given");
}

template <class M, bool Encode>
void transform(const Job& job, const std::vector<fr::Fr>& f, uint64_t first, uint64_t n, const uint8_t* key,
               uint8_t* io) {
  for (uint64_t i = 0; i < n; i++) {
    const uint64_t v = first + i;
    fr::Fr k, x, r;
    std::memcpy(k.l, key + 32 * i, 32);
    std::memcpy(x.l, io + 32 * i, 32);
    io::require_canonical(k.l, job.key_path, v);
    if (!job.input_path.empty()) io::require_canonical(x.l, job.input_path, v);
    const fr::Fr& fac = f[v >> job.bits_shr];
    if (Encode) {
      M::mul(r, x, fac);  // canonical data · rho
      fr::add(x, k, r);
    } else {
      fr::sub(r, x, k);
      M::mul(x, r, fac);  // (replica − key) · rho⁻¹
      if (job.check_fr32 && (x.l[3] >> 62) != 0)
        throw CorruptData(job.input_path + ": node " + std::to_string(v) +
                          " does not decode to fr32-padded data (its top two bits are set): the replica or the "
                          "sector key is damaged at byte " + std::to_string(32 * v));
    }
    std::memcpy(io + 32 * i, x.l, 32);
  }
}

template <class M, bool Encode>
void run(const Job& job, const tree::Control& control, int ofd, const std::string& out_name) {
  const std::vector<fr::Fr> f = montgomery_factors(job.factors);
  check_job(job, f.size());
  // New data shorter than the sector reads as zeros past its end (a staged file cut short);
  // the key and a replica being decoded must be complete.
  const io::NodeInputs in(job.key_path, job.input_path, /*zero_extend_input=*/Encode);
  const uint64_t out_offset = Encode ? job.first_node * 32 : job.out_byte_offset;  // encode: node v at 32·v
  in.for_each_node_chunk({job.first_node, job.nodes, kChunkNodes}, {ofd, out_name, out_offset}, control,
                         [&](uint64_t first, uint64_t n, const uint8_t* key, uint8_t* data) {
                           transform<M, Encode>(job, f, first, n, key, data);
                         });
}

template <bool Encode>
void dispatch(const Job& job, const tree::Control& control, int ofd, const std::string& out_name) {
#if defined(__x86_64__)
  if (job.kernel == MulKernel::Adx) return run<fr::MulAdx, Encode>(job, control, ofd, out_name);
#endif
  run<fr::MulPortable, Encode>(job, control, ofd, out_name);
}
}  // namespace

void encode(const Job& job, const tree::Control& control) {
  if (job.first_node != 0) throw std::invalid_argument("snap encode writes the whole replica: firstNode must be 0");
  io::PartialFile out(job.out_path, "the new replica");
  io::truncate(out.fd(), job.nodes * 32, out.partial_path());
  dispatch<true>(job, control, out.fd(), out.partial_path());
  out.commit();
}

void decode(const Job& job, const tree::Control& control) {
  if (job.input_path.empty()) throw std::invalid_argument("snap decode needs the replica path");
  const io::Fd out_fd = io::open_write(job.out_path);
  dispatch<false>(job, control, out_fd.get(), job.out_path);
  io::fsync_file(out_fd.get(), job.out_path);
}

}  // namespace sdr::snap
