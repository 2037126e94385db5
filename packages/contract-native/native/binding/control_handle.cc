#include "control_handle.h"

#include "arguments.h"
#include "blocking_call.h"
#include "ctfs_files.h"
#include "template_handle.h"

#include <libcontract.h>

#include <fcntl.h>
#include <memory>

namespace sysbind {

const napi_type_tag ControlHandle::kTypeTag = {0x5e1f0c7a2b6d4e03ULL, 0x9a3c5d7e1f2b4c03ULL};

namespace {

using Handle = ControlHandle;

void Check(Napi::Env env, const Handle &self, int error, const char *syscall) {
  if (error != 0)
    throw ContractErrno(env, error, syscall, self.Subject());
}

template <int (*Call)(int)> Napi::Value FdOnly(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  Check(info.Env(), self, Call(self.FdFor(info.Env(), syscall)), syscall);
  return info.Env().Undefined();
}

template <int (*Call)(int, ctevid_t)>
Napi::Value WithEvid(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  ctevid_t evid = BigUint64Arg(info, 0, "evid");
  Check(info.Env(), self, Call(self.FdFor(info.Env(), syscall), evid), syscall);
  return info.Env().Undefined();
}

Napi::Value Newct(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_ctl_newct");
  ctevid_t evid = BigUint64Arg(info, 0, "evid");
  Napi::Value templateArg = info.Length() > 1 ? info[1] : info.Env().Undefined();
  int templateFd = TemplateHandle::FdOf(templateArg, info.Env(), "ct_ctl_newct");
  Check(info.Env(), self, ct_ctl_newct(self.FdFor(info.Env(), "ct_ctl_newct"), evid, templateFd),
        "ct_ctl_newct");
  return info.Env().Undefined();
}

// abandonAsync(): ct_ctl_abandon off the JS thread. Abandoning a device contract can wait for the
// negotiation under way (contract_abandon → the device's barrier), up to CT_DEV_ACKTIME.
Napi::Value AbandonAsync(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Handle &self = Handle::Receiver(info, "ct_ctl_abandon");
  int fd = self.BeginBlocking(env, "ct_ctl_abandon");
  // Keeps the handle (and so its fd) alive until the call has ended.
  auto keep = std::make_shared<Napi::ObjectReference>(Napi::Persistent(info.This().As<Napi::Object>()));
  Handle *handle = &self;
  auto call = std::make_unique<BlockingCall>();
  call->work = [fd]() { return ct_ctl_abandon(fd); };
  call->settle = [handle](Napi::Env settleEnv, int error) -> Napi::Value {
    if (error != 0)
      throw ContractErrno(settleEnv, error, "ct_ctl_abandon", handle->Subject());
    return settleEnv.Undefined();
  };
  call->finish = [handle, keep]() {
    handle->EndBlocking();
    keep->Reset();
  };
  return QueueBlockingCall(env, "ct_ctl_abandon", std::move(call));
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  Handle::Receiver(info, "close").Release();
  return info.Env().Undefined();
}

// clang-format off
Napi::Value Adopt(const Napi::CallbackInfo &i) { return FdOnly<ct_ctl_adopt>(i, "ct_ctl_adopt"); }
Napi::Value Abandon(const Napi::CallbackInfo &i) { return FdOnly<ct_ctl_abandon>(i, "ct_ctl_abandon"); }
Napi::Value Ack(const Napi::CallbackInfo &i) { return WithEvid<ct_ctl_ack>(i, "ct_ctl_ack"); }
Napi::Value Nack(const Napi::CallbackInfo &i) { return WithEvid<ct_ctl_nack>(i, "ct_ctl_nack"); }
Napi::Value Qack(const Napi::CallbackInfo &i) { return WithEvid<ct_ctl_qack>(i, "ct_ctl_qack"); }
// clang-format on

} // namespace

Napi::Function ControlHandle::DefineClass(Napi::Env env) {
  return DefineHandleClass<ControlHandle>(env, {
                                                   {"adopt", Adopt},
                                                   {"abandon", Abandon},
                                                   {"abandonAsync", AbandonAsync},
                                                   {"ack", Ack},
                                                   {"nack", Nack},
                                                   {"qack", Qack},
                                                   {"newct", Newct},
                                                   {"close", Close},
                                               });
}

Napi::Value ControlHandle::Open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int ctid = CtidArg(info, 0, "ctid");
  std::string type = ContractTypeOf(env, ctid);
  int fd = OpenCloseOnExec(env, ContractFilePath(type.c_str(), ctid, "ctl"), O_WRONLY, ctid);
  Napi::Object object = Create(env, GetAddonData(env).controlClass, fd);
  Unwrap(object)->ctid_ = ctid;
  DefineReadOnly(object, "ctid", Napi::Number::New(env, ctid));
  DefineReadOnly(object, "type", Napi::String::New(env, type));
  return object;
}

} // namespace sysbind
