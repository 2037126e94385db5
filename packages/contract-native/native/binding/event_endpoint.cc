#include "event_endpoint.h"

#include "arguments.h"
#include "ctfs_files.h"
#include "event_object.h"

#include <libcontract.h>

#include <cerrno>
#include <fcntl.h>

namespace sysbind {

const napi_type_tag EventEndpoint::kTypeTag = {0x5e1f0c7a2b6d4e04ULL, 0x9a3c5d7e1f2b4c04ULL};

namespace {

constexpr int kEndpointMode = O_RDONLY | O_NONBLOCK;

Napi::Value ReadEvent(const Napi::CallbackInfo &info) {
  return EventEndpoint::Receiver(info, "ct_event_read").Read(info, false);
}

Napi::Value ReadCritical(const Napi::CallbackInfo &info) {
  return EventEndpoint::Receiver(info, "ct_event_read_critical").Read(info, true);
}

template <int (*Call)(int)> Napi::Value FdOnly(const Napi::CallbackInfo &info, const char *syscall) {
  EventEndpoint &self = EventEndpoint::Receiver(info, syscall);
  int error = Call(self.FdFor(info.Env(), syscall));
  if (error != 0)
    throw ContractErrno(info.Env(), error, syscall, self.Subject());
  return info.Env().Undefined();
}

Napi::Value ResetCursor(const Napi::CallbackInfo &info) {
  return FdOnly<ct_event_reset>(info, "ct_event_reset");
}

Napi::Value Reliable(const Napi::CallbackInfo &info) {
  return FdOnly<ct_event_reliable>(info, "ct_event_reliable");
}

Napi::Value Listen(const Napi::CallbackInfo &info) {
  EventEndpoint::Receiver(info, "listen").Listen(info);
  return info.Env().Undefined();
}

Napi::Value RefWatch(const Napi::CallbackInfo &info) {
  EventEndpoint &self = EventEndpoint::Receiver(info, "ref");
  self.FdFor(info.Env(), "uv_ref");
  self.SetReferenced(true);
  return info.Env().Undefined();
}

Napi::Value UnrefWatch(const Napi::CallbackInfo &info) {
  EventEndpoint &self = EventEndpoint::Receiver(info, "unref");
  self.FdFor(info.Env(), "uv_unref");
  self.SetReferenced(false);
  return info.Env().Undefined();
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  EventEndpoint::Receiver(info, "close").Release();
  return info.Env().Undefined();
}

} // namespace

Napi::Function EventEndpoint::DefineClass(Napi::Env env) {
  return DefineHandleClass<EventEndpoint>(env, {
                                                   {"read", ReadEvent},
                                                   {"readCritical", ReadCritical},
                                                   {"reset", ResetCursor},
                                                   {"reliable", Reliable},
                                                   {"listen", sysbind::Listen},
                                                   {"ref", RefWatch},
                                                   {"unref", UnrefWatch},
                                                   {"close", Close},
                                               });
}

Napi::Object EventEndpoint::Adopt(Napi::Env env, int fd, const char *kind, const std::string &type,
                                  int ctid) {
  Napi::Object object = Create(env, GetAddonData(env).endpointClass, fd);
  EventEndpoint *self = Unwrap(object);
  self->type_ = type;
  self->ctid_ = ctid;
  DefineReadOnly(object, "kind", Napi::String::New(env, kind));
  DefineReadOnly(object, "type", Napi::String::New(env, type));
  DefineReadOnly(object, "ctid", ctid < 0 ? env.Undefined() : Napi::Number::New(env, ctid));
  return object;
}

Napi::Value EventEndpoint::OpenEvents(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int ctid = CtidArg(info, 0, "ctid");
  std::string type = ContractTypeOf(env, ctid);
  int fd = OpenCloseOnExec(env, ContractFilePath("all", ctid, "events"), kEndpointMode, ctid);
  return Adopt(env, fd, "events", type, ctid);
}

Napi::Value EventEndpoint::OpenBundle(const Napi::CallbackInfo &info) {
  std::string type = ContractTypeArg(info, 0, "type");
  int fd = OpenCloseOnExec(info.Env(), TypeFilePath(type, "bundle"), kEndpointMode);
  return Adopt(info.Env(), fd, "bundle", type, -1);
}

Napi::Value EventEndpoint::OpenProcessBundle(const Napi::CallbackInfo &info) {
  std::string type = ContractTypeArg(info, 0, "type");
  int fd = OpenCloseOnExec(info.Env(), TypeFilePath(type, "pbundle"), kEndpointMode);
  return Adopt(info.Env(), fd, "pbundle", type, -1);
}

Napi::Value EventEndpoint::Read(const Napi::CallbackInfo &info, bool criticalOnly) {
  const char *syscall = criticalOnly ? "ct_event_read_critical" : "ct_event_read";
  int fd = FdFor(info.Env(), syscall);
  EventRead event;
  int error = criticalOnly ? ct_event_read_critical(fd, &event.handle) : ct_event_read(fd, &event.handle);
  if (error == EAGAIN)
    return info.Env().Undefined();
  if (error != 0)
    throw ContractErrno(info.Env(), error, syscall, Subject());
  return EventObject(info.Env(), event.handle, type_);
}

void EventEndpoint::Listen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Value listener = info.Length() > 0 ? info[0] : env.Undefined();
  if (listener.IsUndefined()) {
    FdFor(env, "uv_poll_stop");
    StopWatching();
    return;
  }
  if (!listener.IsObject())
    throw InvalidArgType(env, "listener", "an object with onEvent and onError functions", listener);
  Napi::Value onEvent = listener.As<Napi::Object>().Get("onEvent");
  Napi::Value onError = listener.As<Napi::Object>().Get("onError");
  if (!onEvent.IsFunction())
    throw InvalidArgType(env, "listener.onEvent", "of type function", onEvent);
  if (!onError.IsFunction())
    throw InvalidArgType(env, "listener.onError", "of type function", onError);
  int fd = FdFor(env, "uv_poll_start");
  if (watch_ == nullptr) {
    uv_loop_t *loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr)
      throw ContractErrno(env, EINVAL, "napi_get_uv_event_loop", Subject());
    int error = 0;
    watch_ = PollWatch::Start(Data(), loop, fd, this, referenced_, &error);
    if (watch_ == nullptr)
      throw ContractErrno(env, -error, "uv_poll_start", Subject());
    // Reachable from the event loop while watching, as a Node handle is.
    ObjectWrap::Ref();
  }
  listener_ = Napi::Persistent(listener.As<Napi::Object>());
  onEvent_ = Napi::Persistent(onEvent.As<Napi::Function>());
  onError_ = Napi::Persistent(onError.As<Napi::Function>());
}

