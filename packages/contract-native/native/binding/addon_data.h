// Per-environment state of the addon. Node may load it in several worker threads at once, each
// with its own environment, so nothing lives in globals: everything hangs off the instance data
// and is released with the environment.
#ifndef SYSBIND_CONTRACT_ADDON_DATA_H
#define SYSBIND_CONTRACT_ADDON_DATA_H

#include <napi.h>

#include <cstddef>
#include <memory>
#include <unordered_set>

namespace sysbind {

// A handle that owns operating-system resources (an fd, a uv_poll watch) which must be released
// when the environment goes away, even if JS never closed the handle.
class OwnedResources {
public:
  // Releases everything without calling into JS (the environment is tearing down).
  virtual void ReleaseAtTeardown() = 0;

protected:
  ~OwnedResources() = default;
};

// State a build flavor keeps per environment (the sim flavor's simulator bridge). It is destroyed
// with the AddonData, after every teardown hook has run.
class FlavorState {
public:
  virtual ~FlavorState() = default;
};

struct AddonData {
  // The JS ContractError class, handed over by the loader, so that failures are constructed as
  // the same class every backend throws.
  Napi::FunctionReference errorConstructor;

  // The handle classes, to construct instances from the open* functions.
  Napi::FunctionReference templateClass;
  Napi::FunctionReference statusClass;
  Napi::FunctionReference controlClass;
  Napi::FunctionReference endpointClass;
  Napi::FunctionReference deviceNodeClass;

  // Raised by the open functions while they construct a handle: the handle classes refuse to be
  // constructed otherwise.
  bool constructingHandle = false;

  // Every handle whose resources are still held; the teardown hook releases them.
  std::unordered_set<OwnedResources *> liveHandles;

  // uv_poll handles whose uv_close callback has not run yet. Teardown waits for them (through an
  // async cleanup hook) so that a worker's loop closes with no handle left.
  std::size_t closingPolls = 0;
  bool tearingDown = false;
  napi_async_cleanup_hook_handle teardownHook = nullptr;

  std::unique_ptr<FlavorState> flavorState;
};

inline AddonData &GetAddonData(Napi::Env env) {
  return *env.GetInstanceData<AddonData>();
}

// Called by the last uv_close callback during teardown: lets Node finish tearing down.
void FinishTeardownIfIdle(AddonData &data);

} // namespace sysbind

#endif
