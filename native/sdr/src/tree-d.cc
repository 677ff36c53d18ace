// Streaming tree-d: leaves are processed in chunks of C nodes; each chunk's subtree rows are
// written straight to their final offsets in the reference layout, and only the chunk roots are
// kept to build the rows above. A 32GiB sector therefore needs a few MiB of RAM, not 64 GiB.
#include "tree-d.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "file-io.h"

namespace sdr {
namespace treed {

namespace {

constexpr uint64_t kChunkNodes = uint64_t(1) << 17;  // 4 MiB of leaves

int log2_exact(uint64_t n) { return 63 - __builtin_clzll(n); }

}  // namespace

void hash_pairs(const sha256::Impl& h, const uint8_t* in, uint8_t* out, uint64_t count) {
  // Each parent is two blocks: the 64 bytes of its children (contiguous in the row below) and a
  // constant padding block for a 512-bit message. Pairs are independent, so they go 4 lanes at a time.
  alignas(64) static const uint8_t pad[64] = {0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                              0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                              0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                              0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0};
  constexpr int L = sha256::kMaxLanes;
  uint32_t st[L][8];
  uint32_t* states[L];
  const uint8_t* blocks[L];
  const uint8_t* pads[L];
  for (int l = 0; l < L; l++) {
    states[l] = st[l];
    pads[l] = pad;
  }
  for (uint64_t i = 0; i < count; i += L) {
    const int lanes = int(std::min<uint64_t>(L, count - i));
    for (int l = 0; l < lanes; l++) {
      std::memcpy(st[l], sha256::kInitialState, 32);
      blocks[l] = in + (i + l) * 64;
    }
    h.compress_lanes(states, blocks, lanes, 1);
    h.compress_lanes(states, pads, lanes, 1);
    for (int l = 0; l < lanes; l++) {
      uint8_t* o = out + (i + l) * 32;
      sha256::state_to_digest(st[l], o);
      sha256::mask254(o);
    }
  }
}

void build_tree_d(const TreeDSpec& spec, const CancelFlag& cancel, const std::function<void(uint64_t)>& progress,
                  uint8_t root[32]) {
  const uint64_t n = spec.nodes;
  if (n < 2 || (n & (n - 1)) != 0) throw std::invalid_argument("tree-d needs a power-of-two node count >= 2");
  const sha256::Impl h = sha256::impl(spec.kernel);
  const int rows = log2_exact(n) + 1;
  std::vector<uint64_t> row_start(rows);  // node offset of each row in the file
  for (int r = 1; r < rows; r++) row_start[r] = row_start[r - 1] + (n >> (r - 1));

  io::PartialFile out(spec.out_path);
  const std::string& tmp = out.partial_path();
  if (spec.staged_path.empty()) {
    // CC: every node of row r is Z(r), computed by the same hash, so the bytes equal a full build.
    std::vector<uint8_t> z(32, 0), next(32);
    std::vector<uint8_t> fill(std::min<uint64_t>(n, kChunkNodes) * 32);
    for (int r = 0; r < rows; r++) {
      const uint64_t row_nodes = n >> r;
      const uint64_t per = std::min<uint64_t>(row_nodes, kChunkNodes);
      for (uint64_t i = 0; i < per; i++) std::memcpy(fill.data() + i * 32, z.data(), 32);
      for (uint64_t i = 0; i < row_nodes; i += per) {
        cancel.check();
        io::pwrite_all(out.fd(), fill.data(), per * 32, (row_start[r] + i) * 32, tmp);
        if (r == 0 && progress) progress(i + per);
      }
      if (r + 1 < rows) {
        std::vector<uint8_t> pair(64);
        std::memcpy(pair.data(), z.data(), 32);
        std::memcpy(pair.data() + 32, z.data(), 32);
        hash_pairs(h, pair.data(), next.data(), 1);
        z.swap(next);
      }
    }
    std::memcpy(root, z.data(), 32);
  } else {
    const io::Fd in = io::open_read(spec.staged_path, "cannot open the staged sector");
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(in.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    const uint64_t c = std::min(n, kChunkNodes);
    const int chunk_rows = log2_exact(c) + 1;
    std::vector<uint8_t> a(c * 32), b(c / 2 * 32 + 32);
    std::vector<uint8_t> tops((n / c) * 32);
    for (uint64_t chunk = 0; chunk < n / c; chunk++) {
      cancel.check();
      io::pread_zero_extended(in.get(), a.data(), c * 32, chunk * c * 32, spec.staged_path);
      io::pwrite_all(out.fd(), a.data(), c * 32, chunk * c * 32, tmp);
      uint8_t* lo = a.data();
      uint8_t* hi = b.data();
      for (int r = 1; r < chunk_rows; r++) {
        const uint64_t m = c >> r;
        hash_pairs(h, lo, hi, m);
        io::pwrite_all(out.fd(), hi, m * 32, (row_start[r] + chunk * m) * 32, tmp);
        std::swap(lo, hi);
      }
      std::memcpy(tops.data() + chunk * 32, lo, 32);
      if (progress) progress((chunk + 1) * c);
    }
    // Rows above the chunk roots: small (n / c nodes), built in memory.
    uint64_t m = n / c;
    std::vector<uint8_t> up(std::max<uint64_t>(m / 2, 1) * 32);
    for (int r = chunk_rows; r < rows; r++) {
      m /= 2;
      hash_pairs(h, tops.data(), up.data(), m);
      io::pwrite_all(out.fd(), up.data(), m * 32, row_start[r] * 32, tmp);
      std::memcpy(tops.data(), up.data(), m * 32);
    }
    std::memcpy(root, tops.data(), 32);
  }
  out.commit();
}

}  // namespace treed
}  // namespace sdr
