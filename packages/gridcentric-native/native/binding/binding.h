// GridcentricBinding: one backend's JS object. Quick calls run on the JS thread; the others are
// handed to the environment's Dispatcher and their outcomes come back through the completion
// channel to the callback each call was given.
#ifndef SYSBIND_GRIDCENTRIC_BINDING_H
#define SYSBIND_GRIDCENTRIC_BINDING_H

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>

#include <napi.h>

#include "binding_state.h"
#include "completion_channel.h"
#include "dispatcher.h"
#include "errors.h"

namespace sysbind {

struct AddonData;
struct EnvironmentState;

// A call in flight, as the JS thread remembers it.
struct PendingOp {
  Napi::FunctionReference callback;
  Subject subject;
  // Keeps the event loop alive until it completes, unless the backend was unref'd.
  bool holdsLoop = false;
  bool isWait = false;
};

class Binding;

// The JS-thread half of a binding: the callbacks of its calls in flight.
struct JsSide {
  // The binding while it lives (it is pinned while `ops` is not empty).
  Binding *binding = nullptr;
  std::unordered_map<std::uint64_t, PendingOp> ops;
  // Ordered completions (Outcome::stamp) that arrived before an earlier one, and the next due.
  std::map<std::uint64_t, std::unique_ptr<Completion>> early;
  // Completions that wait until every stamp up to their fence has been handed over.
  std::multimap<std::uint64_t, std::unique_ptr<Completion>> fenced;
  std::uint64_t nextStamp = 1;
};

class Binding : public Napi::ObjectWrap<Binding> {
public:
  // Defines the class on the environment's AddonData.
  static void Define(Napi::Env env, AddonData &data);
  // A new binding over `library` (the flavor's factory calls this).
  // Reads the factory's `options` (an object or undefined): waitsInLibrary, how many of the
  // binding's waits may hold a waiter thread at once (0 to the pool size; default the pool size).
  // Throws an argument error before anything is created.
  static std::size_t WaitLimit(Napi::Env env, Napi::Value options);
  // `vm`: the state of the VM the binding acts as, shared with the other bindings of that VM.
  static Napi::Value NewInstance(Napi::Env env, std::shared_ptr<Library> library, std::size_t waitLimit,
                                 std::shared_ptr<VmState> vm);
  // Delivers a completion on the JS thread (the completion channel's handler).
  static void Complete(Napi::Env env, std::unique_ptr<Completion> completion);
  static void Deliver(Napi::Env env, JsSide *js, std::unique_ptr<Completion> completion);

  explicit Binding(const Napi::CallbackInfo &info);
  ~Binding() override;

private:
  template <Napi::Value (Binding::*Method)(const Napi::CallbackInfo &)>
  static Napi::Value Entry(const Napi::CallbackInfo &info);

  Napi::Value Version(const Napi::CallbackInfo &info);
  Napi::Value Check(const Napi::CallbackInfo &info);
  Napi::Value MyIp(const Napi::CallbackInfo &info);
  Napi::Value RequestTickets(const Napi::CallbackInfo &info);
  Napi::Value CancelTicket(const Napi::CallbackInfo &info);
  Napi::Value MakeTicketIndependent(const Napi::CallbackInfo &info);
  Napi::Value ListTickets(const Napi::CallbackInfo &info);
  Napi::Value Clone(const Napi::CallbackInfo &info);
  Napi::Value ListCloneDomains(const Napi::CallbackInfo &info);
  Napi::Value ListTicketDomains(const Napi::CallbackInfo &info);
  Napi::Value GetDomainStatus(const Napi::CallbackInfo &info);
  Napi::Value KillCloneDomain(const Napi::CallbackInfo &info);
  Napi::Value KillallCloneDomains(const Napi::CallbackInfo &info);
  Napi::Value KillallTicketDomains(const Napi::CallbackInfo &info);
  Napi::Value WaitDomain(const Napi::CallbackInfo &info);
  Napi::Value WaitAny(const Napi::CallbackInfo &info);
  Napi::Value SyncTicket(const Napi::CallbackInfo &info);
  Napi::Value AbandonWait(const Napi::CallbackInfo &info);
  Napi::Value CancelCall(const Napi::CallbackInfo &info);
  Napi::Value SettleWaits(const Napi::CallbackInfo &info);
  Napi::Value Stats(const Napi::CallbackInfo &info);
  Napi::Value Ref(const Napi::CallbackInfo &info);
  Napi::Value Unref(const Napi::CallbackInfo &info);
  Napi::Value Close(const Napi::CallbackInfo &info);

  void EnsureOpen(Napi::Env env) const;
  Outcome Quick(Outcome (*call)());
  std::uint64_t Register(Napi::Env env, Napi::Function callback, Subject subject, bool isWait);
  void SetHoldLoop(Napi::Env env, bool hold);
  void Unregister(Napi::Env env, std::uint64_t op);
  std::uint64_t Id(const Napi::CallbackInfo &info);
  Napi::Value Submit(const Napi::CallbackInfo &info, std::size_t callbackIndex, Subject subject,
                     const char *syscall, bool isClone, Dispatcher::CallFunction call,
                     Dispatcher::AfterCall after = nullptr);
  Napi::Value StartWait(const Napi::CallbackInfo &info, std::size_t callbackIndex, Subject subject,
                        WaitKind kind, int target);
  void Shut(bool canRunJs);
  // Holds the JS object while calls are in flight, so that garbage collection never closes a
  // backend whose promises someone still awaits.
  void Pin();
  static void Unpin(JsSide *js);
  static void DeliverFenced(Napi::Env env, JsSide *js);

  std::shared_ptr<BindingState> state_;
  std::shared_ptr<JsSide> js_ = std::make_shared<JsSide>();
  std::shared_ptr<Dispatcher> dispatcher_;
  std::shared_ptr<CompletionChannel> channel_;
  std::shared_ptr<EnvironmentState> environment_;
  bool closed_ = false;
  bool holdsLoop_ = true;
  bool pinned_ = false;
};

} // namespace sysbind

#endif
