// An event endpoint: CTFS_ROOT/all/<ctid>/events, <type>/bundle or <type>/pbundle, opened
// O_RDONLY|O_NONBLOCK. One fd is one listener with its own cursor. listen() watches the fd with a
// uv_poll_t and, each time it is readable, drains it with ct_event_read until EAGAIN, handing
// each event to onEvent; any other read error goes to onError and stops the watch. While
// listening, the endpoint keeps its JS object alive (it is reachable from the event loop, as a
// Node handle is); it keeps the loop alive only while ref'd.
#ifndef SYSBIND_CONTRACT_EVENT_ENDPOINT_H
#define SYSBIND_CONTRACT_EVENT_ENDPOINT_H

#include "fd_handle.h"
#include "poll_watch.h"

#include <string>

namespace sysbind {

class EventEndpoint : public FdHandle<EventEndpoint>, private PollWatch::Owner {
public:
  static constexpr const char *kClassName = "ContractEventEndpoint";
  static const napi_type_tag kTypeTag;

  explicit EventEndpoint(const Napi::CallbackInfo &info) : FdHandle(info) {}
  ~EventEndpoint() { Release(); }

  static Napi::Function DefineClass(Napi::Env env);

  // openEvents(ctid), openBundle(type), openProcessBundle(type).
  static Napi::Value OpenEvents(const Napi::CallbackInfo &info);
  static Napi::Value OpenBundle(const Napi::CallbackInfo &info);
  static Napi::Value OpenProcessBundle(const Napi::CallbackInfo &info);

  // Stops the watch, drops the listener and closes the fd.
  void Release();

  ErrorSubject Subject() const override { return {ctid_, ""}; }

  // Methods (see event_endpoint.cc).
  Napi::Value Read(const Napi::CallbackInfo &info, bool criticalOnly);
  void Listen(const Napi::CallbackInfo &info);
  void SetReferenced(bool referenced);

private:
  static Napi::Object Adopt(Napi::Env env, int fd, const char *kind, const std::string &type, int ctid);
  void OnPoll(int status) override;
  void Drain();
  void StopWatching();
  void Fail(const Napi::Error &error);
  void Deliver(Napi::Function callback, Napi::Object listener, Napi::Value argument);

  std::string type_;
  int ctid_ = -1;
  PollWatch *watch_ = nullptr;
  Napi::ObjectReference listener_;
  Napi::FunctionReference onEvent_;
  Napi::FunctionReference onError_;
  bool referenced_ = false;
};

} // namespace sysbind

#endif
