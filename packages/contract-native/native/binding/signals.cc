#include "signals.h"

#include "arguments.h"
#include "errors.h"

#include <signal.h>
#include <sys/procset.h>

#include <cerrno>

namespace sysbind {

Napi::Value SignalContract(const Napi::CallbackInfo &info) {
  int ctid = CtidArg(info, 0, "ctid");
  int signal = IntArg(info, 1, "signal");
  if (sigsend(P_CTID, ctid, signal) != 0)
    throw ContractErrno(info.Env(), errno, "sigsend", {ctid, ""});
  return info.Env().Undefined();
}

} // namespace sysbind
