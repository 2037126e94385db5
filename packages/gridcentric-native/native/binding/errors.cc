#include "errors.h"

#include <string>

#include <sysbind/system_error.h>

#include "addon_data.h"

namespace sysbind {
namespace {

Napi::Function GridcentricErrorClass(Napi::Env env) {
  AddonData *data = FindAddonData(env);
  return data == nullptr ? Napi::Function() : ErrorClassOf(data->errorConstructor);
}

} // namespace

Napi::Value LibraryError(Napi::Env env, const Outcome &outcome, const Subject &subject) {
  Napi::Object extra = Napi::Object::New(env);
  if (subject.kind == Subject::Kind::Vmid)
    extra.Set("vmid", Napi::Number::New(env, subject.value));
  if (subject.kind == Subject::Kind::Ticket)
    extra.Set("ticket", Napi::Number::New(env, subject.value));
  return ErrnoError(env, GridcentricErrorClass(env), outcome.error, outcome.syscall, extra).Value();
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

} // namespace sysbind
