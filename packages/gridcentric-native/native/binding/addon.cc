// Module entry of the gridcentric addon: per-environment state and the exports every build shares.
#include <napi.h>

#include "addon_data.h"
#include "constants.h"

namespace sysbind {
namespace {

void SetErrorConstructor(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::Error error = Napi::TypeError::New(env, "setErrorConstructor expects the GridcentricError class");
    error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  GetAddonData(env).errorConstructor = Napi::Persistent(info[0].As<Napi::Function>());
}

} // namespace
} // namespace sysbind

// Runs once per environment (main thread and each worker thread).
static Napi::Object InitGridcentricAddon(Napi::Env env, Napi::Object exports) {
  using namespace sysbind;
  env.SetInstanceData(new AddonData());
  exports.Set("flavor", Napi::String::New(env, SYSBIND_FLAVOR_NAME));
  exports.Set("constants", GridcentricConstants(env));
  exports.Set("setErrorConstructor", Napi::Function::New(env, SetErrorConstructor, "setErrorConstructor"));
  return exports;
}

NODE_API_MODULE(gridcentric, InitGridcentricAddon)
