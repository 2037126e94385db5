// Sim flavor: the template functions of libcontract (ct_tmpl_*, ct_pr_tmpl_*, ct_dev_tmpl_*),
// each forwarded to the simulator's function of the same name.
#include <libcontract.h>

#include "shim_values.h"

#include <cstring>

using namespace sysbind::sim;

namespace {

int FdOnly(int fd, const char *method) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, method));
}

int SetUint(int fd, const char *method, uint_t value) {
  ShimScope scope;
  if (scope.bridge() == nullptr)
    return EBADF;
  return ErrnoOf(CallOnFd(scope, fd, method, {Napi::Number::New(scope.bridge()->env, value)}));
}

int GetUint(int fd, const char *method, uint_t *out) {
  ShimScope scope;
  return OutInto(CallOnFd(scope, fd, method), out, ToUint);
}

int SetString(int fd, const char *method, const char *value) {
  ShimScope scope;
  if (scope.bridge() == nullptr)
    return EBADF;
  if (value == nullptr)
    return EINVAL;
  return ErrnoOf(CallOnFd(scope, fd, method, {Napi::String::New(scope.bridge()->env, value)}));
}

// The ct_pr_tmpl_get_svc_* convention: strlen+1 (copying what fits), or -1 with errno.
int GetSizedString(int fd, const char *method, char *buffer, size_t size) {
  ShimScope scope;
  std::string value;
  int error = OutInto(CallOnFd(scope, fd, method), &value, ToString);
  if (error != 0) {
    errno = error;
    return -1;
  }
  if (size > 0) {
    size_t copied = value.size() < size - 1 ? value.size() : size - 1;
    std::memcpy(buffer, value.data(), copied);
    buffer[copied] = '\0';
  }
  return static_cast<int>(value.size() + 1);
}

} // namespace

extern "C" {

int ct_tmpl_activate(int fd) {
  return FdOnly(fd, "ct_tmpl_activate");
}
int ct_tmpl_clear(int fd) {
  return FdOnly(fd, "ct_tmpl_clear");
}

int ct_tmpl_create(int fd, ctid_t *idp) {
  ShimScope scope;
  return OutInto(CallOnFd(scope, fd, "ct_tmpl_create"), idp, ToInt);
}

int ct_tmpl_set_cookie(int fd, uint64_t cookie) {
  ShimScope scope;
  if (scope.bridge() == nullptr)
    return EBADF;
  return ErrnoOf(CallOnFd(scope, fd, "ct_tmpl_set_cookie", {Napi::BigInt::New(scope.bridge()->env, cookie)}));
}

int ct_tmpl_get_cookie(int fd, uint64_t *cookie) {
  ShimScope scope;
  return OutInto(CallOnFd(scope, fd, "ct_tmpl_get_cookie"), cookie, ToUint64);
}

int ct_tmpl_set_critical(int fd, uint_t events) {
  return SetUint(fd, "ct_tmpl_set_critical", events);
}
int ct_tmpl_get_critical(int fd, uint_t *events) {
  return GetUint(fd, "ct_tmpl_get_critical", events);
}
int ct_tmpl_set_informative(int fd, uint_t events) {
  return SetUint(fd, "ct_tmpl_set_informative", events);
}
int ct_tmpl_get_informative(int fd, uint_t *events) {
  return GetUint(fd, "ct_tmpl_get_informative", events);
}

int ct_pr_tmpl_set_transfer(int fd, ctid_t ctid) {
  return SetUint(fd, "ct_pr_tmpl_set_transfer", static_cast<uint_t>(ctid));
}

int ct_pr_tmpl_get_transfer(int fd, ctid_t *ctid) {
  ShimScope scope;
  return OutInto(CallOnFd(scope, fd, "ct_pr_tmpl_get_transfer"), ctid, ToInt);
}

int ct_pr_tmpl_set_fatal(int fd, uint_t events) {
  return SetUint(fd, "ct_pr_tmpl_set_fatal", events);
}
int ct_pr_tmpl_get_fatal(int fd, uint_t *events) {
  return GetUint(fd, "ct_pr_tmpl_get_fatal", events);
}
int ct_pr_tmpl_set_param(int fd, uint_t params) {
  return SetUint(fd, "ct_pr_tmpl_set_param", params);
}
int ct_pr_tmpl_get_param(int fd, uint_t *params) {
  return GetUint(fd, "ct_pr_tmpl_get_param", params);
}
int ct_pr_tmpl_set_svc_fmri(int fd, const char *fmri) {
  return SetString(fd, "ct_pr_tmpl_set_svc_fmri", fmri);
}
int ct_pr_tmpl_set_svc_aux(int fd, const char *aux) {
  return SetString(fd, "ct_pr_tmpl_set_svc_aux", aux);
}

int ct_pr_tmpl_get_svc_fmri(int fd, char *buffer, size_t size) {
  return GetSizedString(fd, "ct_pr_tmpl_get_svc_fmri", buffer, size);
}

int ct_pr_tmpl_get_svc_aux(int fd, char *buffer, size_t size) {
  return GetSizedString(fd, "ct_pr_tmpl_get_svc_aux", buffer, size);
}

int ct_dev_tmpl_set_aset(int fd, uint_t aset) {
  return SetUint(fd, "ct_dev_tmpl_set_aset", aset);
}
int ct_dev_tmpl_get_aset(int fd, uint_t *aset) {
  return GetUint(fd, "ct_dev_tmpl_get_aset", aset);
}
int ct_dev_tmpl_set_minor(int fd, char *minor) {
  return SetString(fd, "ct_dev_tmpl_set_minor", minor);
}

int ct_dev_tmpl_get_minor(int fd, char *buffer, size_t *buflenp) {
  ShimScope scope;
  std::string minor;
  int error = OutInto(CallOnFd(scope, fd, "ct_dev_tmpl_get_minor"), &minor, ToString);
  if (error != 0)
    return error;
  // As libcontract does it: the kernel copies what fits (strlcpy into the buffer) and reports
  // strlen+1; libcontract calls that EOVERFLOW when it is >= the buffer's size and asks for one
  // byte more. So a buffer of exactly strlen+1 bytes is EOVERFLOW too (needing strlen+2).
  size_t reported = minor.size() + 1;
  if (*buflenp > 0) {
    size_t copied = minor.size() < *buflenp - 1 ? minor.size() : *buflenp - 1;
    std::memcpy(buffer, minor.data(), copied);
    buffer[copied] = '\0';
  }
  if (reported >= *buflenp) {
    *buflenp = reported + 1;
    return EOVERFLOW;
  }
  return 0;
}

int ct_dev_tmpl_set_noneg(int fd) {
  return FdOnly(fd, "ct_dev_tmpl_set_noneg");
}
int ct_dev_tmpl_clear_noneg(int fd) {
  return FdOnly(fd, "ct_dev_tmpl_clear_noneg");
}
int ct_dev_tmpl_get_noneg(int fd, uint_t *noneg) {
  return GetUint(fd, "ct_dev_tmpl_get_noneg", noneg);
}

} // extern "C"
