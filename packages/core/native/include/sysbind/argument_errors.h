// Node-style argument errors thrown by the @sysbind addons: a TypeError or RangeError with a
// `code`, worded as Node's own validators word them and as @sysbind/core's argument-errors.ts
// words the JS side's, so a bad argument reads the same whichever layer refuses it.
#ifndef SYSBIND_CORE_ARGUMENT_ERRORS_H
#define SYSBIND_CORE_ARGUMENT_ERRORS_H

#include <napi.h>

#include <string>

namespace sysbind {

// `error` with its `code` property set.
inline Napi::Error WithCode(Napi::Error error, const char *code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

// The typeof of a refused value, read without running any of its code.
inline const char *TypeName(const Napi::Value &value) {
  switch (value.Type()) {
  case napi_undefined:
    return "undefined";
  case napi_null:
    return "null";
  case napi_boolean:
    return "boolean";
  case napi_number:
    return "number";
  case napi_string:
    return "string";
  case napi_symbol:
    return "symbol";
  case napi_object:
    return "object";
  case napi_function:
    return "function";
  case napi_external:
    return "external";
  case napi_bigint:
    return "bigint";
  }
  return "unknown";
}

// TypeError ERR_INVALID_ARG_TYPE: `name` should have been `expected` ("of type number"). A dotted
// name is an option's property ("options.limit"), as Node words it.
inline Napi::Error InvalidArgType(Napi::Env env, const std::string &name, const std::string &expected,
                                  const Napi::Value &received) {
  const char *what = name.find('.') == std::string::npos ? "argument" : "property";
  return WithCode(Napi::TypeError::New(env, "The \"" + name + "\" " + what + " must be " + expected +
                                                ". Received type " + TypeName(received)),
                  "ERR_INVALID_ARG_TYPE");
}

// TypeError ERR_INVALID_ARG_VALUE: `name` has an accepted type but is unusable (`why`: "is not a
// known signal").
inline Napi::Error InvalidArgValue(Napi::Env env, const std::string &name, const std::string &why) {
  return WithCode(Napi::TypeError::New(env, "The argument '" + name + "' " + why), "ERR_INVALID_ARG_VALUE");
}

// RangeError ERR_OUT_OF_RANGE: `name` has the right type but lies outside `range` ("an integer
// from 0 to 8").
inline Napi::Error OutOfRange(Napi::Env env, const std::string &name, const std::string &range) {
  return WithCode(
      Napi::RangeError::New(env, "The value of \"" + name + "\" is out of range. It must be " + range),
      "ERR_OUT_OF_RANGE");
}

// TypeError ERR_INVALID_THIS: a method of `className` (named when the caller knows which)
// called on something that is not one.
inline Napi::Error InvalidThis(Napi::Env env, const std::string &className, const char *method = nullptr) {
  std::string message = "Value of \"this\" must be of type " + className;
  if (method != nullptr)
    message += std::string(" (") + className + "." + method + ")";
  return WithCode(Napi::TypeError::New(env, message), "ERR_INVALID_THIS");
}

// TypeError ERR_ILLEGAL_CONSTRUCTOR: instances of `className` come only from `creator` (the
// addon's open functions, its factory), never from `new` in JS.
inline Napi::Error IllegalConstructor(Napi::Env env, const std::string &className,
                                      const std::string &creator) {
  return WithCode(
      Napi::TypeError::New(env, "Illegal constructor: " + className + " instances are created by " + creator),
      "ERR_ILLEGAL_CONSTRUCTOR");
}

} // namespace sysbind

#endif
