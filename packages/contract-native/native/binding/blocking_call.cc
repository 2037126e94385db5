#include "blocking_call.h"

#include "addon_data.h"
#include "system_calls.h"

#include <cerrno>
#include <utility>

namespace sysbind {
namespace {

struct Queued {
  std::unique_ptr<BlockingCall> call;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  int error = 0;
  bool ran = false;
};

void Execute(napi_env, void *data) {
  auto *queued = static_cast<Queued *>(data);
  if (!sys::kBlockingCallsOffJsThread)
    return;
  queued->error = queued->call->work();
  queued->ran = true;
}

// Settles the promise; never lets an exception out (this is a C callback).
void Settle(napi_env rawEnv, Queued &queued) {
  Napi::Env env(rawEnv);
  napi_value outcome = nullptr;
  bool resolved = false;
  try {
    outcome = queued.call->settle(env, queued.error);
    resolved = true;
  } catch (const Napi::Error &error) {
    outcome = error.Value();
  } catch (...) {
    outcome = Napi::Error::New(env, "contract addon: unexpected failure settling a blocking call").Value();
  }
  if (resolved)
    napi_resolve_deferred(rawEnv, queued.deferred, outcome);
  else
    napi_reject_deferred(rawEnv, queued.deferred, outcome);
}

void Complete(napi_env rawEnv, napi_status status, void *data) {
  std::unique_ptr<Queued> queued(static_cast<Queued *>(data));
  AddonData *addon = nullptr;
  napi_get_instance_data(rawEnv, reinterpret_cast<void **>(&addon));
  bool live = status == napi_ok && addon != nullptr && !addon->tearingDown;
  if (live) {
    Napi::HandleScope scope{Napi::Env(rawEnv)};
    if (!queued->ran) {
      queued->error = queued->call->work();
      queued->ran = true;
    }
    Settle(rawEnv, *queued);
  }
  napi_delete_async_work(rawEnv, queued->work);
  try {
    queued->call->finish();
  } catch (...) {
    // finish only releases descriptors and references; there is nobody to tell.
  }
}

} // namespace

Napi::Promise QueueBlockingCall(Napi::Env env, const char *name, std::unique_ptr<BlockingCall> call) {
  auto queued = std::make_unique<Queued>();
  queued->call = std::move(call);
  napi_value promise = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &queued->deferred, &promise), Napi::Promise());
  napi_status status = napi_create_async_work(env, nullptr, Napi::String::New(env, name), Execute, Complete,
                                              queued.get(), &queued->work);
  if (status == napi_ok) {
    status = napi_queue_async_work(env, queued->work);
    if (status != napi_ok)
      napi_delete_async_work(env, queued->work);
  }
  if (status != napi_ok) {
    queued->call->finish();
    NAPI_THROW_IF_FAILED(env, status, Napi::Promise());
  }
  queued.release(); // Complete owns it now
  return Napi::Promise(env, promise);
}

} // namespace sysbind