void EventEndpoint::SetReferenced(bool referenced) {
  referenced_ = referenced;
  if (watch_ != nullptr)
    watch_->SetReferenced(referenced);
}

void EventEndpoint::StopWatching() {
  if (watch_ == nullptr)
    return;
  watch_->Close();
  watch_ = nullptr;
  listener_.Reset();
  onEvent_.Reset();
  onError_.Reset();
  if (!Data().tearingDown)
    ObjectWrap::Unref();
}

void EventEndpoint::Release() {
  StopWatching();
  CloseFd();
}

void EventEndpoint::OnPoll(int status) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  // A local handle on our own object: it cannot be collected while events are delivered, even
  // if a listener closes it.
  Napi::Object self = Value();
  (void)self;
  try {
    if (status < 0)
      Fail(ContractErrno(env, -status, "uv_poll", Subject()));
    else
      Drain();
  } catch (const Napi::Error &error) {
    // Building an event or error object failed: report it rather than lose it.
    if (watch_ != nullptr)
      Fail(error);
  }
}

void EventEndpoint::Drain() {
  Napi::Env env = Env();
  // Reads until EAGAIN; stops as soon as a listener closed the endpoint or stopped listening.
  while (watch_ != nullptr && IsOpen()) {
    Napi::HandleScope scope(env);
    EventRead event;
    int error = ct_event_read(FdFor(env, "ct_event_read"), &event.handle);
    if (error == EAGAIN)
      return;
    if (error != 0) {
      Fail(ContractErrno(env, error, "ct_event_read", Subject()));
      return;
    }
    Napi::Object object = EventObject(env, event.handle, type_);
    Deliver(onEvent_.Value(), listener_.Value(), object);
  }
}

void EventEndpoint::Fail(const Napi::Error &error) {
  Napi::Function onError = onError_.Value();
  Napi::Object listener = listener_.Value();
  // Stop first, so that the endpoint is quiet whatever onError does.
  StopWatching();
  Deliver(onError, listener, error.Value());
}

void EventEndpoint::Deliver(Napi::Function callback, Napi::Object listener, Napi::Value argument) {
  try {
    // MakeCallback, not Call: this runs from a libuv callback, so Node must run the microtask and
    // nextTick queues afterwards, as it does for its own handles.
    callback.MakeCallback(listener, {argument});
  } catch (const Napi::Error &thrown) {
    // A listener threw: the application's uncaught exception, as for any event callback.
    napi_fatal_exception(Env(), thrown.Value());
  }
}

} // namespace sysbind
