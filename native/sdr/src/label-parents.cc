// Sequential reader of the reference parents cache for labeling (one pass per layer).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "label-layer.h"

namespace sdr {
namespace label {

static std::string sys_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

ParentsReader::ParentsReader(const std::string& path, uint64_t nodes, uint64_t first, uint64_t count)
    : path_(path), nodes_(nodes), first_(first), count_(count), rows_(chunk_nodes() * kParents) {
  if (first > nodes || count > nodes - first) throw std::invalid_argument("parents window must lie inside [0, nodes)");
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(sys_error("cannot open the parents cache", path));
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    throw std::runtime_error(sys_error("cannot stat the parents cache", path));
  }
  const uint64_t want = count * kParents * 4;
  if (uint64_t(st.st_size) != want) {
    ::close(fd_);
    throw std::runtime_error("parents cache " + path + " has " + std::to_string(st.st_size) + " bytes, expected " +
                             std::to_string(want) + " (56 × " + std::to_string(count) +
                             " nodes): it belongs to another sector size or is truncated; delete it to regenerate");
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

ParentsReader::~ParentsReader() {
  if (fd_ >= 0) ::close(fd_);
}

void ParentsReader::drop_page_cache() {
#ifdef POSIX_FADV_DONTNEED
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_DONTNEED);
#endif
}

const uint32_t* ParentsReader::read(uint64_t start, uint64_t count) {
  read_into(start, count, rows_.data());
  return rows_.data();
}

void ParentsReader::read_into(uint64_t start, uint64_t count, uint32_t* r) {
  if (start < first_ || count > first_ + count_ - start)
    throw std::logic_error("parents rows requested outside the cache file's node range");
  uint8_t* dst = reinterpret_cast<uint8_t*>(r);
  size_t left = count * kParents * 4;
  off_t off = off_t((start - first_) * kParents * 4);
  while (left > 0) {
    ssize_t n = ::pread(fd_, dst, left, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      throw std::runtime_error(sys_error("cannot read the parents cache", path_));
    }
    dst += n;
    left -= size_t(n);
    off += n;
  }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (uint64_t i = 0; i < count * kParents; i++) r[i] = __builtin_bswap32(r[i]);
#endif
  // Base parents must precede the node (labels are computed in order); every index must be < N.
  for (uint64_t i = 0; i < count; i++) {
    const uint64_t v = start + i;
    const uint32_t* row = r + i * kParents;
    bool ok = true;
    for (int j = 0; j < kBaseParents; j++) ok &= v == 0 ? row[j] == 0 : row[j] < v;
    for (int j = kBaseParents; j < kParents; j++) ok &= row[j] < nodes_;
    if (!ok)
      throw std::runtime_error("parents cache " + path_ + " is corrupt at node " + std::to_string(v) +
                               " (parent index out of range); delete it so it is regenerated");
  }
}

}  // namespace label
}  // namespace sdr
