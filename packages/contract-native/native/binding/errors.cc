#include "errors.h"

#include "addon_data.h"

#include <sysbind/system_error.h>

namespace sysbind {

Napi::Error ContractErrno(Napi::Env env, int errnum, const char *syscall, const ErrorSubject &subject) {
  Napi::Object extra = Napi::Object::New(env);
  if (subject.ctid >= 0)
    extra.Set("ctid", Napi::Number::New(env, subject.ctid));
  if (!subject.path.empty())
    extra.Set("path", Napi::String::New(env, subject.path));
  return ErrnoError(env, ErrorClassOf(GetAddonData(env).errorConstructor), errnum, syscall, extra);
}

} // namespace sysbind
