// The seam between the binding and the operating system, besides libcontract itself.
//
// The binding opens ctfs files and device nodes with sys::open and closes them with sys::close.
// In the system flavor these are the plain open(2) and close(2) (native/system/system_calls.cc);
// in the sim flavor they are answered by the contract simulator (native/sim/), which hands out
// real, pollable file descriptors. Everything else the binding calls keeps its real name in both
// flavors: the libcontract functions and sigsend(2) (which the sim flavor's shim defines), and
// fcntl(2) (the host's, applied to the real descriptors in both flavors, so close-on-exec is
// tested for real). AddFlavorExports lets a flavor add exports of its own (the sim flavor's
// bindSimulator) without an #ifdef in the binding.
#ifndef SYSBIND_CONTRACT_SYSTEM_CALLS_H
#define SYSBIND_CONTRACT_SYSTEM_CALLS_H

#include <napi.h>

namespace sysbind {
namespace sys {

// open(2): a file descriptor, or -1 with errno set. Only ever given the exact modes ctfs accepts
// (contract(5); the "ctfs" part of docs/guides/contract-simulation.md lists them).
int open(const char *path, int oflag);

// close(2): 0, or -1 with errno set.
int close(int fd);

// Whether the calls that can block in the kernel (a device contract's abandon and creation, the
// open of a device node: up to the 60 s negotiation timeout) run on a thread-pool thread. True in
// the system flavor. False in the sim flavor, whose libcontract is the simulator's JavaScript and
// can only be called on the JS thread: there they run in the completion callback, asynchronously
// but on the JS thread (the simulator never blocks).
extern const bool kBlockingCallsOffJsThread;

} // namespace sys

// Adds the flavor's own exports (none in the system flavor).
void AddFlavorExports(Napi::Env env, Napi::Object exports);

} // namespace sysbind

#endif
