// Whole-buffer positional file I/O whose failures name the file (SysError: errno, call, path), and
// the one way kernels create a whole file: PartialFile.
//
// File contract with the callers (native/sdr/README.md): the native side never makes up a file
// name. A file it creates whole is written at `<path>.partial` (kPartialSuffix), fsynced and
// renamed to `<path>`, then the directory is fsynced; so `<path>` existing means complete. A
// `.partial` is removed on every failure the process survives; one left by a killed process is
// garbage that the next run truncates (callers may delete it).
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "failure.h"

namespace sdr::io {

constexpr const char* kPartialSuffix = ".partial";

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

inline Fd open_read(const std::string& path, const char* what = "cannot open") {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_sys("open", path, what);
  return Fd(fd);
}

// Creates the file if missing; never truncates (range writers share files).
inline Fd open_write(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_sys("open", path, "cannot create");
  return Fd(fd);
}

inline uint64_t file_size(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) throw_sys("fstat", path, "cannot stat");
  return (uint64_t)st.st_size;
}

inline void truncate(int fd, uint64_t size, const std::string& path) {
  if (::ftruncate(fd, (off_t)size) != 0) throw_sys("ftruncate", path, "cannot resize");
}

// Reads up to n bytes at off; returns how many, fewer only at the end of the file.
inline uint64_t pread_upto(int fd, uint8_t* buf, uint64_t n, uint64_t off, const std::string& path) {
  uint64_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf + got, n - got, (off_t)(off + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_sys("read", path, "cannot read");
    }
    if (r == 0) break;
    got += (uint64_t)r;
  }
  return got;
}

// Reads exactly n bytes; a file that ends early is corrupt (sealing files have fixed sizes).
inline void pread_all(int fd, uint8_t* buf, uint64_t n, uint64_t off, const std::string& path) {
  const uint64_t got = pread_upto(fd, buf, n, off, path);
  if (got < n)
    throw CorruptData("unexpected end of file in " + path + " at byte " + std::to_string(off + got) +
                      " (the file is shorter than the sector needs)");
}

// Reads n bytes; whatever lies past the end of the file reads as zero (the reference zero-extends
// a short staged file to the sector size, docs/sdr.md).
inline void pread_zero_extended(int fd, uint8_t* buf, uint64_t n, uint64_t off, const std::string& path) {
  const uint64_t got = pread_upto(fd, buf, n, off, path);
  std::memset(buf + got, 0, n - got);
}

inline void pwrite_all(int fd, const uint8_t* buf, uint64_t n, uint64_t off, const std::string& path) {
  while (n > 0) {
    const ssize_t r = ::pwrite(fd, buf, n, (off_t)off);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_sys("write", path, "cannot write");
    }
    buf += r;
    n -= (uint64_t)r;
    off += (uint64_t)r;
  }
}

inline void fsync_file(int fd, const std::string& path) {
  if (::fsync(fd) != 0) throw_sys("fsync", path, "cannot fsync");
}

// Makes a rename in `path`'s directory durable. Best effort: some filesystems refuse directory fds.
inline void fsync_parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A whole file being written at `<path>.partial`; commit() makes it durable under `<path>`.
// Destroyed uncommitted, it removes the partial file. `what` names the file in messages.
class PartialFile {
 public:
  explicit PartialFile(std::string path, const std::string& what = "file")
      : path_(std::move(path)), partial_(path_ + kPartialSuffix) {
    const int fd = ::open(partial_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw_sys("open", partial_, "cannot create " + what);
    fd_ = Fd(fd);
  }
  ~PartialFile() {
    if (fd_) {
      fd_.reset();
      ::unlink(partial_.c_str());
    }
  }
  PartialFile(PartialFile&&) = default;
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  int fd() const { return fd_.get(); }
  // The name being written, for messages.
  const std::string& partial_path() const { return partial_; }

  void commit() {
    fsync_file(fd_.get(), partial_);
    fd_.reset();
    if (::rename(partial_.c_str(), path_.c_str()) != 0) {
      const int err = errno;
      ::unlink(partial_.c_str());
      throw SysError(err, "rename", path_, "cannot move " + partial_ + " into place at");
    }
    fsync_parent_dir(path_);
  }

 private:
  std::string path_;
  std::string partial_;
  Fd fd_;
};

}  // namespace sdr::io
