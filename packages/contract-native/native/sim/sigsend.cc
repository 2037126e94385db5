// Sim flavor: sigsend(2), of which the binding only uses P_CTID; answered by the simulator.
#include <sys/procset.h>

#include "shim_values.h"

using namespace sysbind::sim;

extern "C" int sigsend(idtype_t idtype, id_t id, int signal) {
  ShimScope scope;
  Bridge *bridge = scope.bridge();
  int error = 0;
  if (idtype != P_CTID)
    error = EINVAL; // the simulator models contracts only
  else if (bridge == nullptr || bridge->api.IsEmpty())
    error = ESRCH;
  else
    error = ErrnoOf(CallApi(
        Napi::Env(bridge->env), bridge->api, "sigsend",
        {Napi::Number::New(bridge->env, static_cast<double>(id)), Napi::Number::New(bridge->env, signal)}));
  if (error == 0)
    return 0;
  errno = error;
  return -1;
}
