// Whether JS can run in an environment right now. A thread-safe function's callback may still be
// called while its worker is being terminated; node-addon-api then turns the first failed call
// into an error it cannot even build, and aborts the process. Callbacks ask this first, through
// the raw N-API (a property read, which N-API refuses once JS can no longer run), and do nothing
// with JS values when it says no.
#ifndef SYSBIND_GRIDCENTRIC_JS_READY_H
#define SYSBIND_GRIDCENTRIC_JS_READY_H

#include <node_api.h>

namespace sysbind {

inline bool CanRunJs(napi_env env) {
  if (env == nullptr)
    return false;
  napi_value global = nullptr;
  napi_value value = nullptr;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending)
    return false;
  return napi_get_global(env, &global) == napi_ok &&
         napi_get_named_property(env, global, "Object", &value) == napi_ok;
}

} // namespace sysbind

#endif
