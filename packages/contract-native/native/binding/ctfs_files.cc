#include "ctfs_files.h"

#include "cloexec_window.h"
#include "errors.h"
#include "system_calls.h"

#include <libcontract.h>
#include <sys/ctfs.h>

#include <cerrno>
#include <fcntl.h>

namespace sysbind {

std::string TypeFilePath(const std::string &type, const char *file) {
  return std::string(CTFS_ROOT) + "/" + type + "/" + file;
}

std::string ContractFilePath(const char *directory, int ctid, const char *file) {
  return std::string(CTFS_ROOT) + "/" + directory + "/" + std::to_string(ctid) + "/" + file;
}

int OpenCloseOnExec(Napi::Env env, const std::string &path, int oflag, int ctid) {
  int fd;
  int error = 0;
  const char *failed = "open";
  {
    // No fork(2) sees the descriptor before FD_CLOEXEC is set (see cloexec_window.h).
    CloexecWindow window;
    fd = sys::open(path.c_str(), oflag);
    if (fd < 0) {
      error = errno;
    } else if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      error = errno;
      failed = "fcntl";
      sys::close(fd);
    }
  }
  // Thrown outside the window: building the error runs JavaScript.
  if (error != 0)
    throw ContractErrno(env, error, failed, {ctid, path});
  return fd;
}

std::string ContractTypeOf(Napi::Env env, int ctid) {
  std::string path = ContractFilePath("all", ctid, "status");
  int fd = OpenCloseOnExec(env, path, O_RDONLY | O_CLOEXEC, ctid);
  ct_stathdl_t status = nullptr;
  int error = ct_status_read(fd, CTD_COMMON, &status);
  std::string type;
  if (error == 0) {
    const char *name = ct_status_get_type(status);
    type = name == nullptr ? "" : name;
    ct_status_free(status);
  }
  sys::close(fd);
  if (error != 0)
    throw ContractErrno(env, error, "ct_status_read", {ctid, path});
  if (type != "process" && type != "device")
    throw ContractErrno(env, EINVAL, "ct_status_get_type", {ctid, path});
  return type;
}

} // namespace sysbind
