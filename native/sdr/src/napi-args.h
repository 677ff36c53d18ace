// Argument parsing for every export: typed readers whose errors name the value they reject
// ("sectors[1].replicaId must be 32 bytes, got 31") and carry code 'EINVAL' (napi-errors.h).
// Free functions read one positional value; Options reads the fields of an options object.
#pragma once
#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "napi-errors.h"

namespace sdr::napi {

constexpr size_t kAnyLength = SIZE_MAX;

inline bool absent(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

// A bigint or a safe-integer number in [min, max].
uint64_t u64(const Napi::Value& v, const std::string& name, uint64_t min = 0, uint64_t max = UINT64_MAX);
bool boolean(const Napi::Value& v, const std::string& name);
std::string str(const Napi::Value& v, const std::string& name);
// A non-empty string naming a file.
std::string path(const Napi::Value& v, const std::string& name);
Napi::Uint8Array bytes(const Napi::Value& v, const std::string& name, size_t length = kAnyLength);
Napi::Array array(const Napi::Value& v, const std::string& name, size_t min_length = 0, size_t max_length = kAnyLength);
std::vector<std::string> paths(const Napi::Value& v, const std::string& name);
// One of `choices` by name, returned as its index; an absent value gives `fallback` (−1: required).
int choice(const Napi::Value& v, const std::string& name, std::initializer_list<const char*> choices, int fallback = -1);

// A typed array of one element type; `type_name` with its article ("a Uint32Array").
template <class T>
Napi::TypedArrayOf<T> typed(const Napi::Value& v, const std::string& name, napi_typedarray_type type, const char* type_name,
                            size_t length = kAnyLength);

class Options {
 public:
  // `name` prefixes field names in messages ("params" → "params.nodes"); empty for top-level options.
  explicit Options(const Napi::Value& v, std::string name = "");

  Napi::Value get(const char* key) const { return obj_.Get(key); }
  std::string field(const char* key) const { return prefix_ + key; }

  uint64_t u64(const char* key, uint64_t min = 0, uint64_t max = UINT64_MAX) const;
  std::optional<uint64_t> opt_u64(const char* key, uint64_t min = 0, uint64_t max = UINT64_MAX) const;
  bool boolean(const char* key) const;
  std::string path(const char* key) const;
  // An absent (null or undefined) path reads as "" (the kernels' "no file": CC data, skipped tree).
  std::string opt_path(const char* key) const;
  std::vector<std::string> paths(const char* key) const;
  // Entries may be null: those read as "".
  std::vector<std::string> opt_paths(const char* key) const;
  Napi::Uint8Array bytes(const char* key, size_t length = kAnyLength) const;
  std::vector<Options> objects(const char* key) const;
  int choice(const char* key, std::initializer_list<const char*> choices, int fallback = -1) const;

 private:
  Napi::Object obj_;
  std::string prefix_;
};

// ---- template definitions -------------------------------------------------------------------------

template <class T>
Napi::TypedArrayOf<T> typed(const Napi::Value& v, const std::string& name, napi_typedarray_type type, const char* type_name,
                            size_t length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throw_type(v.Env(), name + " must be " + type_name);
  auto a = v.As<Napi::TypedArrayOf<T>>();
  if (length != kAnyLength && a.ElementLength() != length)
    throw_range(v.Env(), name + " must have " + std::to_string(length) + " elements, got " + std::to_string(a.ElementLength()));
  return a;
}

}  // namespace sdr::napi
