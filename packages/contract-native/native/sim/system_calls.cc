// Sim flavor of the binding's seam (see native/binding/system_calls.h): open and close answered
// by the simulator, with a real descriptor standing for each simulator fd.
#include "system_calls.h"

#include "simulator_bridge.h"

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

namespace sysbind {
namespace sim {
namespace {

// A real fd pair for a simulator fd: the binding holds readFd; writeFd signals readiness. Made
// close-on-exec only when the binding asked for O_CLOEXEC, as the kernel's fd layer would; else
// setting it is the binding's job, and the tests check it did.
bool MakeRealFd(SimFile &file, bool cloexec) {
#ifdef __linux__
  int fd = eventfd(0, EFD_NONBLOCK | (cloexec ? EFD_CLOEXEC : 0));
  if (fd < 0)
    return false;
  file.readFd = file.writeFd = fd;
#else
  int fds[2];
  if (pipe(fds) != 0)
    return false;
  if (cloexec)
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  file.readFd = fds[0];
  file.writeFd = fds[1];
#endif
  return true;
}

void CloseRealFd(const SimFile &file) {
  if (file.writeFd != file.readFd)
    ::close(file.writeFd);
}

// Makes the real fd readable (one pending count or byte) or drains it.
void SetReadable(SimFile &file, bool readable) {
  if (file.readable == readable)
    return;
  file.readable = readable;
  if (readable) {
#ifdef __linux__
    uint64_t one = 1;
    ssize_t written = ::write(file.writeFd, &one, sizeof one);
#else
    char one = 1;
    ssize_t written = ::write(file.writeFd, &one, sizeof one);
#endif
    (void)written;
  } else {
    uint64_t drained = 0;
    ssize_t got = ::read(file.readFd, &drained, sizeof drained);
    (void)got;
  }
}

// The simulator's readiness notification for one endpoint (its serial is the function's data).
Napi::Value OnReadiness(const Napi::CallbackInfo &info) {
  Bridge *bridge = CurrentBridge();
  if (bridge == nullptr)
    return info.Env().Undefined();
  auto serial = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(info.Data()));
  auto found = bridge->serials.find(serial);
  if (found != bridge->serials.end()) {
    auto file = bridge->files.find(found->second);
    if (file != bridge->files.end())
      SetReadable(file->second, info.Length() > 0 && info[0].ToBoolean().Value());
  }
  return info.Env().Undefined();
}

// If the simulator says `simFd` is an event endpoint, subscribes to its readiness and takes its
// current state.
void WatchReadiness(Napi::Env env, SimFile &file) {
  file.serial = CurrentBridge()->nextSerial++;
  Napi::Function listener = Napi::Function::New(
      env, OnReadiness, "readiness", reinterpret_cast<void *>(static_cast<uintptr_t>(file.serial)));
  Reply reply =
      CallApi(env, file.api, "setReadinessListener", {Napi::Number::New(env, file.simFd), listener});
  if (ErrnoOf(reply) != 0)
    return; // not an endpoint (EINVAL): nothing to watch
  CurrentBridge()->serials[file.serial] = file.readFd;
  Reply poll = CallApi(env, file.api, "poll", {Napi::Number::New(env, file.simFd)});
  SetReadable(file, ErrnoOf(poll) == 1);
}

} // namespace
} // namespace sim

namespace sys {

int open(const char *path, int oflag) {
  sim::ShimScope scope;
  sim::Bridge *bridge = scope.bridge();
  if (bridge == nullptr || bridge->api.IsEmpty()) {
    errno = ENOENT; // no simulator bound: as if ctfs were not mounted
    return -1;
  }
  Napi::Env env(bridge->env);
  sim::Reply reply =
      sim::CallApi(env, bridge->api, "open", {Napi::String::New(env, path), Napi::Number::New(env, oflag)});
  if (reply.error != 0 || !reply.value.IsNumber()) {
    errno = reply.error != 0 ? reply.error : EIO;
    return -1;
  }
  int simFd = reply.value.As<Napi::Number>().Int32Value();
  if (simFd < 0) {
    errno = -simFd;
    return -1;
  }
  sim::SimFile file;
  file.simFd = simFd;
  file.api = Napi::Persistent(bridge->api.Value());
  if (!sim::MakeRealFd(file, (oflag & O_CLOEXEC) != 0)) {
    int error = errno;
    sim::CallApi(env, file.api, "close", {Napi::Number::New(env, simFd)});
    errno = error;
    return -1;
  }
  int fd = file.readFd;
  sim::SimFile &stored = bridge->files[fd] = std::move(file);
  sim::WatchReadiness(env, stored);
  return fd;
}

int close(int fd) {
  sim::ShimScope scope;
  sim::Bridge *bridge = scope.bridge();
  if (bridge != nullptr) {
    auto found = bridge->files.find(fd);
    if (found != bridge->files.end()) {
      sim::SimFile file = std::move(found->second);
      bridge->files.erase(found);
      bridge->serials.erase(file.serial);
      if (!bridge->tearingDown)
        sim::CallApi(Napi::Env(bridge->env), file.api, "close", {Napi::Number::New(bridge->env, file.simFd)});
      sim::CloseRealFd(file);
    }
  }
  return ::close(fd);
}

const bool kBlockingCallsOffJsThread = false;

} // namespace sys
} // namespace sysbind
