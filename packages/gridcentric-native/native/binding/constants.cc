#include "constants.h"

#include "gc_api.h"

namespace sysbind {

Napi::Object GridcentricConstants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  auto set = [&](const char *name, double value) { constants.Set(name, Napi::Number::New(env, value)); };

  set("GC_DOMAIN_UNKNOWN", GC_DOMAIN_UNKNOWN);
  set("GC_DOMAIN_CREATING", GC_DOMAIN_CREATING);
  set("GC_DOMAIN_ONLINE", GC_DOMAIN_ONLINE);
  set("GC_DOMAIN_PAUSED", GC_DOMAIN_PAUSED);
  set("GC_DOMAIN_EXITED", GC_DOMAIN_EXITED);
  set("GC_DOMAIN_CRASHED", GC_DOMAIN_CRASHED);
  set("GC_DOMAIN_KILLED", GC_DOMAIN_KILLED);
  set("GC_EXIT_EXITED", GC_EXIT_EXITED);
  set("GC_EXIT_CRASHED", GC_EXIT_CRASHED);
  set("GC_EXIT_KILLED", GC_EXIT_KILLED);
  return constants;
}

} // namespace sysbind
