// The few system calls the Linux backend needs that Node has no API for: extended attributes on
// cgroup folders (the contract's terms and owner), and starting the per-owner sentinel detached.
// Each returns a negative errno on failure rather than throwing, so JS builds ContractErrors.
#ifndef SYSBIND_CONTRACT_LINUX_HOST_CALLS_H
#define SYSBIND_CONTRACT_LINUX_HOST_CALLS_H

#include <napi.h>

namespace sysbind::linux_backend {

// getXattr(path, name): the value as a string, or -errno.
Napi::Value GetXattr(const Napi::CallbackInfo &info);
// setXattr(path, name, value): 0, or -errno.
Napi::Value SetXattr(const Napi::CallbackInfo &info);
// startSentinel(executable, args[]): the write end of the sentinel's stdin pipe (close-on-exec),
// or -errno. The sentinel runs detached (double fork, own session): Node never has to reap it.
Napi::Value StartSentinel(const Napi::CallbackInfo &info);
// acquireSpawnLock(tag, timeoutMs): true once this thread (tag = threadId + 1) holds the
// process-wide lock around "move into the contract's cgroup, fork, move back", which every JS
// thread of the process shares (the addon is loaded once per process); false on timeout. A lock
// held longer than a second by a thread that was terminated meanwhile is taken over.
Napi::Value AcquireSpawnLock(const Napi::CallbackInfo &info);
// releaseSpawnLock(tag): releases it if `tag` holds it.
Napi::Value ReleaseSpawnLock(const Napi::CallbackInfo &info);
// closeFd(fd): closes a descriptor returned by startSentinel.
Napi::Value CloseFd(const Napi::CallbackInfo &info);

} // namespace sysbind::linux_backend

#endif
