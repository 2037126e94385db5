#include "status_handle.h"

#include "arguments.h"
#include "ctfs_files.h"
#include "status_object.h"

#include <libcontract.h>

#include <fcntl.h>

namespace sysbind {

const napi_type_tag StatusHandle::kTypeTag = {0x5e1f0c7a2b6d4e02ULL, 0x9a3c5d7e1f2b4c02ULL};

namespace {

// Frees the status handle on every path out of a read.
class StatusRead {
public:
  StatusRead() = default;
  StatusRead(const StatusRead &) = delete;
  StatusRead &operator=(const StatusRead &) = delete;
  ~StatusRead() {
    if (handle != nullptr)
      ct_status_free(handle);
  }
  ct_stathdl_t handle = nullptr;
};

Napi::Value Read(const Napi::CallbackInfo &info) {
  StatusHandle &self = StatusHandle::Receiver(info, "ct_status_read");
  int detail = IntArg(info, 0, "detail");
  int fd = self.FdFor(info.Env(), "ct_status_read");
  StatusRead status;
  int error = ct_status_read(fd, detail, &status.handle);
  if (error != 0)
    throw ContractErrno(info.Env(), error, "ct_status_read", {self.Ctid(), ""});
  return StatusObject(info.Env(), status.handle, detail);
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  StatusHandle::Receiver(info, "close").Release();
  return info.Env().Undefined();
}

} // namespace

Napi::Function StatusHandle::DefineClass(Napi::Env env) {
  return DefineHandleClass<StatusHandle>(env, {
                                                  {"read", Read},
                                                  {"close", Close},
                                              });
}

Napi::Object StatusHandle::Adopt(Napi::Env env, int fd, const std::string &path) {
  Napi::Object object = Create(env, GetAddonData(env).statusClass, fd);
  // The id and type come from the file itself, as libcontract's contract_latest learns them.
  StatusRead status;
  int error = ct_status_read(fd, CTD_COMMON, &status.handle);
  StatusHandle *self = Unwrap(object);
  if (error != 0) {
    self->Release();
    throw ContractErrno(env, error, "ct_status_read", {-1, path});
  }
  self->ctid_ = ct_status_get_id(status.handle);
  const char *type = ct_status_get_type(status.handle);
  DefineReadOnly(object, "ctid", Napi::Number::New(env, self->ctid_));
  DefineReadOnly(object, "type", Napi::String::New(env, type == nullptr ? "" : type));
  return object;
}

Napi::Value StatusHandle::OpenLatest(const Napi::CallbackInfo &info) {
  std::string path = TypeFilePath(ContractTypeArg(info, 0, "type"), "latest");
  return Adopt(info.Env(), OpenCloseOnExec(info.Env(), path, O_RDONLY), path);
}

Napi::Value StatusHandle::OpenStatus(const Napi::CallbackInfo &info) {
  int ctid = CtidArg(info, 0, "ctid");
  std::string path = ContractFilePath("all", ctid, "status");
  // ctfs_open, behind status files, ignores flags besides FWRITE and FOFFMAX: O_CLOEXEC is taken.
  return Adopt(info.Env(), OpenCloseOnExec(info.Env(), path, O_RDONLY | O_CLOEXEC, ctid), path);
}

} // namespace sysbind
