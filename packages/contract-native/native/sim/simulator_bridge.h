// The sim flavor's link to the JS contract simulator (SimLibcontract of @sysbind/testing-fakes,
// typed structurally as SimulatedLibcontract in src/simulated-libcontract.ts).
//
// The binding calls libcontract and the seam's open/close on the JS thread, so each shim
// function forwards synchronously to the simulator through the environment bound on this thread
// (each worker thread has its own). The simulator numbers its own fds; the binding gets real ones
// (an eventfd, or a pipe off Linux) that the bridge maps back, so that fd counting, close-on-exec
// and uv_poll all work on real descriptors. For an event endpoint the simulator's readiness
// notifications make the real fd readable or not.
#ifndef SYSBIND_SIM_SIMULATOR_BRIDGE_H
#define SYSBIND_SIM_SIMULATOR_BRIDGE_H

#include <napi.h>

#include "addon_data.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sysbind {
namespace sim {

// One fd the simulator opened, and the real fd standing for it.
struct SimFile {
  int simFd = -1;
  // The simulator instance that opened it: later calls on the fd go there, even after another
  // simulator was bound.
  Napi::ObjectReference api;
  int readFd = -1;  // the fd the binding holds
  int writeFd = -1; // where readiness is signalled (the same eventfd on Linux)
  bool readable = false;
  uint64_t serial = 0; // identifies the file to its readiness listener
};

class Bridge : public FlavorState {
public:
  explicit Bridge(napi_env env);
  ~Bridge() override;

  napi_env env;
  Napi::ObjectReference api;                 // the simulator bound last: open and sigsend go there
  std::unordered_map<int, SimFile> files;    // by real fd
  std::unordered_map<uint64_t, int> serials; // readiness serial -> real fd
  uint64_t nextSerial = 1;
  // Set by the environment's cleanup: closes then release real fds without calling into JS.
  bool tearingDown = false;
};

// The calling thread's bridge, or nullptr when the addon was never loaded on it.
Bridge *CurrentBridge();

// The answer of a simulator function: the value it returned, or `error` (EIO if it threw or is
// not a function, EBADF for an fd the bridge does not know, ENXIO when no simulator is bound).
struct Reply {
  int error = 0;
  Napi::Value value;
};

// Opens a handle scope for one shim function (values of Reply live in it).
class ShimScope {
public:
  ShimScope();
  Bridge *bridge() const { return bridge_; }

private:
  Bridge *bridge_;
  std::optional<Napi::HandleScope> scope_;
};

// api[method](...args).
Reply CallApi(Napi::Env env, const Napi::ObjectReference &api, const char *method,
              const std::vector<napi_value> &args);

// method(simFd, ...args) on the simulator that opened real fd `fd`.
Reply CallOnFd(const ShimScope &scope, int fd, const char *method, const std::vector<napi_value> &args = {});

// A function returning 0 or an errno.
int ErrnoOf(const Reply &reply);

// A function returning Out<T>: an errno (number), or { value } whose value goes to *value.
int OutOf(const Reply &reply, Napi::Value *value);

// Plain data behind a ct_stathdl_t or ct_evthdl_t: the simulator's handle object, and storage
// for the strings and arrays handed out, which stay valid until the handle is freed.
struct SimHandle {
  Napi::ObjectReference api;
  Napi::ObjectReference object;
  std::deque<std::string> strings;
  std::deque<std::vector<int>> arrays;
};

// method(handle.object) on the simulator that produced the handle.
Reply CallOnHandle(const ShimScope &scope, const SimHandle *handle, const char *method);

// A function returning a handle object (a status or an event) or an errno: on success *handle is
// a new SimHandle bound to the simulator behind real fd `fd`, for the caller to free.
int HandleFromReply(const ShimScope &scope, int fd, const Reply &reply, SimHandle **handle);

} // namespace sim
} // namespace sysbind

#endif
