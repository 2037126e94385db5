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
    throw InvalidType(env, "ERR_INVALID_ARG_TYPE",
                      std::string("The \"") + name + "\" argument must be of type number");
  }
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < INT_MIN || number > INT_MAX) {
    throw OutOfRange(env, std::string("The value of \"") + name +
                              "\" is out of range. It must be an integer from " + std::to_string(INT_MIN) +
                              " to " + std::to_string(INT_MAX));
  }
  return static_cast<int>(number);
}

Napi::Function CallbackArgument(const Napi::CallbackInfo &info, std::size_t index) {
  Napi::Value value = info[index];
  if (!value.IsFunction()) {
    throw InvalidType(info.Env(), "ERR_INVALID_ARG_TYPE",
                      "The \"callback\" argument must be of type function");
  }
  return value.As<Napi::Function>();
}

} // namespace sysbind
