// N-API surface of the BLS12-381 scalar field and Poseidon (sync): tests, benchmarks and the few
// single hashes the TypeScript side needs (compound roots, comm_r).
#include <napi.h>

#include <cstring>
#include <string>
#include <vector>

#include "fr.h"
#include "napi-args.h"
#include "poseidon.h"
#include "registry.h"

namespace sdr {
namespace {

using namespace sdr::napi;
using fr::Fr;
using poseidon::Form;
using poseidon::Kernel;

Napi::Uint8Array copy_out(Napi::Env env, const uint8_t* p, size_t n) {
  auto out = Napi::Uint8Array::New(env, n);
  std::memcpy(out.Data(), p, n);
  return out;
}

// A canonical 32-byte little-endian field element.
Fr element(const Napi::Value& v, const std::string& name) {
  Fr x;
  if (!fr::from_bytes(x, bytes(v, name, 32).Data()))
    throw_range(v.Env(), name + " is not a canonical field element (value ≥ the BLS12-381 modulus r)");
  return x;
}

void check_canonical(Napi::Env env, const uint8_t* in, size_t count, const std::string& what) {
  for (size_t i = 0; i < count; i++) {
    Fr x;
    if (!fr::from_bytes(x, in + 32 * i))
      throw_range(env, what + " " + std::to_string(i) + " is not a canonical field element (value ≥ r)");
  }
}

// kernel?: 'auto' (default) | 'portable' | 'adx' | 'ifma'
Kernel kernel_arg(const Napi::Value& v) {
  const auto k = static_cast<Kernel>(choice(v, "kernel", {"auto", "portable", "adx", "ifma"}, 0));
  if (!poseidon::kernel_available(k))
    throw_type(v.Env(), "the " + v.As<Napi::String>().Utf8Value() +
                            " kernel is not available on this CPU (or disabled by SDR_DISABLE_*)");
  return k;
}

// Field ops take the multiply kernels only; IFMA is a Poseidon batch kernel.
Kernel field_kernel_arg(const Napi::Value& v) {
  const Kernel k = kernel_arg(v);
  if (k == Kernel::Ifma) throw_type(v.Env(), "field ops have no IFMA kernel (it is a Poseidon batch kernel)");
  return k;
}

// form?: 'plain' | 'optimized' (default)
Form form_arg(const Napi::Value& v) { return choice(v, "form", {"plain", "optimized"}, 1) == 0 ? Form::Plain : Form::Optimized; }

template <class M>
Fr fr_binop(char op, const Fr& a, const Fr& b) {
  Fr r;
  switch (op) {
    case '+': fr::add(r, a, b); break;
    case '-': fr::sub(r, a, b); break;
    case '*': M::mul(r, a, b); break;
    case '2': M::mul(r, a, a); break;
    default: r = fr::inverse(a);
  }
  return r;
}

Napi::Value fr_result(Napi::Env env, char op, const Fr& a, const Fr& b, Kernel k) {
  Fr r;
#if defined(__x86_64__)
  if (k == Kernel::Adx || (k == Kernel::Auto && fr::adx_usable())) r = fr_binop<fr::MulAdx>(op, a, b);
  else
#endif
    r = fr_binop<fr::MulPortable>(op, a, b);
  uint8_t out[32];
  fr::to_bytes(out, r);
  return copy_out(env, out, 32);
}

// frOp(op: '+'|'-'|'*'|'sq'|'inv', a, b, kernel?) → canonical LE bytes
Napi::Value FrOp(const Napi::CallbackInfo& info) {
  static const char ops[] = {'+', '-', '*', '2', 'i'};
  const int op = choice(info[0], "op", {"+", "-", "*", "sq", "inv"});
  const Fr a = element(info[1], "a");
  const Fr b = op >= 3 ? a : element(info[2], "b");
  return fr_result(info.Env(), ops[op], a, b, field_kernel_arg(info[3]));
}

// frMul(a, b, kernel?) = frOp('*', a, b, kernel?)
Napi::Value FrMul(const Napi::CallbackInfo& info) {
  return fr_result(info.Env(), '*', element(info[0], "a"), element(info[1], "b"), field_kernel_arg(info[2]));
}

// frIsCanonical(bytes32) → boolean
Napi::Value FrIsCanonical(const Napi::CallbackInfo& info) {
  Fr x;
  return Napi::Boolean::New(info.Env(), fr::from_bytes(x, bytes(info[0], "element", 32).Data()));
}

const poseidon::Constants& constants_arg(const Napi::Value& arity, bool strengthened) {
  const int a = int(u64(arity, "arity", 1, 64));
  try {
    return poseidon::constants(a, strengthened);
  } catch (const std::exception& e) {
    throw_range(arity.Env(), e.what());
  }
}

// poseidonPermute(arity, strengthened, state: Uint8Array(t·32), form?, kernel?) → Uint8Array(t·32)
Napi::Value PoseidonPermute(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info[0], info[1].ToBoolean());
  const uint8_t* in = bytes(info[2], "state", size_t(c.t) * 32).Data();
  check_canonical(info.Env(), in, c.t, "state element");
  std::vector<Fr> s(c.t);
  for (int i = 0; i < c.t; i++) fr::from_bytes(s[i], in + 32 * i);
  const Form form = form_arg(info[3]);
  const Kernel kernel = kernel_arg(info[4]);
  guarded(info.Env(), [&] { poseidon::permute(c, s.data(), form, kernel); });
  std::vector<uint8_t> out(size_t(c.t) * 32);
  for (int i = 0; i < c.t; i++) fr::to_bytes(&out[32 * i], s[i]);
  return copy_out(info.Env(), out.data(), out.size());
}

// poseidonHashMany(arity, inputs: Uint8Array(n·arity·32), form?, kernel?) → Uint8Array(n·32)
// MerkleTree hash of each group; inputs are validated as canonical.
Napi::Value PoseidonHashMany(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info[0], false);
  Napi::Uint8Array in = bytes(info[1], "inputs");
  const size_t len = in.ByteLength(), group = size_t(c.arity) * 32;
  if (len == 0 || len % group != 0)
    throw_range(info.Env(), "inputs must be a non-empty multiple of arity × 32 = " + std::to_string(group) + " bytes, got " +
                                std::to_string(len));
  check_canonical(info.Env(), in.Data(), len / 32, "input element");
  const Form form = form_arg(info[2]);
  const Kernel kernel = kernel_arg(info[3]);
  std::vector<uint8_t> out(len / group * 32);
  guarded(info.Env(), [&] { poseidon::hash_many(c, in.Data(), out.data(), len / group, form, kernel); });
  return copy_out(info.Env(), out.data(), out.size());
}

