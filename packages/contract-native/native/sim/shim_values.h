// Conversions between the simulator's JS values and libcontract's C types, for the shim.
#ifndef SYSBIND_SIM_SHIM_VALUES_H
#define SYSBIND_SIM_SHIM_VALUES_H

#include <napi.h>

#include "simulator_bridge.h"

#include <cerrno>
#include <cstdint>
#include <string>

namespace sysbind {
namespace sim {

// Reads a JS number as an unsigned 32-bit value; false if it is not a number.
inline bool ToUint(const Napi::Value &value, unsigned int *out) {
  if (!value.IsNumber())
    return false;
  *out = value.As<Napi::Number>().Uint32Value();
  return true;
}

inline bool ToInt(const Napi::Value &value, int *out) {
  if (!value.IsNumber())
    return false;
  *out = value.As<Napi::Number>().Int32Value();
  return true;
}

inline bool ToUint64(const Napi::Value &value, uint64_t *out) {
  if (!value.IsBigInt())
    return false;
  bool lossless = false;
  *out = value.As<Napi::BigInt>().Uint64Value(&lossless);
  return true;
}

inline bool ToString(const Napi::Value &value, std::string *out) {
  if (!value.IsString())
    return false;
  *out = value.As<Napi::String>().Utf8Value();
  return true;
}

// An Out<T> reply read with `convert` into *out: 0, the simulator's errno, or EIO for a value of
// the wrong type.
template <typename T, typename Convert> int OutInto(const Reply &reply, T *out, Convert convert) {
  Napi::Value value;
  int error = OutOf(reply, &value);
  if (error != 0)
    return error;
  return convert(value, out) ? 0 : EIO;
}

} // namespace sim
} // namespace sysbind

#endif
