#include "template_handle.h"

#include "arguments.h"
#include "blocking_call.h"
#include "ctfs_files.h"

#include <libcontract.h>
#include <sys/contract/device.h>
#include <sys/contract/process.h>

#include <climits>
#include <fcntl.h>
#include <memory>
#include <vector>

namespace sysbind {

const napi_type_tag TemplateHandle::kTypeTag = {0x5e1f0c7a2b6d4e01ULL, 0x9a3c5d7e1f2b4c01ULL};

namespace {

using Handle = TemplateHandle;

void Check(Napi::Env env, int error, const char *syscall) {
  if (error != 0)
    throw ContractErrno(env, error, syscall);
}

// A setter taking one uint_t.
template <int (*Set)(int, uint_t)> Napi::Value SetUint(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  uint32_t value = UintArg(info, 0, "value");
  Check(info.Env(), Set(self.FdFor(info.Env(), syscall), value), syscall);
  return info.Env().Undefined();
}

// A getter with a uint_t out-parameter.
template <int (*Get)(int, uint_t *)>
Napi::Value GetUint(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  uint_t value = 0;
  Check(info.Env(), Get(self.FdFor(info.Env(), syscall), &value), syscall);
  return Napi::Number::New(info.Env(), value);
}

// A function of the fd alone (activate, clear, set/clear noneg).
template <int (*Call)(int)> Napi::Value FdOnly(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  Check(info.Env(), Call(self.FdFor(info.Env(), syscall)), syscall);
  return info.Env().Undefined();
}

// ct_pr_tmpl_get_svc_fmri/aux return the size the string needs (strlen+1), or -1 with errno.
template <int (*Get)(int, char *, size_t)>
Napi::Value GetSizedString(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  int fd = self.FdFor(info.Env(), syscall);
  std::vector<char> buffer(256);
  for (;;) {
    int needed = Get(fd, buffer.data(), buffer.size());
    if (needed < 0)
      throw ContractErrno(info.Env(), errno, syscall);
    if (static_cast<size_t>(needed) <= buffer.size())
      return Napi::String::New(info.Env(), buffer.data());
    buffer.resize(static_cast<size_t>(needed));
  }
}

Napi::Value SetCookie(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_tmpl_set_cookie");
  uint64_t cookie = BigUint64Arg(info, 0, "cookie");
  Check(info.Env(), ct_tmpl_set_cookie(self.FdFor(info.Env(), "ct_tmpl_set_cookie"), cookie),
        "ct_tmpl_set_cookie");
  return info.Env().Undefined();
}

Napi::Value GetCookie(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_tmpl_get_cookie");
  uint64_t cookie = 0;
  Check(info.Env(), ct_tmpl_get_cookie(self.FdFor(info.Env(), "ct_tmpl_get_cookie"), &cookie),
        "ct_tmpl_get_cookie");
  return Napi::BigInt::New(info.Env(), cookie);
}

Napi::Value SetTransfer(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_pr_tmpl_set_transfer");
  ctid_t ctid = CtidArg(info, 0, "ctid");
  Check(info.Env(), ct_pr_tmpl_set_transfer(self.FdFor(info.Env(), "ct_pr_tmpl_set_transfer"), ctid),
        "ct_pr_tmpl_set_transfer");
  return info.Env().Undefined();
}

Napi::Value GetTransfer(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_pr_tmpl_get_transfer");
  ctid_t ctid = 0;
  Check(info.Env(), ct_pr_tmpl_get_transfer(self.FdFor(info.Env(), "ct_pr_tmpl_get_transfer"), &ctid),
        "ct_pr_tmpl_get_transfer");
  return Napi::Number::New(info.Env(), ctid);
}

template <int (*Set)(int, const char *)>
Napi::Value SetString(const Napi::CallbackInfo &info, const char *syscall) {
  Handle &self = Handle::Receiver(info, syscall);
  std::string value = StringArg(info, 0, "value");
  Check(info.Env(), Set(self.FdFor(info.Env(), syscall), value.c_str()), syscall);
  return info.Env().Undefined();
}

Napi::Value SetMinor(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_dev_tmpl_set_minor");
  std::string minor = StringArg(info, 0, "minor");
  // The real signature takes a non-const char *; it does not write through it.
  Check(info.Env(), ct_dev_tmpl_set_minor(self.FdFor(info.Env(), "ct_dev_tmpl_set_minor"), minor.data()),
        "ct_dev_tmpl_set_minor");
  return info.Env().Undefined();
}

Napi::Value GetMinor(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_dev_tmpl_get_minor");
  int fd = self.FdFor(info.Env(), "ct_dev_tmpl_get_minor");
  std::vector<char> buffer(PATH_MAX);
  for (;;) {
    size_t length = buffer.size();
    int error = ct_dev_tmpl_get_minor(fd, buffer.data(), &length);
    // EOVERFLOW reports the size needed in `length`; grow and ask again.
    if (error == EOVERFLOW && length > buffer.size()) {
      buffer.resize(length);
      continue;
    }
    Check(info.Env(), error, "ct_dev_tmpl_get_minor");
    buffer.back() = '\0';
    return Napi::String::New(info.Env(), buffer.data());
  }
}

Napi::Value CreateContract(const Napi::CallbackInfo &info) {
  Handle &self = Handle::Receiver(info, "ct_tmpl_create");
  ctid_t ctid = 0;
  Check(info.Env(), ct_tmpl_create(self.FdFor(info.Env(), "ct_tmpl_create"), &ctid), "ct_tmpl_create");
  return Napi::Number::New(info.Env(), ctid);
}

// createAsync(): ct_tmpl_create off the JS thread (contract_device_create waits for the device's
// barrier, ct_barrier_acquire, up to CT_DEV_ACKTIME while a negotiation is under way).
Napi::Value CreateContractAsync(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Handle &self = Handle::Receiver(info, "ct_tmpl_create");
  int fd = self.BeginBlocking(env, "ct_tmpl_create");
  auto keep = std::make_shared<Napi::ObjectReference>(Napi::Persistent(info.This().As<Napi::Object>()));
  auto created = std::make_shared<ctid_t>(0);
  Handle *handle = &self;
  auto call = std::make_unique<BlockingCall>();
  call->work = [fd, created]() { return ct_tmpl_create(fd, created.get()); };
  call->settle = [created](Napi::Env settleEnv, int error) -> Napi::Value {
    if (error != 0)
      throw ContractErrno(settleEnv, error, "ct_tmpl_create");
    return Napi::Number::New(settleEnv, *created);
  };
  call->finish = [handle, keep]() {
    handle->EndBlocking();
    keep->Reset();
  };
  return QueueBlockingCall(env, "ct_tmpl_create", std::move(call));
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  Handle::Receiver(info, "close").Release();
  return info.Env().Undefined();
}

// clang-format off
Napi::Value SetCritical(const Napi::CallbackInfo &i) { return SetUint<ct_tmpl_set_critical>(i, "ct_tmpl_set_critical"); }
Napi::Value GetCritical(const Napi::CallbackInfo &i) { return GetUint<ct_tmpl_get_critical>(i, "ct_tmpl_get_critical"); }
Napi::Value SetInformative(const Napi::CallbackInfo &i) { return SetUint<ct_tmpl_set_informative>(i, "ct_tmpl_set_informative"); }
Napi::Value GetInformative(const Napi::CallbackInfo &i) { return GetUint<ct_tmpl_get_informative>(i, "ct_tmpl_get_informative"); }
Napi::Value SetFatal(const Napi::CallbackInfo &i) { return SetUint<ct_pr_tmpl_set_fatal>(i, "ct_pr_tmpl_set_fatal"); }
Napi::Value GetFatal(const Napi::CallbackInfo &i) { return GetUint<ct_pr_tmpl_get_fatal>(i, "ct_pr_tmpl_get_fatal"); }
Napi::Value SetParam(const Napi::CallbackInfo &i) { return SetUint<ct_pr_tmpl_set_param>(i, "ct_pr_tmpl_set_param"); }
Napi::Value GetParam(const Napi::CallbackInfo &i) { return GetUint<ct_pr_tmpl_get_param>(i, "ct_pr_tmpl_get_param"); }
Napi::Value SetSvcFmri(const Napi::CallbackInfo &i) { return SetString<ct_pr_tmpl_set_svc_fmri>(i, "ct_pr_tmpl_set_svc_fmri"); }
Napi::Value GetSvcFmri(const Napi::CallbackInfo &i) { return GetSizedString<ct_pr_tmpl_get_svc_fmri>(i, "ct_pr_tmpl_get_svc_fmri"); }
Napi::Value SetSvcAux(const Napi::CallbackInfo &i) { return SetString<ct_pr_tmpl_set_svc_aux>(i, "ct_pr_tmpl_set_svc_aux"); }
Napi::Value GetSvcAux(const Napi::CallbackInfo &i) { return GetSizedString<ct_pr_tmpl_get_svc_aux>(i, "ct_pr_tmpl_get_svc_aux"); }
Napi::Value SetAset(const Napi::CallbackInfo &i) { return SetUint<ct_dev_tmpl_set_aset>(i, "ct_dev_tmpl_set_aset"); }
Napi::Value GetAset(const Napi::CallbackInfo &i) { return GetUint<ct_dev_tmpl_get_aset>(i, "ct_dev_tmpl_get_aset"); }
Napi::Value SetNoneg(const Napi::CallbackInfo &i) { return FdOnly<ct_dev_tmpl_set_noneg>(i, "ct_dev_tmpl_set_noneg"); }
Napi::Value ClearNoneg(const Napi::CallbackInfo &i) { return FdOnly<ct_dev_tmpl_clear_noneg>(i, "ct_dev_tmpl_clear_noneg"); }
Napi::Value GetNoneg(const Napi::CallbackInfo &i) { return GetUint<ct_dev_tmpl_get_noneg>(i, "ct_dev_tmpl_get_noneg"); }
Napi::Value Activate(const Napi::CallbackInfo &i) { return FdOnly<ct_tmpl_activate>(i, "ct_tmpl_activate"); }
Napi::Value Clear(const Napi::CallbackInfo &i) { return FdOnly<ct_tmpl_clear>(i, "ct_tmpl_clear"); }
// clang-format on

} // namespace

Napi::Function TemplateHandle::DefineClass(Napi::Env env) {
  return DefineHandleClass<TemplateHandle>(env, {
                                                    {"ct_tmpl_set_cookie", SetCookie},
                                                    {"ct_tmpl_get_cookie", GetCookie},
                                                    {"ct_tmpl_set_critical", SetCritical},
                                                    {"ct_tmpl_get_critical", GetCritical},
                                                    {"ct_tmpl_set_informative", SetInformative},
                                                    {"ct_tmpl_get_informative", GetInformative},
                                                    {"ct_pr_tmpl_set_transfer", SetTransfer},
                                                    {"ct_pr_tmpl_get_transfer", GetTransfer},
                                                    {"ct_pr_tmpl_set_fatal", SetFatal},
                                                    {"ct_pr_tmpl_get_fatal", GetFatal},
                                                    {"ct_pr_tmpl_set_param", SetParam},
                                                    {"ct_pr_tmpl_get_param", GetParam},
                                                    {"ct_pr_tmpl_set_svc_fmri", SetSvcFmri},
                                                    {"ct_pr_tmpl_get_svc_fmri", GetSvcFmri},
                                                    {"ct_pr_tmpl_set_svc_aux", SetSvcAux},
                                                    {"ct_pr_tmpl_get_svc_aux", GetSvcAux},
                                                    {"ct_dev_tmpl_set_aset", SetAset},
                                                    {"ct_dev_tmpl_get_aset", GetAset},
                                                    {"ct_dev_tmpl_set_minor", SetMinor},
                                                    {"ct_dev_tmpl_get_minor", GetMinor},
                                                    {"ct_dev_tmpl_set_noneg", SetNoneg},
                                                    {"ct_dev_tmpl_clear_noneg", ClearNoneg},
                                                    {"ct_dev_tmpl_get_noneg", GetNoneg},
                                                    {"activate", Activate},
                                                    {"clear", Clear},
                                                    {"create", CreateContract},
                                                    {"createAsync", CreateContractAsync},
                                                    {"close", Close},
                                                });
}

Napi::Value TemplateHandle::Open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string type = ContractTypeArg(info, 0, "type");
  int fd = OpenCloseOnExec(env, TypeFilePath(type, "template"), O_RDWR);
  Napi::Object handle = Create(env, GetAddonData(env).templateClass, fd);
  DefineReadOnly(handle, "type", Napi::String::New(env, type));
  return handle;
}

TemplateHandle *TemplateHandle::Of(const Napi::Value &value, Napi::Env env) {
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kTypeTag))
    throw InvalidArgType(env, "template", "a ContractTemplate handle", value);
  return Unwrap(value.As<Napi::Object>());
}

int TemplateHandle::FdOf(const Napi::Value &value, Napi::Env env, const char *syscall) {
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kTypeTag))
    throw InvalidArgType(env, "template", "a ContractTemplate handle", value);
  return Unwrap(value.As<Napi::Object>())->FdFor(env, syscall);
}

} // namespace sysbind
