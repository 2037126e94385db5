// Failures of the C libraries and system calls behind the @sysbind addons, as errors shaped like
// Node's SystemError: built by the package's own error class (ContractError, GridcentricError,
// both on @sysbind/core's SystemErrorBase), so that native failures read exactly like the
// simulator's, with the same code names, messages and errno table.
#ifndef SYSBIND_CORE_SYSTEM_ERROR_H
#define SYSBIND_CORE_SYSTEM_ERROR_H

#include <napi.h>

#include <cstring>
#include <string>

namespace sysbind {

// The error class the loader handed over (see addon_exports.h), or an empty Function when the
// addon was loaded without the package's loader.
inline Napi::Function ErrorClassOf(const Napi::FunctionReference &errorClass) {
  return errorClass.IsEmpty() ? Napi::Function() : errorClass.Value();
}

// The error for `errnum` (positive, as the C libraries report it) from `syscall`, with the
// properties of `subject` (ctid, vmid, path: what the failure is about) copied onto it:
// errorClass.fromErrno(errnum, syscall, subject). Without the class, a plain Error with the same
// fields (errno negative, as Node's), so a failure is never lost for want of its class.
inline Napi::Error ErrnoError(Napi::Env env, Napi::Function errorClass, int errnum, const char *syscall,
                              Napi::Object subject) {
  if (!errorClass.IsEmpty()) {
    Napi::Value fromErrno = errorClass.Get("fromErrno");
    if (fromErrno.IsFunction()) {
      Napi::Value made = fromErrno.As<Napi::Function>().Call(
          errorClass, {Napi::Number::New(env, errnum), Napi::String::New(env, syscall), subject});
      if (made.IsObject())
        return Napi::Error(env, made);
    }
  }
  Napi::Error error = Napi::Error::New(env, std::string(syscall) + ": " + std::strerror(errnum));
  error.Set("errno", Napi::Number::New(env, -errnum));
  error.Set("syscall", Napi::String::New(env, syscall));
  Napi::Object fields = error.Value();
  Napi::Array names = subject.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); i++)
    fields.Set(names.Get(i), subject.Get(names.Get(i)));
  return error;
}

} // namespace sysbind

#endif
