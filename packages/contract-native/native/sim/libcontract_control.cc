// Sim flavor: the control functions of libcontract (ct_ctl_*), forwarded to the simulator.
#include <libcontract.h>

#include "shim_values.h"

using namespace sysbind::sim;

namespace {

int WithEvid(int fd, const char *method, ctevid_t evid) {
  ShimScope scope;
  if (scope.bridge() == nullptr)
    return EBADF;
  return ErrnoOf(
      CallOnFd(scope, fd, method, {Napi::BigInt::New(scope.bridge()->env, static_cast<uint64_t>(evid))}));
}

} // namespace

extern "C" {

int ct_ctl_adopt(int fd) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, "ct_ctl_adopt"));
}

int ct_ctl_abandon(int fd) {
  ShimScope scope;
  return ErrnoOf(CallOnFd(scope, fd, "ct_ctl_abandon"));
}

int ct_ctl_ack(int fd, ctevid_t evid) {
  return WithEvid(fd, "ct_ctl_ack", evid);
}
int ct_ctl_nack(int fd, ctevid_t evid) {
  return WithEvid(fd, "ct_ctl_nack", evid);
}
int ct_ctl_qack(int fd, ctevid_t evid) {
  return WithEvid(fd, "ct_ctl_qack", evid);
}

int ct_ctl_newct(int fd, ctevid_t evid, int templateFd) {
  ShimScope scope;
  Bridge *bridge = scope.bridge();
  if (bridge == nullptr)
    return EBADF;
  // The template fd is the simulator's own number for the real fd the binding passed.
  auto found = bridge->files.find(templateFd);
  if (found == bridge->files.end())
    return EBADF;
  Napi::Env env(bridge->env);
  return ErrnoOf(CallOnFd(
      scope, fd, "ct_ctl_newct",
      {Napi::BigInt::New(env, static_cast<uint64_t>(evid)), Napi::Number::New(env, found->second.simFd)}));
}

} // extern "C"
