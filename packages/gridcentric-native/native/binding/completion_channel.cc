#include "completion_channel.h"

#include "js_ready.h"

namespace sysbind {

CompletionChannel::CompletionChannel(Napi::Env env, CompletionHandler handler)
    : shared_(std::make_shared<Shared>()) {
  shared_->handler = handler;
  napi_value name = Napi::String::New(env, "gridcentric completions");
  // The finalizer owns one reference to the shared state: it may run after this object is gone.
  auto *finalizeData = new std::shared_ptr<Shared>(shared_);
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, finalizeData,
                                                       Finalize, shared_.get(), CallJs, &shared_->function);
  if (status != napi_ok) {
    delete finalizeData;
    NAPI_THROW_VOID(Napi::Error::New(env, "cannot create the gridcentric completion channel"));
  }
  napi_unref_threadsafe_function(env, shared_->function);
  shared_->open = true;
}

void CompletionChannel::Post(std::unique_ptr<Completion> completion) {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  if (!shared_->open)
    return;
  if (napi_call_threadsafe_function(shared_->function, completion.get(), napi_tsfn_nonblocking) == napi_ok) {
    completion.release();
  }
}

void CompletionChannel::HoldLoop(Napi::Env env) {
  if (holds_++ == 0) {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->open)
      napi_ref_threadsafe_function(env, shared_->function);
  }
}

void CompletionChannel::ReleaseLoop(Napi::Env env) {
  if (holds_ == 0)
    return;
  if (--holds_ == 0) {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->open)
      napi_unref_threadsafe_function(env, shared_->function);
  }
}

void CompletionChannel::CallJs(napi_env env, napi_value, void *context, void *data) {
  std::unique_ptr<Completion> completion(static_cast<Completion *>(data));
  // A null env means the function is being torn down, and a terminating worker runs no JS: the
  // completion is simply dropped.
  if (env == nullptr || completion == nullptr || !CanRunJs(env))
    return;
  auto *shared = static_cast<Shared *>(context);
  shared->handler(Napi::Env(env), std::move(completion));
}

void CompletionChannel::Finalize(napi_env, void *finalizeData, void *) {
  std::unique_ptr<std::shared_ptr<Shared>> shared(static_cast<std::shared_ptr<Shared> *>(finalizeData));
  std::lock_guard<std::mutex> lock((*shared)->mutex);
  (*shared)->open = false;
  (*shared)->function = nullptr;
}

} // namespace sysbind
