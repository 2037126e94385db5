#include "errors.h"

#include "addon_data.h"

#include <cstring>

namespace sysbind {
namespace {

Napi::Error WithCode(Napi::Error error, const char *code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

const char *TypeName(const Napi::Value &value) {
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

} // namespace

Napi::Error ContractErrno(Napi::Env env, int errnum, const char *syscall, const ErrorSubject &subject) {
  Napi::Object extra = Napi::Object::New(env);
  if (subject.ctid >= 0)
    extra.Set("ctid", Napi::Number::New(env, subject.ctid));
  if (!subject.path.empty())
    extra.Set("path", Napi::String::New(env, subject.path));

  // ContractError.fromErrno derives the code name and message, so native failures read exactly
  // like the simulator's.
  AddonData &data = GetAddonData(env);
  if (!data.errorConstructor.IsEmpty()) {
    Napi::Function ctor = data.errorConstructor.Value();
    Napi::Value fromErrno = ctor.Get("fromErrno");
    if (fromErrno.IsFunction()) {
      Napi::Value made = fromErrno.As<Napi::Function>().Call(
          ctor, {Napi::Number::New(env, errnum), Napi::String::New(env, syscall), extra});
      if (made.IsObject())
        return Napi::Error(env, made);
    }
  }

  // Only reachable if the loader never handed the class over: a plain Error with the same fields.
  Napi::Error error = Napi::Error::New(env, std::string(syscall) + ": " + std::strerror(errnum));
  error.Set("errno", Napi::Number::New(env, -errnum));
  error.Set("syscall", Napi::String::New(env, syscall));
  if (subject.ctid >= 0)
    error.Set("ctid", Napi::Number::New(env, subject.ctid));
  if (!subject.path.empty())
    error.Set("path", Napi::String::New(env, subject.path));
  return error;
}

Napi::Error InvalidArgType(Napi::Env env, const char *name, const char *expected,
                           const Napi::Value &received) {
  return WithCode(Napi::TypeError::New(env, std::string("The \"") + name + "\" argument must be " + expected +
                                                ". Received type " + TypeName(received)),
                  "ERR_INVALID_ARG_TYPE");
}

Napi::Error InvalidArgValue(Napi::Env env, const char *name, const std::string &why) {
  return WithCode(Napi::TypeError::New(env, std::string("The argument '") + name + "' " + why),
                  "ERR_INVALID_ARG_VALUE");
}

Napi::Error OutOfRange(Napi::Env env, const char *name, const char *range) {
  return WithCode(Napi::RangeError::New(env, std::string("The value of \"") + name +
                                                 "\" is out of range. It must be " + range),
                  "ERR_OUT_OF_RANGE");
}

Napi::Error InvalidThis(Napi::Env env, const char *className, const char *method) {
  return WithCode(
      Napi::TypeError::New(env, std::string(method) + " called on an object that is not a " + className),
      "ERR_INVALID_THIS");
}

Napi::Error IllegalConstructor(Napi::Env env, const char *className) {
  return WithCode(Napi::TypeError::New(env, std::string(className) +
                                                " handles are created by the addon's open functions"),
                  "ERR_ILLEGAL_CONSTRUCTOR");
}

} // namespace sysbind
