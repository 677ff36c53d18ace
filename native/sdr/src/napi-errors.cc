#include "napi-errors.h"

#include <uv.h>

#include <new>
#include <stdexcept>

#include "failure.h"

namespace sdr::napi {

namespace {
Failure coded(const char* message, const char* code) {
  Failure f;
  f.message = message;
  f.code = code;
  return f;
}
}  // namespace

Failure current_failure() {
  try {
    throw;
  } catch (const Cancelled& e) {
    return coded(e.what(), "ECANCELLED");
  } catch (const SysError& e) {
    // libuv's error numbers are the negated errno values on every POSIX system.
    Failure f = coded(e.what(), uv_err_name(-e.errnum));
    f.syscall = e.syscall;
    f.path = e.path;
    f.errnum = e.errnum;
    return f;
  } catch (const CorruptData& e) {
    return coded(e.what(), "ECORRUPT");
  } catch (const std::invalid_argument& e) {
    return coded(e.what(), "EINVAL");
  } catch (const std::bad_alloc&) {
    return coded("out of memory", "ENOMEM");
  } catch (const std::exception& e) {
    return coded(e.what(), "");
  } catch (...) {
    return coded("unknown native failure", "");
  }
}

Napi::Error to_js(Napi::Env env, const Failure& f) {
  Napi::Error e = Napi::Error::New(env, f.message);
  if (!f.code.empty()) e.Set("code", f.code);
  if (!f.syscall.empty()) e.Set("syscall", f.syscall);
  if (!f.path.empty()) e.Set("path", f.path);
  if (f.errnum) e.Set("errno", Napi::Number::New(env, -f.errnum));
  return e;
}

void throw_type(Napi::Env env, const std::string& message) {
  Napi::TypeError e = Napi::TypeError::New(env, message);
  e.Set("code", "EINVAL");
  throw e;
}

void throw_range(Napi::Env env, const std::string& message) {
  Napi::RangeError e = Napi::RangeError::New(env, message);
  e.Set("code", "EINVAL");
  throw e;
}

}  // namespace sdr::napi