// poseidonHash(arity, inputs: Uint8Array[], form?, kernel?) → Uint8Array(32): the array form of
// poseidonHashMany for a single hash.
Napi::Value PoseidonHash(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info[0], false);
  Napi::Array arr = array(info[1], "inputs");
  if (arr.Length() != uint32_t(c.arity))
    throw_range(info.Env(), "Poseidon arity " + std::to_string(c.arity) + " needs " + std::to_string(c.arity) +
                                " inputs, got " + std::to_string(arr.Length()));
  std::vector<uint8_t> in(size_t(c.arity) * 32);
  for (uint32_t i = 0; i < arr.Length(); i++)
    std::memcpy(&in[32 * i], bytes(arr.Get(i), "input " + std::to_string(i), 32).Data(), 32);
  check_canonical(info.Env(), in.data(), c.arity, "input");
  const Form form = form_arg(info[2]);
  const Kernel kernel = kernel_arg(info[3]);
  uint8_t out[32];
  guarded(info.Env(), [&] { poseidon::hash_bytes(c, in.data(), out, form, kernel); });
  return copy_out(info.Env(), out, 32);
}

// poseidonConstants(arity, strengthened) → { t, rf, rp, rc, mds, mdsInv, compressed, preSparse, sparse }
Napi::Value PoseidonConstants(const Napi::CallbackInfo& info) {
  const auto& c = constants_arg(info[0], info[1].ToBoolean());
  auto env = info.Env();
  auto pack = [&](const std::vector<Fr>& v) {
    std::vector<uint8_t> b(v.size() * 32);
    for (size_t i = 0; i < v.size(); i++) fr::to_bytes(&b[32 * i], v[i]);
    return copy_out(env, b.data(), b.size());
  };
  auto o = Napi::Object::New(env);
  o.Set("t", c.t);
  o.Set("rf", c.rf);
  o.Set("rp", c.rp);
  o.Set("rc", pack(c.rc));
  o.Set("mds", pack(c.mds));
  o.Set("mdsInv", pack(c.mds_inv));
  o.Set("compressed", pack(c.compressed));
  o.Set("preSparse", pack(c.pre_sparse));
  o.Set("sparse", pack(c.sparse));
  return o;
}

// poseidonKernels() → the kernels this CPU runs: 'portable' always, then 'adx', 'ifma'
Napi::Value PoseidonKernels(const Napi::CallbackInfo& info) {
  auto a = Napi::Array::New(info.Env());
  a.Set(0u, "portable");
  if (fr::adx_usable()) a.Set(a.Length(), "adx");
  if (poseidon::kernel_available(Kernel::Ifma)) a.Set(a.Length(), "ifma");
  return a;
}

}  // namespace

SDR_REGISTER_FUNCTIONS(InitField,
                       {"frOp", FrOp},
                       {"frMul", FrMul},
                       {"frIsCanonical", FrIsCanonical},
                       {"poseidonPermute", PoseidonPermute},
                       {"poseidonHashMany", PoseidonHashMany},
                       {"poseidonHash", PoseidonHash},
                       {"poseidonConstants", PoseidonConstants},
                       {"poseidonKernels", PoseidonKernels});
}  // namespace sdr
