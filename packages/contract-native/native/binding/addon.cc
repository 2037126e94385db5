// Module entry of the contract addon: per-environment state, the teardown of whatever JS left
// open, and the exports every build shares.
#include <napi.h>

#include "addon_data.h"
#include "constants.h"
#include "control_handle.h"
#include "device_node.h"
#include "event_endpoint.h"
#include "signals.h"
#include "status_handle.h"
#include "system_calls.h"
#include "template_handle.h"

#include <sysbind/addon_exports.h>

#include <vector>

namespace sysbind {

void FinishTeardownIfIdle(AddonData &data) {
  if (!data.tearingDown || data.closingPolls != 0 || data.teardownHook == nullptr)
    return;
  napi_async_cleanup_hook_handle hook = data.teardownHook;
  data.teardownHook = nullptr;
  napi_remove_async_cleanup_hook(hook);
}

namespace {

// The environment is going away (process exit or worker end): close every fd JS left open and
// hand every uv_poll to uv_close, then let Node finish once the last close callback has run, so a
// worker's loop closes with no handle of ours left on it. Nothing here calls into JS.
void OnTeardown(napi_async_cleanup_hook_handle hook, void *arg) {
  AddonData &data = *static_cast<AddonData *>(arg);
  data.tearingDown = true;
  data.teardownHook = hook;
  std::vector<OwnedResources *> handles(data.liveHandles.begin(), data.liveHandles.end());
  for (OwnedResources *handle : handles)
    handle->ReleaseAtTeardown();
  data.liveHandles.clear();
  FinishTeardownIfIdle(data);
}

} // namespace
} // namespace sysbind

// Runs once per environment (main thread and each worker thread).
static Napi::Object InitContractAddon(Napi::Env env, Napi::Object exports) {
  using namespace sysbind;
  AddonData *data = &CreateInstanceData<AddonData>(env);
  napi_status status = napi_add_async_cleanup_hook(env, OnTeardown, data, nullptr);
  if (status != napi_ok)
    throw Napi::Error::New(env, "contract addon: cannot register its environment teardown hook");

  data->templateClass = Napi::Persistent(TemplateHandle::DefineClass(env));
  data->statusClass = Napi::Persistent(StatusHandle::DefineClass(env));
  data->controlClass = Napi::Persistent(ControlHandle::DefineClass(env));
  data->endpointClass = Napi::Persistent(EventEndpoint::DefineClass(env));
  data->deviceNodeClass = Napi::Persistent(DeviceNode::DefineClass(env));

  ExportAddonBasics<AddonData>(env, exports, ContractConstants(env), "ContractError");
  exports.Set("openTemplate", Napi::Function::New(env, TemplateHandle::Open, "openTemplate"));
  exports.Set("openLatest", Napi::Function::New(env, StatusHandle::OpenLatest, "openLatest"));
  exports.Set("openStatus", Napi::Function::New(env, StatusHandle::OpenStatus, "openStatus"));
  exports.Set("openControl", Napi::Function::New(env, ControlHandle::Open, "openControl"));
  exports.Set("openEvents", Napi::Function::New(env, EventEndpoint::OpenEvents, "openEvents"));
  exports.Set("openBundle", Napi::Function::New(env, EventEndpoint::OpenBundle, "openBundle"));
  exports.Set("openProcessBundle",
              Napi::Function::New(env, EventEndpoint::OpenProcessBundle, "openProcessBundle"));
  exports.Set("openDeviceNode", Napi::Function::New(env, DeviceNode::Open, "openDeviceNode"));
  exports.Set("openDeviceNodeAsync", Napi::Function::New(env, DeviceNode::OpenAsync, "openDeviceNodeAsync"));
  exports.Set("sigsend", Napi::Function::New(env, SignalContract, "sigsend"));

  // After the teardown hook above, so a flavor's own hooks run before it (hooks run in reverse).
  AddFlavorExports(env, exports);
  return exports;
}

NODE_API_MODULE(contract, InitContractAddon)
