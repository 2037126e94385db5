// A status file: CTFS_ROOT/all/<ctid>/status or CTFS_ROOT/<type>/latest (opened O_RDONLY).
// read(detail) is one ct_status_read plus every getter that applies, returned as plain data.
#ifndef SYSBIND_CONTRACT_STATUS_HANDLE_H
#define SYSBIND_CONTRACT_STATUS_HANDLE_H

#include "fd_handle.h"

namespace sysbind {

class StatusHandle : public FdHandle<StatusHandle> {
public:
  static constexpr const char *kClassName = "ContractStatus";
  static const napi_type_tag kTypeTag;

  explicit StatusHandle(const Napi::CallbackInfo &info) : FdHandle(info) {}
  ~StatusHandle() { Release(); }

  static Napi::Function DefineClass(Napi::Env env);

  // openLatest(type): CTFS_ROOT/<type>/latest, the last contract the calling thread created.
  static Napi::Value OpenLatest(const Napi::CallbackInfo &info);
  // openStatus(ctid): CTFS_ROOT/all/<ctid>/status.
  static Napi::Value OpenStatus(const Napi::CallbackInfo &info);

  void Release() { CloseFd(); }
  int Ctid() const { return ctid_; }

private:
  static Napi::Object Adopt(Napi::Env env, int fd, const std::string &path);
  ErrorSubject Subject() const override { return {ctid_, ""}; }

  int ctid_ = -1;
};

} // namespace sysbind

#endif
