// Whole-buffer positional file I/O with errors that name the file (shared by the PC2 kernels).
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sdr::io {

[[noreturn]] inline void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

inline int open_read(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open", path);
  return fd;
}

// Creates the file if missing; never truncates (range writers share files).
inline int open_write(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", path);
  return fd;
}

inline uint64_t file_size(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) fail("cannot stat", path);
  return (uint64_t)st.st_size;
}

inline void truncate(int fd, uint64_t size, const std::string& path) {
  if (::ftruncate(fd, (off_t)size) != 0) fail("cannot resize", path);
}

inline void pread_all(int fd, uint8_t* buf, uint64_t n, uint64_t off, const std::string& path) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, buf, n, (off_t)off);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", path);
    }
    if (r == 0)
      throw std::runtime_error("unexpected end of file in " + path + " at byte " + std::to_string(off) +
                               " (the file is shorter than the sector needs)");
    buf += r;
    n -= (uint64_t)r;
    off += (uint64_t)r;
  }
}

inline void pwrite_all(int fd, const uint8_t* buf, uint64_t n, uint64_t off, const std::string& path) {
  while (n > 0) {
    const ssize_t r = ::pwrite(fd, buf, n, (off_t)off);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    buf += r;
    n -= (uint64_t)r;
    off += (uint64_t)r;
  }
}

}  // namespace sdr::io
