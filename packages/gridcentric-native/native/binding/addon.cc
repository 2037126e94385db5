// Module entry of the gridcentric addon: per-environment state and the exports every build shares.
#include <napi.h>

#include "addon_data.h"
#include "binding.h"
#include "constants.h"
#include "errors.h"
#include "flavor_exports.h"

#include <sysbind/addon_exports.h>

namespace sysbind {
namespace {

// Environment teardown (process exit, worker termination): before anything the threads use goes
// away, the environment's calls are dropped, its blocked simulator calls completed with
// ECANCELED and the threads out of them; the last environment of the process joins every thread.
void TearDown(AddonData *data) noexcept {
  data->state->tearingDown = true;
  try {
    std::vector<std::shared_ptr<Library>> libraries;
    for (const auto &weak : data->libraries) {
      if (auto library = weak.lock())
        libraries.push_back(std::move(library));
    }
    data->libraries.clear();
    if (data->dispatcher != nullptr)
      data->dispatcher->Release(libraries);
  } catch (...) {
    // Out of memory or a failed join at exit: nothing can be reported, nothing must abort.
  }
}

} // namespace
} // namespace sysbind

// Runs once per environment (main thread and each worker thread).
static Napi::Object InitGridcentricAddon(Napi::Env env, Napi::Object exports) {
  using namespace sysbind;
  AddonData *data = &CreateInstanceData<AddonData>(env);
  data->channel = std::make_shared<CompletionChannel>(env, &Binding::Complete);
  data->dispatcher = Dispatcher::Acquire();
  // Registered after the channel's thread-safe function, so it runs before that one is torn down.
  env.AddCleanupHook([data] { TearDown(data); });
  Binding::Define(env, *data);
  ExportAddonBasics<AddonData>(env, exports, GridcentricConstants(env), "GridcentricError");
  exports.Set("GridcentricBinding", data->bindingClass.Value());
  AddFlavorExports(env, exports);
  return exports;
}

NODE_API_MODULE(gridcentric, InitGridcentricAddon)
