// Module entry of the Linux flavor of the contract addon: the monitor of members and cgroups, and
// the host calls Node lacks. All contract(5) rules live in the TypeScript backend above it.
#include <napi.h>

#include "host_calls.h"
#include "monitor.h"

static Napi::Object InitLinuxContractAddon(Napi::Env env, Napi::Object exports) {
  using namespace sysbind::linux_backend;
  exports.Set("flavor", Napi::String::New(env, "linux"));
  exports.Set("constants", Napi::Object::New(env));
  // Kept for the shared loader, which hands every flavor the error class; this one builds its
  // errors in TypeScript from the negative errnos returned here.
  exports.Set("setErrorConstructor", Napi::Function::New(env, [](const Napi::CallbackInfo &info) {
                return info.Env().Undefined();
              }));
  exports.Set("Monitor", Monitor::Define(env));
  exports.Set("getXattr", Napi::Function::New(env, GetXattr));
  exports.Set("setXattr", Napi::Function::New(env, SetXattr));
  exports.Set("startSentinel", Napi::Function::New(env, StartSentinel));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("acquireSpawnLock", Napi::Function::New(env, AcquireSpawnLock));
  exports.Set("releaseSpawnLock", Napi::Function::New(env, ReleaseSpawnLock));
  return exports;
}

NODE_API_MODULE(contract_linux, InitLinuxContractAddon)
