// sigsend(P_CTID, ctid, signal): a signal to every member of a process contract.
#ifndef SYSBIND_CONTRACT_SIGNALS_H
#define SYSBIND_CONTRACT_SIGNALS_H

#include <napi.h>

namespace sysbind {

// sigsend(ctid, signal).
Napi::Value SignalContract(const Napi::CallbackInfo &info);

} // namespace sysbind

#endif
