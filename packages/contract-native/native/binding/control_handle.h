// A control file, CTFS_ROOT/<type>/<ctid>/ctl (opened exactly O_WRONLY): the ct_ctl_* functions.
// Opening it is itself the ownership check (EACCES unless the caller owns the contract or it is
// inherited by the caller's process contract).
#ifndef SYSBIND_CONTRACT_CONTROL_HANDLE_H
#define SYSBIND_CONTRACT_CONTROL_HANDLE_H

#include "fd_handle.h"

namespace sysbind {

class ControlHandle : public FdHandle<ControlHandle> {
public:
  static constexpr const char *kClassName = "ContractControl";
  static const napi_type_tag kTypeTag;

  explicit ControlHandle(const Napi::CallbackInfo &info) : FdHandle(info) {}
  ~ControlHandle() { Release(); }

  static Napi::Function DefineClass(Napi::Env env);

  // openControl(ctid).
  static Napi::Value Open(const Napi::CallbackInfo &info);

  void Release() { CloseFd(); }
  ErrorSubject Subject() const override { return {ctid_, ""}; }

private:
  int ctid_ = -1;
};

} // namespace sysbind

#endif
