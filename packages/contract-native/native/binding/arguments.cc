#include "arguments.h"

#include "errors.h"

#include <cmath>

namespace sysbind {
namespace {

Napi::Value ArgAt(const Napi::CallbackInfo &info, std::size_t index) {
  return index < info.Length() ? info[index] : info.Env().Undefined();
}

double IntegerArg(const Napi::CallbackInfo &info, std::size_t index, const char *name, double min, double max,
                  const char *range) {
  Napi::Value value = ArgAt(info, index);
  if (!value.IsNumber())
    throw InvalidArgType(info.Env(), name, "of type number", value);
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < min || number > max)
    throw OutOfRange(info.Env(), name, range);
  return number;
}

} // namespace

std::string ContractTypeArg(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  Napi::Value value = ArgAt(info, index);
  if (!value.IsString())
    throw InvalidArgType(info.Env(), name, "of type string", value);
  std::string type = value.As<Napi::String>().Utf8Value();
  if (type != "process" && type != "device")
    throw InvalidArgValue(info.Env(), name, "must be 'process' or 'device'");
  return type;
}

int32_t CtidArg(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  return static_cast<int32_t>(
      IntegerArg(info, index, name, 0, 2147483647.0, "an integer >= 0 and <= 2147483647"));
}

uint32_t UintArg(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  return static_cast<uint32_t>(
      IntegerArg(info, index, name, 0, 4294967295.0, "an integer >= 0 and <= 4294967295"));
}

int32_t IntArg(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  return static_cast<int32_t>(IntegerArg(info, index, name, -2147483648.0, 2147483647.0,
                                         "an integer >= -2147483648 and <= 2147483647"));
}

uint64_t BigUint64Arg(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  Napi::Value value = ArgAt(info, index);
  if (!value.IsBigInt())
    throw InvalidArgType(info.Env(), name, "of type bigint", value);
  bool lossless = false;
  uint64_t number = value.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless)
    throw OutOfRange(info.Env(), name, ">= 0n and < 2n ** 64n");
  return number;
}

std::string StringArg(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  Napi::Value value = ArgAt(info, index);
  if (!value.IsString())
    throw InvalidArgType(info.Env(), name, "of type string", value);
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.find('\0') != std::string::npos)
    throw InvalidArgValue(info.Env(), name, "must be a string without null bytes");
  return text;
}

} // namespace sysbind
