#include "errors.h"

#include <string>

#include "addon_data.h"

namespace sysbind {
namespace {

Napi::Function GridcentricErrorClass(Napi::Env env) {
  AddonData *data = FindAddonData(env);
  if (data == nullptr || data->errorConstructor.IsEmpty())
    return Napi::Function();
  return data->errorConstructor.Value();
}

Napi::Error WithCode(Napi::Error error, const char *code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

} // namespace

Napi::Value LibraryError(Napi::Env env, const Outcome &outcome, const Subject &subject) {
  Napi::Object extra = Napi::Object::New(env);
  if (subject.kind == Subject::Kind::Vmid)
    extra.Set("vmid", Napi::Number::New(env, subject.value));
  if (subject.kind == Subject::Kind::Ticket)
    extra.Set("ticket", Napi::Number::New(env, subject.value));
  Napi::Function errorClass = GridcentricErrorClass(env);
  if (!errorClass.IsEmpty()) {
    Napi::Value fromErrno = errorClass.Get("fromErrno");
    if (fromErrno.IsFunction()) {
      return fromErrno.As<Napi::Function>().Call(
          errorClass,
          {Napi::Number::New(env, outcome.error), Napi::String::New(env, outcome.syscall), extra});
    }
  }
  // Loaded without the package's loader: a plain Error with the same fields.
  Napi::Error error = Napi::Error::New(env, std::string(outcome.syscall) + " failed with errno " +
                                                std::to_string(outcome.error));
  error.Set("errno", Napi::Number::New(env, -outcome.error));
  error.Set("syscall", Napi::String::New(env, outcome.syscall));
  if (subject.kind == Subject::Kind::Vmid)
    error.Set("vmid", Napi::Number::New(env, subject.value));
  if (subject.kind == Subject::Kind::Ticket)
    error.Set("ticket", Napi::Number::New(env, subject.value));
  return error.Value();
}

Napi::Error CodedError(Napi::Env env, const char *code, const std::string &message) {
  Napi::Function errorClass = GridcentricErrorClass(env);
  if (!errorClass.IsEmpty()) {
    Napi::Object details = Napi::Object::New(env);
    details.Set("code", Napi::String::New(env, code));
    return Napi::Error(env, errorClass.New({Napi::String::New(env, message), details}));
  }
  return WithCode(Napi::Error::New(env, message), code);
}

Napi::Error InvalidType(Napi::Env env, const char *code, const std::string &message) {
  return WithCode(Napi::TypeError::New(env, message), code);
}

Napi::Error OutOfRange(Napi::Env env, const std::string &message) {
  return WithCode(Napi::RangeError::New(env, message), "ERR_OUT_OF_RANGE");
}

} // namespace sysbind
