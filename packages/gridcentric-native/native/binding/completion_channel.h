// The one thread-safe function of an environment through which the binding's threads hand call
// outcomes to the JS thread. It keeps the event loop alive while any call that holds the loop is
// in flight (every controller call; every wait of a backend that was not unref'd), as pending I/O
// does in Node: a script that awaits a clone's exit must not end before the exit arrives.
#ifndef SYSBIND_GRIDCENTRIC_COMPLETION_CHANNEL_H
#define SYSBIND_GRIDCENTRIC_COMPLETION_CHANNEL_H

#include <cstdint>
#include <memory>
#include <mutex>

#include <napi.h>

#include "outcome.h"

namespace sysbind {

struct BindingState;

// One outcome on its way to the JS thread.
struct Completion {
  std::shared_ptr<BindingState> owner;
  // 0: nothing to deliver, only the outcome's place in the library's order to pass.
  std::uint64_t op = 0;
  Outcome outcome;
};

// Receives each completion on the JS thread (set once by the environment's AddonData).
using CompletionHandler = void (*)(Napi::Env env, std::unique_ptr<Completion> completion);

class CompletionChannel {
public:
  // Creates the thread-safe function; unref'd until HoldLoop.
  CompletionChannel(Napi::Env env, CompletionHandler handler);
  CompletionChannel(const CompletionChannel &) = delete;
  CompletionChannel &operator=(const CompletionChannel &) = delete;

  // Any thread. Drops the completion once the environment has torn the channel down.
  void Post(std::unique_ptr<Completion> completion);
  // JS thread: a call that holds the loop starts / ends; the loop stays alive while any is in flight.
  void HoldLoop(Napi::Env env);
  void ReleaseLoop(Napi::Env env);

private:
  struct Shared {
    std::mutex mutex;
    bool open = false;
    napi_threadsafe_function function = nullptr;
    CompletionHandler handler = nullptr;
  };
  static void CallJs(napi_env env, napi_value, void *context, void *data);
  static void Finalize(napi_env, void *finalizeData, void *);

  std::shared_ptr<Shared> shared_;
  std::uint64_t holds_ = 0;
};

} // namespace sysbind

#endif
