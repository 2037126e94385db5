#include "binding.h"

#include <atomic>
#include <cerrno>
#include <exception>
#include <string>

#include "addon_data.h"
#include "arguments.h"
#include "js_values.h"
#include "library_calls.h"

namespace sysbind {
namespace {

// Marks GridcentricBinding instances, so that a method called on any other receiver is a
// TypeError instead of an unchecked unwrap.
constexpr napi_type_tag kBindingTag = {0x7f3c1d52a9e04b61ULL, 0x9b2e6a4c0d17f385ULL};

Subject VmidSubject(int vmid) {
  return Subject{Subject::Kind::Vmid, vmid};
}
Subject TicketSubject(int ticket) {
  return Subject{Subject::Kind::Ticket, ticket};
}

} // namespace

template <Napi::Value (Binding::*Method)(const Napi::CallbackInfo &)>
Napi::Value Binding::Entry(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  napi_value receiver = info.This();
  bool tagged = false;
  napi_valuetype type = napi_undefined;
  if (napi_typeof(env, receiver, &type) == napi_ok && type == napi_object) {
    napi_check_object_type_tag(env, receiver, &kBindingTag, &tagged);
  }
  if (!tagged)
    throw InvalidThis(env, "GridcentricBinding");
  Binding *self = Binding::Unwrap(info.This().As<Napi::Object>());
  try {
    return (self->*Method)(info);
  } catch (const Napi::Error &) {
    throw;
  } catch (const std::exception &error) {
    // Out of memory, or a thread that could not start: an error, never an abort.
    throw CodedError(env, "ERR_GRIDCENTRIC_NATIVE", error.what());
  }
}

void Binding::Define(Napi::Env env, AddonData &data) {
  Napi::Function constructor = DefineClass(env, "GridcentricBinding", {});
  // Plain functions on the prototype rather than ObjectWrap instance methods: each checks its
  // receiver itself, so a detached method or a foreign `this` is a TypeError, not an unwrap error.
  Napi::Object prototype = constructor.Get("prototype").As<Napi::Object>();
  auto method = [&](const char *name, Napi::Function::Callback callback) {
    prototype.DefineProperty(
        Napi::PropertyDescriptor::Value(name, Napi::Function::New(env, callback, name), napi_writable));
  };
  method("version", &Entry<&Binding::Version>);
  method("check", &Entry<&Binding::Check>);
  method("myIp", &Entry<&Binding::MyIp>);
  method("requestTickets", &Entry<&Binding::RequestTickets>);
  method("cancelTicket", &Entry<&Binding::CancelTicket>);
  method("makeTicketIndependent", &Entry<&Binding::MakeTicketIndependent>);
  method("listTickets", &Entry<&Binding::ListTickets>);
  method("clone", &Entry<&Binding::Clone>);
  method("listCloneDomains", &Entry<&Binding::ListCloneDomains>);
  method("listTicketDomains", &Entry<&Binding::ListTicketDomains>);
  method("getDomainStatus", &Entry<&Binding::GetDomainStatus>);
  method("killCloneDomain", &Entry<&Binding::KillCloneDomain>);
  method("killallCloneDomains", &Entry<&Binding::KillallCloneDomains>);
  method("killallTicketDomains", &Entry<&Binding::KillallTicketDomains>);
  method("waitDomain", &Entry<&Binding::WaitDomain>);
  method("waitAny", &Entry<&Binding::WaitAny>);
  method("syncTicket", &Entry<&Binding::SyncTicket>);
  method("abandonWait", &Entry<&Binding::AbandonWait>);
  method("cancelCall", &Entry<&Binding::CancelCall>);
  method("settleWaits", &Entry<&Binding::SettleWaits>);
  method("stats", &Entry<&Binding::Stats>);
  method("ref", &Entry<&Binding::Ref>);
  method("unref", &Entry<&Binding::Unref>);
  method("close", &Entry<&Binding::Close>);
  data.bindingClass = Napi::Persistent(constructor);
}

std::size_t Binding::WaitLimit(Napi::Env env, Napi::Value options) {
  std::size_t limit = Dispatcher::kWaiterThreads;
  if (!options.IsUndefined()) {
    if (!options.IsObject())
      throw InvalidArgType(env, "options", "of type object", options);
    Napi::Value value = options.As<Napi::Object>().Get("waitsInLibrary");
    if (!value.IsUndefined()) {
      if (!value.IsNumber())
        throw InvalidArgType(env, "options.waitsInLibrary", "of type number", value);
      double number = value.As<Napi::Number>().DoubleValue();
      if (!(number >= 0 && number <= static_cast<double>(Dispatcher::kWaiterThreads)) ||
          static_cast<double>(static_cast<std::size_t>(number)) != number) {
        throw OutOfRange(env, "options.waitsInLibrary",
                         "an integer from 0 to " + std::to_string(Dispatcher::kWaiterThreads));
      }
      limit = static_cast<std::size_t>(number);
    }
  }
  return limit;
}

Napi::Value Binding::NewInstance(Napi::Env env, std::shared_ptr<Library> library, std::size_t limit,
                                 std::shared_ptr<VmState> vm) {
  AddonData &data = GetAddonData(env);
  data.libraries.push_back(library);
  // Set only while this call constructs: `new GridcentricBinding()` from JS finds it null and is
  // refused (no JS runs between here and the constructor).
  data.constructing = &library;
  data.constructingLimit = limit;
  data.constructingVm = std::move(vm);
  try {
    Napi::Object instance = data.bindingClass.New({});
    data.constructing = nullptr;
    return instance;
  } catch (...) {
    data.constructing = nullptr;
    throw;
  }
}

Binding::Binding(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Binding>(info) {
  Napi::Env env = info.Env();
  AddonData &data = GetAddonData(env);
  if (data.constructing == nullptr || info.Length() != 0) {
    throw IllegalConstructor(env, "GridcentricBinding", "the addon's factory");
  }
  state_ = std::make_shared<BindingState>(*data.constructing, data.constructingVm);
  state_->maxWaitsInLibrary = data.constructingLimit;
  state_->channel = data.channel;
  data.constructing = nullptr;
  state_->js = js_;
  js_->binding = this;
  dispatcher_ = data.dispatcher;
  channel_ = data.channel;
  environment_ = data.state;
  napi_type_tag_object(env, info.This(), &kBindingTag);
}

Binding::~Binding() {
  js_->binding = nullptr;
  if (state_ == nullptr)
    return;
  try {
    Shut(environment_ != nullptr && !environment_->tearingDown);
  } catch (...) {
    // A destructor must not throw: whatever failed (out of memory) is left to teardown.
  }
}

void Binding::EnsureOpen(Napi::Env env) const {
  if (closed_)
    throw CodedError(env, "ERR_BACKEND_CLOSED", "this Gridcentric backend was closed");
}

Outcome Binding::Quick(Outcome (*call)()) {
  LibraryScope scope(*state_->library, 0);
  return call();
}

Napi::Value Binding::Version(const Napi::CallbackInfo &info) {
  EnsureOpen(info.Env());
  return Napi::String::New(info.Env(), Quick(CallVersion).text);
}

Napi::Value Binding::Check(const Napi::CallbackInfo &info) {
  EnsureOpen(info.Env());
  Outcome outcome = Quick(CallCheck);
  if (outcome.failed())
    throw Napi::Error(info.Env(), LibraryError(info.Env(), outcome, Subject{}));
  return info.Env().Undefined();
}

Napi::Value Binding::MyIp(const Napi::CallbackInfo &info) {
  EnsureOpen(info.Env());
  Outcome outcome = Quick(CallMyIp);
  if (outcome.failed())
    throw Napi::Error(info.Env(), LibraryError(info.Env(), outcome, Subject{}));
  return Napi::String::New(info.Env(), outcome.text);
}

std::uint64_t Binding::Register(Napi::Env env, Napi::Function callback, Subject subject, bool isWait) {
  // Unique in the process, since one dispatcher serves every environment; growing, since the
  // dispatcher reads arrival order from them.
  static std::atomic<std::uint64_t> lastOp{0};
  std::uint64_t op = ++lastOp;
  PendingOp pending;
  pending.callback = Napi::Persistent(callback);
  pending.subject = subject;
  pending.isWait = isWait;
  pending.holdsLoop = holdsLoop_;
  if (pending.holdsLoop)
    channel_->HoldLoop(env);
  js_->ops.emplace(op, std::move(pending));
  Pin();
  return op;
}

void Binding::Pin() {
  if (pinned_)
    return;
  Napi::ObjectWrap<Binding>::Ref();
  pinned_ = true;
}

void Binding::Unpin(JsSide *js) {
  Binding *binding = js->binding;
  if (binding == nullptr || !binding->pinned_ || !js->ops.empty())
    return;
  binding->pinned_ = false;
  binding->Napi::ObjectWrap<Binding>::Unref();
}

void Binding::SetHoldLoop(Napi::Env env, bool hold) {
  holdsLoop_ = hold;
  for (auto &entry : js_->ops) {
    PendingOp &pending = entry.second;
    if (pending.holdsLoop == hold)
      continue;
    pending.holdsLoop = hold;
    if (hold) {
      channel_->HoldLoop(env);
    } else {
      channel_->ReleaseLoop(env);
    }
  }
}

Napi::Value Binding::Ref(const Napi::CallbackInfo &info) {
  if (!closed_)
    SetHoldLoop(info.Env(), true);
  return info.Env().Undefined();
}

Napi::Value Binding::Unref(const Napi::CallbackInfo &info) {
  if (!closed_)
    SetHoldLoop(info.Env(), false);
  return info.Env().Undefined();
}

void Binding::Unregister(Napi::Env env, std::uint64_t op) {
  auto found = js_->ops.find(op);
  if (found == js_->ops.end())
    return;
  if (found->second.holdsLoop)
    channel_->ReleaseLoop(env);
  js_->ops.erase(found);
  Unpin(js_.get());
}

Napi::Value Binding::Submit(const Napi::CallbackInfo &info, std::size_t callbackIndex, Subject subject,
                            const char *syscall, bool isClone, Dispatcher::CallFunction call,
                            Dispatcher::AfterCall after) {
  Napi::Env env = info.Env();
  Napi::Function callback = CallbackArgument(info, callbackIndex);
  EnsureOpen(env);
  std::uint64_t op = Register(env, callback, subject, false);
  try {
    dispatcher_->Call(state_, op, syscall, isClone, std::move(call), std::move(after));
  } catch (...) {
    Unregister(env, op);
    throw;
  }
  return Napi::Number::New(env, static_cast<double>(op));
}

Napi::Value Binding::StartWait(const Napi::CallbackInfo &info, std::size_t callbackIndex, Subject subject,
                               WaitKind kind, int target) {
  Napi::Env env = info.Env();
  Napi::Function callback = CallbackArgument(info, callbackIndex);
  EnsureOpen(env);
  std::uint64_t op = Register(env, callback, subject, true);
  try {
    dispatcher_->Wait(state_, op, kind, target);
  } catch (...) {
    Unregister(env, op);
    throw;
  }
  return Napi::Number::New(env, static_cast<double>(op));
}

Napi::Value Binding::RequestTickets(const Napi::CallbackInfo &info) {
  int count = IntArgument(info, 0, "count");
  return Submit(info, 1, Subject{}, "gc_request_tickets", false,
                [count] { return CallRequestTickets(count); });
}

Napi::Value Binding::CancelTicket(const Napi::CallbackInfo &info) {
  int ticket = IntArgument(info, 0, "ticket");
  return Submit(info, 1, TicketSubject(ticket), "gc_cancel_ticket", false,
                [ticket] { return CallCancelTicket(ticket); });
}

Napi::Value Binding::MakeTicketIndependent(const Napi::CallbackInfo &info) {
  int ticket = IntArgument(info, 0, "ticket");
  return Submit(
      info, 1, TicketSubject(ticket), "gc_make_ticket_independent", false,
      [ticket] { return CallMakeTicketIndependent(ticket); },
      // Remembered because a ticket cancelled later no longer lists its flag, and waits
      // served by polling must know its clones are not waitable.
      [ticket](Outcome &outcome, BindingState &state) {
        if (!outcome.failed())
          state.vm->independentTickets.insert(ticket);
      });
}

Napi::Value Binding::ListTickets(const Napi::CallbackInfo &info) {
  return Submit(info, 0, Subject{}, "gc_list_tickets", false, CallListTickets);
}

Napi::Value Binding::Clone(const Napi::CallbackInfo &info) {
  int ticket = IntArgument(info, 0, "ticket");
  return Submit(info, 1, TicketSubject(ticket), "gc_clone", true, [ticket] { return CallClone(ticket); });
}

Napi::Value Binding::ListCloneDomains(const Napi::CallbackInfo &info) {
  return Submit(info, 0, Subject{}, "gc_list_clone_domains", false, CallListCloneDomains);
}

Napi::Value Binding::ListTicketDomains(const Napi::CallbackInfo &info) {
  int ticket = IntArgument(info, 0, "ticket");
  return Submit(info, 1, TicketSubject(ticket), "gc_list_ticket_domains", false,
                [ticket] { return CallListTicketDomains(ticket); });
}

// A clone whose exit the binding holds for a later wait is, to the caller, terminated but not
// reaped: status and kill answer as the library would have before the reap.
static const gc_domain_exit_t *UnclaimedExit(const BindingState &state, int vmid) {
  for (const gc_domain_exit_t &exit : state.vm->unclaimedExits) {
    if (exit.vmid == vmid)
      return &exit;
  }
  return nullptr;
}

Napi::Value Binding::GetDomainStatus(const Napi::CallbackInfo &info) {
  int vmid = IntArgument(info, 0, "vmid");
  return Submit(
      info, 1, VmidSubject(vmid), "gc_get_domain_status", false, [vmid] { return CallGetDomainStatus(vmid); },
      [vmid](Outcome &outcome, BindingState &state) {
        const gc_domain_exit_t *exit = UnclaimedExit(state, vmid);
        if (!outcome.failed() || outcome.error != ENOENT || exit == nullptr)
          return;
        outcome.error = 0;
        outcome.shape = OutcomeShape::Number;
        outcome.ret = exit->reason == GC_EXIT_EXITED    ? GC_DOMAIN_EXITED
                      : exit->reason == GC_EXIT_CRASHED ? GC_DOMAIN_CRASHED
                                                        : GC_DOMAIN_KILLED;
      });
}

Napi::Value Binding::KillCloneDomain(const Napi::CallbackInfo &info) {
  int vmid = IntArgument(info, 0, "vmid");
  return Submit(
      info, 1, VmidSubject(vmid), "gc_kill_clone_domain", false, [vmid] { return CallKillCloneDomain(vmid); },
      [vmid](Outcome &outcome, BindingState &state) {
        if (outcome.failed() && outcome.error == ENOENT && UnclaimedExit(state, vmid) != nullptr) {
          outcome.error = ESRCH;
        }
      });
}

Napi::Value Binding::KillallCloneDomains(const Napi::CallbackInfo &info) {
  return Submit(info, 0, Subject{}, "gc_killall_clone_domains", false, CallKillallCloneDomains);
}

Napi::Value Binding::KillallTicketDomains(const Napi::CallbackInfo &info) {
  int ticket = IntArgument(info, 0, "ticket");
  return Submit(info, 1, TicketSubject(ticket), "gc_killall_ticket_domains", false,
                [ticket] { return CallKillallTicketDomains(ticket); });
}

Napi::Value Binding::WaitDomain(const Napi::CallbackInfo &info) {
  int vmid = IntArgument(info, 0, "vmid");
  return StartWait(info, 1, VmidSubject(vmid), WaitKind::Domain, vmid);
}

Napi::Value Binding::WaitAny(const Napi::CallbackInfo &info) {
  return StartWait(info, 0, Subject{}, WaitKind::Any, 0);
}

Napi::Value Binding::SyncTicket(const Napi::CallbackInfo &info) {
  int ticket = IntArgument(info, 0, "ticket");
  return StartWait(info, 1, TicketSubject(ticket), WaitKind::Sync, ticket);
}

std::uint64_t Binding::Id(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Value id = info[0];
  if (!id.IsNumber())
    throw InvalidArgType(env, "id", "of type number", id);
  double number = id.As<Napi::Number>().DoubleValue();
  if (!(number >= 1 && number <= 9007199254740991.0) ||
      static_cast<double>(static_cast<std::uint64_t>(number)) != number) {
    throw OutOfRange(env, "id", "a call id");
  }
  return static_cast<std::uint64_t>(number);
}

Napi::Value Binding::AbandonWait(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::uint64_t op = Id(info);
  auto found = js_->ops.find(op);
  // Only a pending wait of this binding can be abandoned; anything else is a no-op.
  if (found == js_->ops.end() || !found->second.isWait)
    return Napi::Boolean::New(env, false);
  if (found->second.holdsLoop)
    channel_->ReleaseLoop(env);
  js_->ops.erase(found);
  Unpin(js_.get());
  dispatcher_->Abandon(op);
  return Napi::Boolean::New(env, true);
}

Napi::Value Binding::CancelCall(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::uint64_t op = Id(info);
  auto found = js_->ops.find(op);
  // Only a controller call of this binding in flight can be cancelled; anything else is a no-op.
  if (found == js_->ops.end() || found->second.isWait)
    return Napi::Boolean::New(env, false);
  if (found->second.holdsLoop)
    channel_->ReleaseLoop(env);
  js_->ops.erase(found);
  Unpin(js_.get());
  dispatcher_->Cancel(state_, op);
  return Napi::Boolean::New(env, true);
}

Napi::Value Binding::SettleWaits(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Function callback = CallbackArgument(info, 0);
  EnsureOpen(env);
  // Not a wait (it must not be abandoned) and not a controller call (it never reaches one).
  std::uint64_t op = Register(env, callback, Subject{}, false);
  try {
    dispatcher_->Settle(state_, op);
  } catch (...) {
    Unregister(env, op);
    throw;
  }
  return env.Undefined();
}

Napi::Value Binding::Stats(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  DispatcherStats stats = dispatcher_->Stats();
  Napi::Object object = Napi::Object::New(env);
  object.Set("threads", Napi::Number::New(env, static_cast<double>(stats.threads)));
  object.Set("pendingWaits", Napi::Number::New(env, static_cast<double>(stats.pendingWaits)));
  object.Set("waitsInLibrary", Napi::Number::New(env, static_cast<double>(stats.waitsInLibrary)));
  object.Set("queuedWaits", Napi::Number::New(env, static_cast<double>(stats.queuedWaits)));
  object.Set("waiterThreads", Napi::Number::New(env, static_cast<double>(Dispatcher::kWaiterThreads)));
  object.Set("controllerThreads",
             Napi::Number::New(env, static_cast<double>(Dispatcher::kControllerThreads)));
  return object;
}

Napi::Value Binding::Close(const Napi::CallbackInfo &info) {
  Shut(true);
  return info.Env().Undefined();
}

void Binding::Shut(bool canRunJs) {
  if (closed_)
    return;
  closed_ = true;
  dispatcher_->Close(state_);
  state_->library->Shutdown();
  state_->library->ReleaseJs(canRunJs);
  Napi::Env env = Env();
  // Every call in flight settles now, rejected with ERR_BACKEND_CLOSED, oldest first: nothing the
  // dispatcher still holds for this backend is delivered any more.
  std::map<std::uint64_t, PendingOp> ops;
  for (auto &entry : js_->ops)
    ops.emplace(entry.first, std::move(entry.second));
  js_->ops.clear();
  js_->early.clear();
  js_->fenced.clear();
  for (auto &entry : ops) {
    if (entry.second.holdsLoop)
      channel_->ReleaseLoop(env);
  }
  if (pinned_) {
    pinned_ = false;
    Napi::ObjectWrap<Binding>::Unref();
  }
  if (!canRunJs)
    return;
  for (auto &entry : ops) {
    try {
      Napi::HandleScope scope(env);
      Napi::Error error = CodedError(env, "ERR_BACKEND_CLOSED",
                                     "this Gridcentric backend was closed while the call was in flight");
      entry.second.callback.Call(env.Undefined(), {error.Value(), env.Undefined()});
    } catch (const Napi::Error &error) {
      try {
        napi_fatal_exception(env, error.Value());
      } catch (...) {
      }
    } catch (...) {
    }
  }
}

void Binding::Complete(Napi::Env env, std::unique_ptr<Completion> completion) {
  std::shared_ptr<JsSide> js = completion->owner->js.lock();
  if (js == nullptr)
    return; // its backend is gone
  std::uint64_t stamp = completion->outcome.stamp;
  if (stamp == 0) {
    std::uint64_t fence = completion->outcome.fence;
    if (fence >= js->nextStamp) {
      js->fenced.emplace(fence, std::move(completion));
      return;
    }
    Deliver(env, js.get(), std::move(completion));
    return;
  }
  // Hand ordered outcomes over in the library's order, whatever order their threads posted them.
  if (stamp < js->nextStamp)
    return;
  js->early.emplace(stamp, std::move(completion));
  while (!js->early.empty() && js->early.begin()->first == js->nextStamp) {
    std::unique_ptr<Completion> next = std::move(js->early.begin()->second);
    js->early.erase(js->early.begin());
    ++js->nextStamp;
    if (next->op != 0)
      Deliver(env, js.get(), std::move(next));
    DeliverFenced(env, js.get());
  }
}

void Binding::DeliverFenced(Napi::Env env, JsSide *js) {
  while (!js->fenced.empty() && js->fenced.begin()->first < js->nextStamp) {
    std::unique_ptr<Completion> next = std::move(js->fenced.begin()->second);
    js->fenced.erase(js->fenced.begin());
    Deliver(env, js, std::move(next));
  }
}

void Binding::Deliver(Napi::Env env, JsSide *js, std::unique_ptr<Completion> completion) {
  const Outcome &outcome = completion->outcome;
  bool reapedExit = !outcome.failed() && outcome.shape == OutcomeShape::Exit;
  auto found = js->ops.find(completion->op);
  if (found == js->ops.end()) {
    // Its wait was abandoned while this exit was on its way: hand it to another wait or keep it.
    if (reapedExit) {
      AddonData *data = FindAddonData(env);
      if (data != nullptr && data->dispatcher != nullptr)
        data->dispatcher->Reroute(completion->owner, outcome.exit);
    }
    return;
  }
  PendingOp pending = std::move(found->second);
  js->ops.erase(found);
  Unpin(js);
  AddonData *data = FindAddonData(env);
  if (pending.holdsLoop && data != nullptr && data->channel != nullptr)
    data->channel->ReleaseLoop(env);
  if (data != nullptr && data->state->tearingDown)
    return;
  try {
    Napi::HandleScope scope(env);
    Napi::Value error = outcome.failed() ? LibraryError(env, outcome, pending.subject) : env.Null();
    Napi::Value value = outcome.failed() ? env.Undefined() : OutcomeValue(env, outcome);
    pending.callback.Call(env.Undefined(), {error, value});
  } catch (const Napi::Error &error) {
    // A throwing callback becomes an uncaught exception of the process, as with any callback.
    // While the environment shuts down no JS runs at all: then there is nothing left to tell.
    try {
      napi_fatal_exception(env, error.Value());
    } catch (...) {
    }
  } catch (...) {
    // Out of memory while building the value: the callback is lost, the process is not.
  }
}

} // namespace sysbind
