// Kernel failures as JavaScript errors. Every error the addon raises or rejects with carries a
// `code`, so TypeScript classifies it without reading the message (native/sdr/README.md):
//   'ECANCELLED'                 the cancel flag was raised (sdr::Cancelled)
//   errno names ('ENOSPC', 'EIO', 'ENOENT', …) a system call failed (sdr::SysError), with `syscall`,
//                                `path` (when a file is involved) and `errno` (negative, as Node's fs)
//   'ECORRUPT'                   a file holds what no sealing artifact can (sdr::CorruptData)
//   'EINVAL'                     bad arguments: wrong type, size or range (std::invalid_argument)
// Anything else is a bug and has no code.
#pragma once
#include <napi.h>

#include <exception>
#include <string>

namespace sdr::napi {

// A failure caught on a worker thread, kept as plain data until it can become a JS Error.
struct Failure {
  std::string message;
  std::string code;  // empty: unclassified (a bug)
  std::string syscall;
  std::string path;
  int errnum = 0;
};

// Classifies the exception being handled; call inside a catch block.
Failure current_failure();

Napi::Error to_js(Napi::Env env, const Failure& f);

// Bad arguments: a TypeError (wrong kind of value) or RangeError (right kind, wrong size or value),
// both with code 'EINVAL'.
[[noreturn]] void throw_type(Napi::Env env, const std::string& message);
[[noreturn]] void throw_range(Napi::Env env, const std::string& message);

// Runs a synchronous export's body; kernel exceptions leave it as coded JS exceptions.
template <class F>
auto guarded(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw to_js(env, current_failure());
  }
}

}  // namespace sdr::napi
