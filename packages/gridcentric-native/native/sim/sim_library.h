// The sim flavor's library instance: a JS GcGuestApi (one simulated VM) answering the C API.
// The binding's threads call the shim's C functions; each call is marshalled to the JS thread
// through a thread-safe function, runs there against the GcGuestApi, and the calling thread
// blocks on a condition variable until the completion has filled in its outputs. Quick calls made
// on the JS thread itself are answered synchronously (marshalling them would wait on ourselves).
#ifndef SYSBIND_GRIDCENTRIC_SIM_LIBRARY_H
#define SYSBIND_GRIDCENTRIC_SIM_LIBRARY_H

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include <napi.h>

#include "library.h"
#include "sim_call.h"

namespace sysbind {
namespace sim {

class SimLibrary final : public Library, public std::enable_shared_from_this<SimLibrary> {
public:
  // JS thread: binds `api`. Throws a Napi::Error if the thread-safe function cannot be created.
  static std::shared_ptr<SimLibrary> Create(Napi::Env env, Napi::Object api);
  // The instance the calling thread's C calls reach, or null.
  static SimLibrary *Current();
  // The tag the binding gave the calling thread's current call (0: none).
  static std::uint64_t CurrentTag();

  // Runs `call` to completion (or to -1 with EINTR/ECANCELED/EDEADLK) and fills in its outputs.
  void Run(const std::shared_ptr<SimCall> &call);
  // Keeps gc_version's string alive as long as this instance, as the C API promises a static one.
  const char *Intern(const std::string &text);

  void Enter(std::uint64_t tag) override;
  void Leave() override;
  bool Interrupt(std::uint64_t tag) override;
  bool CanInterrupt() const override { return true; }
  bool TakeInterrupted() override;
  std::uint64_t LastStamp() override;
  std::vector<std::uint64_t> TakeCallStamps() override;
  bool CanShutDownCalls() const override { return true; }
  void Shutdown() override;
  void ReleaseJs(bool canRunJs) override;

  SimLibrary(Napi::Env env, Napi::Object api);

private:
  // What travels through the thread-safe function: a call to start, or a cancel to run.
  struct Message {
    std::weak_ptr<SimLibrary> library;
    std::shared_ptr<SimCall> call;
    bool cancel = false;
  };
  // The binding thread currently making the call tagged `tag`.
  struct ActiveTag {
    std::shared_ptr<SimCall> call;
    bool interruptRequested = false;
  };

  static void CallJs(napi_env env, napi_value, void *, void *data);
  static void Dispatch(napi_env env, std::unique_ptr<Message> message);
  static void Finalize(napi_env, void *finalizeData, void *);
  void Start(Napi::Env env, const std::shared_ptr<SimCall> &call);
  void Completed(const Napi::CallbackInfo &info, const std::shared_ptr<SimCall> &call);
  void RunCancel(const std::shared_ptr<SimCall> &call);
  bool Post(std::unique_ptr<Message> message);
  void Finish(SimCall &call, int error);
  // Marks the call done (outputs already in place) and gives it its place in the order.
  void Done(SimCall &call);

  const std::thread::id jsThread_;
  Napi::Env env_;
  // JS thread only.
  Napi::ObjectReference api_;
  std::unordered_map<const SimCall *, Napi::FunctionReference> cancels_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  bool shutDown_ = false;
  napi_threadsafe_function function_ = nullptr;
  std::set<std::shared_ptr<SimCall>> inFlight_;
  std::unordered_map<std::uint64_t, ActiveTag> tags_;
  // Tags in the order the binding entered them (its order of waits): tagged calls reach the
  // simulator in that order, as they would in the simulator's own backend, instead of in the
  // order their threads happen to run.
  std::deque<std::uint64_t> order_;
  std::set<std::string> interned_;
  // The last completion stamp handed out (see Library::TakeCallStamps).
  std::uint64_t lastStamp_ = 0;
};

} // namespace sim
} // namespace sysbind

#endif
