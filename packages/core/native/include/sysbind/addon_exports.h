// What every @sysbind addon sets up when an environment loads it, in the form @sysbind/core's
// addon loader (src/addon-loader.ts) expects: per-environment instance data, and the exports
// `flavor`, `constants` and `setErrorConstructor`, through which the loader hands over the
// package's error class before anything else is called.
#ifndef SYSBIND_CORE_ADDON_EXPORTS_H
#define SYSBIND_CORE_ADDON_EXPORTS_H

#include <napi.h>

#include "argument_errors.h"

#include <string>

namespace sysbind {

// A new Data as this environment's instance data. Node may load an addon in several worker
// threads at once, each with its own environment, so nothing lives in globals; Node deletes the
// Data when the environment goes away, after its cleanup hooks have run.
template <typename Data> Data &CreateInstanceData(Napi::Env env) {
  auto *data = new Data();
  env.SetInstanceData(data);
  return *data;
}

// `flavor` (SYSBIND_FLAVOR_NAME, which build this is), `constants`, and
// setErrorConstructor(ctor), which keeps ctor in Data::errorConstructor of the calling
// environment; anything but a function is refused with ERR_INVALID_ARG_TYPE ("the
// `errorClassName` class").
template <typename Data>
void ExportAddonBasics(Napi::Env env, Napi::Object exports, Napi::Object constants,
                       const char *errorClassName) {
  exports.Set("flavor", Napi::String::New(env, SYSBIND_FLAVOR_NAME));
  exports.Set("constants", constants);
  std::string expected = std::string("the ") + errorClassName + " class";
  auto setErrorConstructor = [expected](const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (!info[0].IsFunction())
      throw InvalidArgType(env, "ctor", expected, info[0]);
    env.GetInstanceData<Data>()->errorConstructor = Napi::Persistent(info[0].As<Napi::Function>());
  };
  exports.Set("setErrorConstructor", Napi::Function::New(env, setErrorConstructor, "setErrorConstructor"));
}

} // namespace sysbind

#endif
