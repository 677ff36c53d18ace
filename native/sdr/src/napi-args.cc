#include "napi-args.h"

#include "napi-errors.h"

namespace sdr::napi {

namespace {
constexpr double kMaxSafeInteger = 9007199254740991.0;

std::string range_text(uint64_t min, uint64_t max) {
  if (max == UINT64_MAX) return "at least " + std::to_string(min);
  return "between " + std::to_string(min) + " and " + std::to_string(max);
}
}  // namespace

uint64_t u64(const Napi::Value& v, const std::string& name, uint64_t min, uint64_t max) {
  uint64_t x;
  if (v.IsBigInt()) {
    bool lossless = false;
    x = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw_range(v.Env(), name + " does not fit in an unsigned 64-bit integer");
  } else if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d > kMaxSafeInteger || d != static_cast<double>(static_cast<uint64_t>(d)))
      throw_range(v.Env(), name + " must be a non-negative safe integer");
    x = static_cast<uint64_t>(d);
  } else {
    throw_type(v.Env(), name + " must be a number or bigint");
  }
  if (x < min || x > max) throw_range(v.Env(), name + " must be " + range_text(min, max) + ", got " + std::to_string(x));
  return x;
}

bool boolean(const Napi::Value& v, const std::string& name) {
  if (!v.IsBoolean()) throw_type(v.Env(), name + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::string str(const Napi::Value& v, const std::string& name) {
  if (!v.IsString()) throw_type(v.Env(), name + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

std::string path(const Napi::Value& v, const std::string& name) {
  std::string s = str(v, name);
  if (s.empty()) throw_type(v.Env(), name + " must be a non-empty path");
  return s;
}

Napi::Uint8Array bytes(const Napi::Value& v, const std::string& name, size_t length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw_type(v.Env(), name + " must be a Uint8Array");
  auto a = v.As<Napi::Uint8Array>();
  if (length != kAnyLength && a.ByteLength() != length)
    throw_range(v.Env(), name + " must be " + std::to_string(length) + " bytes, got " + std::to_string(a.ByteLength()));
  return a;
}

Napi::Array array(const Napi::Value& v, const std::string& name, size_t min_length, size_t max_length) {
  if (!v.IsArray()) throw_type(v.Env(), name + " must be an array");
  auto a = v.As<Napi::Array>();
  if (a.Length() < min_length || a.Length() > max_length) {
    const std::string want = max_length == kAnyLength ? "at least " + std::to_string(min_length)
                             : min_length == max_length
                                 ? std::to_string(min_length)
                                 : std::to_string(min_length) + " to " + std::to_string(max_length);
    throw_range(v.Env(), name + " must have " + want + " entries, got " + std::to_string(a.Length()));
  }
  return a;
}

std::vector<std::string> paths(const Napi::Value& v, const std::string& name) {
  Napi::Array a = array(v, name);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(path(a.Get(i), name + "[" + std::to_string(i) + "]"));
  return out;
}

int choice(const Napi::Value& v, const std::string& name, std::initializer_list<const char*> choices, int fallback) {
  if (absent(v) && fallback >= 0) return fallback;
  std::string list;
  for (const char* c : choices) list += (list.empty() ? "'" : ", '") + std::string(c) + "'";
  if (!v.IsString()) throw_type(v.Env(), name + " must be one of " + list);
  const std::string s = v.As<Napi::String>().Utf8Value();
  int i = 0;
  for (const char* c : choices) {
    if (s == c) return i;
    i++;
  }
  throw_type(v.Env(), name + " must be one of " + list + ", got '" + s + "'");
}

Options::Options(const Napi::Value& v, std::string name) : prefix_(name.empty() ? "" : name + ".") {
  if (!v.IsObject() || v.IsArray())
    throw_type(v.Env(), (name.empty() ? std::string("options") : name) + " must be an object");
  obj_ = v.As<Napi::Object>();
}

uint64_t Options::u64(const char* key, uint64_t min, uint64_t max) const {
  return napi::u64(get(key), field(key), min, max);
}

std::optional<uint64_t> Options::opt_u64(const char* key, uint64_t min, uint64_t max) const {
  Napi::Value v = get(key);
  if (absent(v)) return std::nullopt;
  return napi::u64(v, field(key), min, max);
}

bool Options::boolean(const char* key) const { return napi::boolean(get(key), field(key)); }

std::string Options::path(const char* key) const { return napi::path(get(key), field(key)); }

std::string Options::opt_path(const char* key) const {
  Napi::Value v = get(key);
  return absent(v) ? std::string() : napi::path(v, field(key));
}

std::vector<std::string> Options::paths(const char* key) const { return napi::paths(get(key), field(key)); }

std::vector<std::string> Options::opt_paths(const char* key) const {
  Napi::Array a = array(get(key), field(key));
  std::vector<std::string> out;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value x = a.Get(i);
    out.push_back(absent(x) ? std::string() : napi::path(x, field(key) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

Napi::Uint8Array Options::bytes(const char* key, size_t length) const { return napi::bytes(get(key), field(key), length); }

std::vector<Options> Options::objects(const char* key) const {
  Napi::Array a = array(get(key), field(key));
  std::vector<Options> out;
  for (uint32_t i = 0; i < a.Length(); i++) out.emplace_back(a.Get(i), field(key) + "[" + std::to_string(i) + "]");
  return out;
}

int Options::choice(const char* key, std::initializer_list<const char*> choices, int fallback) const {
  return napi::choice(get(key), field(key), choices, fallback);
}

}  // namespace sdr::napi
