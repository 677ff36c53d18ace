// How kernels fail and how they are told to stop. Kernels know nothing of N-API; they throw one of
// these, and the N-API layer (napi-errors.h) gives each kind the `code` TypeScript dispatches on:
//   Cancelled           → 'ECANCELLED'
//   SysError            → the errno name ('ENOSPC', 'EIO', 'ENOENT', …) with `syscall` and `path`
//   CorruptData         → 'ECORRUPT' (a file holds what no sealing artifact can: wrong size, value ≥ r)
//   std::invalid_argument → 'EINVAL'
#pragma once
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sdr {

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

// A failed system call; the message names the operation, the file (if any), the reason and, when
// there is one, the way out.
struct SysError : std::runtime_error {
  SysError(int err, std::string call, std::string file, const std::string& what, const std::string& hint = "")
      : std::runtime_error(what + (file.empty() ? std::string() : " " + file) + ": " + std::strerror(err) +
                           (hint.empty() ? std::string() : " (" + hint + ")")),
        errnum(err),
        syscall(std::move(call)),
        path(std::move(file)) {}
  int errnum;
  std::string syscall;
  std::string path;
};

// Throws SysError for the current errno. `what` says what was being done ("cannot write layer file").
[[noreturn]] inline void throw_sys(const char* syscall, const std::string& path, const std::string& what,
                                   const std::string& hint = "") {
  throw SysError(errno, syscall, path, what, hint);
}

struct CorruptData : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The caller's stop flag: an Int32 in a SharedArrayBuffer that JavaScript sets to 1. Polled with
// relaxed loads: a stop only has to be seen within one unit of work, not ordered with anything.
class CancelFlag {
 public:
  CancelFlag() = default;
  explicit CancelFlag(const int32_t* flag) : flag_(flag) {}
  bool raised() const { return flag_ && __atomic_load_n(flag_, __ATOMIC_RELAXED) != 0; }
  void check() const {
    if (raised()) throw Cancelled();
  }

 private:
  const int32_t* flag_ = nullptr;
};

}  // namespace sdr
