// Calls that can block in the kernel, run off the JS thread with a promise for their result.
//
// A device contract's abandon (ct_ctl_abandon), its creation (ct_tmpl_create) and the open of a
// device node under a device template wait for the device's negotiation to settle, up to the
// 60 s CT_DEV_ACKTIME (ct_barrier_wait_for_release, ct_barrier_acquire). Such a call is queued as
// Node-API async work: `work` runs on a libuv thread-pool thread and returns 0 or an errno; then,
// on the JS thread, `settle` turns the outcome into the promise's value (or throws, which rejects
// it), and `finish` always runs last, whatever happened (it releases what `work` used). In the
// sim flavor `work` runs on the JS thread too, just before `settle` (see system_calls.h).
//
// `work` may touch only plain data it owns and descriptors kept open for it (FdHandle's
// BeginBlocking); nothing of JS. If the environment is torn down first, the promise is never
// settled and `finish` still runs.
#ifndef SYSBIND_CONTRACT_BLOCKING_CALL_H
#define SYSBIND_CONTRACT_BLOCKING_CALL_H

#include <napi.h>

#include <functional>
#include <memory>

namespace sysbind {

struct BlockingCall {
  // Off the JS thread (system flavor): 0 or an errno.
  std::function<int()> work;
  // On the JS thread, with what `work` returned: the promise's value, or a thrown Napi::Error.
  std::function<Napi::Value(Napi::Env, int)> settle;
  // On the JS thread, last, always.
  std::function<void()> finish;
};

// Queues `call` and returns its promise.
Napi::Promise QueueBlockingCall(Napi::Env env, const char *name, std::unique_ptr<BlockingCall> call);

} // namespace sysbind

#endif
