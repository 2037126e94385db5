// Per-environment state of the addon. Node may load it in several worker threads at once, each
// with its own environment, so nothing lives in globals: everything hangs off the instance data
// and is released with the environment.
#ifndef SYSBIND_GRIDCENTRIC_ADDON_DATA_H
#define SYSBIND_GRIDCENTRIC_ADDON_DATA_H

#include <napi.h>

namespace sysbind {

struct AddonData {
  // The JS GridcentricError class, handed over by the loader, so that failures are constructed as
  // the same class every backend throws.
  Napi::FunctionReference errorConstructor;
};

inline AddonData &GetAddonData(Napi::Env env) {
  return *env.GetInstanceData<AddonData>();
}

} // namespace sysbind

#endif
