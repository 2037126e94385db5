#include "arguments.h"

#include <climits>
#include <cmath>
#include <string>

#include "errors.h"

namespace sysbind {

int IntArgument(const Napi::CallbackInfo &info, std::size_t index, const char *name) {
  Napi::Env env = info.Env();
  Napi::Value value = info[index];
  if (!value.IsNumber()) {
    throw InvalidArgType(env, name, "of type number", value);
  }
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < INT_MIN || number > INT_MAX) {
    throw OutOfRange(env, name,
                     "an integer from " + std::to_string(INT_MIN) + " to " + std::to_string(INT_MAX));
  }
  return static_cast<int>(number);
}

Napi::Function CallbackArgument(const Napi::CallbackInfo &info, std::size_t index) {
  Napi::Value value = info[index];
  if (!value.IsFunction()) {
    throw InvalidArgType(info.Env(), "callback", "of type function", value);
  }
  return value.As<Napi::Function>();
}

} // namespace sysbind
