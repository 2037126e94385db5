// The exports that differ between the system and the sim flavor: how a backend's library
// instance comes to be (the guest's libgridcentric, or a bound simulator).
#ifndef SYSBIND_GRIDCENTRIC_FLAVOR_EXPORTS_H
#define SYSBIND_GRIDCENTRIC_FLAVOR_EXPORTS_H

#include <napi.h>

namespace sysbind {

void AddFlavorExports(Napi::Env env, Napi::Object exports);

} // namespace sysbind

#endif
