// Per-environment state of the addon. Node may load it in several worker threads at once, each
// with its own environment, so nothing lives in globals: everything hangs off the instance data
// and is released with the environment.
#ifndef SYSBIND_GRIDCENTRIC_ADDON_DATA_H
#define SYSBIND_GRIDCENTRIC_ADDON_DATA_H

#include <cstdint>
#include <memory>
#include <vector>

#include <napi.h>

#include "binding_state.h"
#include "completion_channel.h"
#include "dispatcher.h"
#include "library.h"

namespace sysbind {

// What a backend still needs once the AddonData may be gone (environment teardown).
struct EnvironmentState {
  bool tearingDown = false;
};

struct AddonData {
  // The JS GridcentricError class, handed over by the loader, so that failures are constructed as
  // the same class every backend throws.
  Napi::FunctionReference errorConstructor;
  // The GridcentricBinding class; instances come only from the flavor's factory.
  Napi::FunctionReference bindingClass;
  // Set while the factory constructs an instance: the library the new binding is for.
  std::shared_ptr<Library> *constructing = nullptr;
  std::size_t constructingLimit = SIZE_MAX;
  std::shared_ptr<VmState> constructingVm;
  // Sim flavor: the VM state of each GcGuestApi object bound in this environment.
  std::vector<std::pair<Napi::ObjectReference, std::weak_ptr<VmState>>> simVms;
  std::shared_ptr<EnvironmentState> state = std::make_shared<EnvironmentState>();
  std::shared_ptr<CompletionChannel> channel;
  // The process's dispatcher (shared by every environment).
  std::shared_ptr<Dispatcher> dispatcher;
  // Every library instance of this environment, shut down at teardown before threads are joined.
  std::vector<std::weak_ptr<Library>> libraries;
};

inline AddonData *FindAddonData(Napi::Env env) {
  return env.GetInstanceData<AddonData>();
}

inline AddonData &GetAddonData(Napi::Env env) {
  return *env.GetInstanceData<AddonData>();
}

} // namespace sysbind

#endif
