#include "simulator_bridge.h"

#include "errors.h"
#include "system_calls.h"

#include <cerrno>
#include <cstdint>
#include <unistd.h>

namespace sysbind {
namespace sim {
namespace {

thread_local Bridge *currentBridge = nullptr;

// bindSimulator(api): later opens and sigsends on this thread go to `api`.
void BindSimulator(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Value api = info.Length() > 0 ? info[0] : env.Undefined();
  if (!api.IsObject())
    throw InvalidArgType(env, "simulator", "a simulated libcontract object", api);
  for (const char *method : {"open", "close", "sigsend", "setReadinessListener", "poll", "ct_status_read"}) {
    if (!api.As<Napi::Object>().Get(method).IsFunction())
      throw InvalidArgType(env, "simulator",
                           "a simulated libcontract object (it has no open/close/... functions)", api);
  }
  Bridge *bridge = CurrentBridge();
  // The TS side binds before every open; keep the reference when it is the same simulator.
  if (!bridge->api.IsEmpty() && bridge->api.Value().StrictEquals(api))
    return;
  bridge->api = Napi::Persistent(api.As<Napi::Object>());
}

void MarkTearingDown(Bridge *bridge) {
  bridge->tearingDown = true;
}

} // namespace

Bridge::Bridge(napi_env env) : env(env) {
  currentBridge = this;
}

Bridge::~Bridge() {
  if (currentBridge == this)
    currentBridge = nullptr;
}

Bridge *CurrentBridge() {
  return currentBridge;
}

ShimScope::ShimScope() : bridge_(CurrentBridge()) {
  if (bridge_ != nullptr)
    scope_.emplace(Napi::Env(bridge_->env));
}

Reply CallApi(Napi::Env env, const Napi::ObjectReference &api, const char *method,
              const std::vector<napi_value> &args) {
  if (api.IsEmpty())
    return {ENXIO, Napi::Value()};
  try {
    Napi::Object target = api.Value();
    Napi::Value function = target.Get(method);
    if (!function.IsFunction())
      return {EIO, Napi::Value()};
    return {0, function.As<Napi::Function>().Call(target, args)};
  } catch (const Napi::Error &) {
    // The simulator threw (a bug in it, or JS cannot run now): libcontract cannot throw, so
    // this becomes an I/O error the binding reports like any other.
    (void)env;
    return {EIO, Napi::Value()};
  }
}

Reply CallOnFd(const ShimScope &scope, int fd, const char *method, const std::vector<napi_value> &args) {
  Bridge *bridge = scope.bridge();
  if (bridge == nullptr)
    return {EBADF, Napi::Value()};
  auto found = bridge->files.find(fd);
  if (found == bridge->files.end())
    return {EBADF, Napi::Value()};
  Napi::Env env(bridge->env);
  std::vector<napi_value> all;
  all.reserve(args.size() + 1);
  all.push_back(Napi::Number::New(env, found->second.simFd));
  all.insert(all.end(), args.begin(), args.end());
  return CallApi(env, found->second.api, method, all);
}

Reply CallOnHandle(const ShimScope &scope, const SimHandle *handle, const char *method) {
  Bridge *bridge = scope.bridge();
  if (bridge == nullptr || handle == nullptr)
    return {EINVAL, Napi::Value()};
  Napi::Env env(bridge->env);
  return CallApi(env, handle->api, method, {handle->object.Value()});
}

int HandleFromReply(const ShimScope &scope, int fd, const Reply &reply, SimHandle **handle) {
  if (reply.error != 0)
    return reply.error;
  if (reply.value.IsNumber())
    return ErrnoOf(reply) == 0 ? EIO : ErrnoOf(reply);
  if (!reply.value.IsObject())
    return EIO;
  Bridge *bridge = scope.bridge();
  if (bridge == nullptr)
    return EBADF;
  auto file = bridge->files.find(fd);
  if (file == bridge->files.end())
    return EBADF; // closed while the simulator answered
  SimHandle *made = new SimHandle();
  made->api = Napi::Persistent(file->second.api.Value());
  made->object = Napi::Persistent(reply.value.As<Napi::Object>());
  *handle = made;
  return 0;
}

int ErrnoOf(const Reply &reply) {
  if (reply.error != 0)
    return reply.error;
  if (!reply.value.IsNumber())
    return EIO;
  return reply.value.As<Napi::Number>().Int32Value();
}

int OutOf(const Reply &reply, Napi::Value *value) {
  if (reply.error != 0)
    return reply.error;
  if (reply.value.IsNumber()) {
    int error = reply.value.As<Napi::Number>().Int32Value();
    return error == 0 ? EIO : error;
  }
  if (!reply.value.IsObject())
    return EIO;
  *value = reply.value.As<Napi::Object>().Get("value");
  return 0;
}

} // namespace sim

void AddFlavorExports(Napi::Env env, Napi::Object exports) {
  auto bridge = std::make_unique<sim::Bridge>(env);
  // Registered after the binding's teardown hook, so it runs first: the binding's closes at
  // teardown then release the real fds without calling into JS.
  env.AddCleanupHook(sim::MarkTearingDown, bridge.get());
  GetAddonData(env).flavorState = std::move(bridge);
  exports.Set("bindSimulator", Napi::Function::New(env, sim::BindSimulator, "bindSimulator"));
}

} // namespace sysbind
