#include "host_calls.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sysbind::linux_backend {

namespace {

std::string StringArgument(const Napi::CallbackInfo &info, size_t index, const char *name) {
  if (info.Length() <= index || !info[index].IsString()) {
    Napi::TypeError error =
        Napi::TypeError::New(info.Env(), std::string("The \"") + name + "\" argument must be of type string");
    error.Set("code", Napi::String::New(info.Env(), "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  return info[index].As<Napi::String>().Utf8Value();
}

} // namespace

Napi::Value GetXattr(const Napi::CallbackInfo &info) {
  std::string path = StringArgument(info, 0, "path");
  std::string name = StringArgument(info, 1, "name");
  std::vector<char> buffer(4096);
  for (;;) {
    ssize_t length = getxattr(path.c_str(), name.c_str(), buffer.data(), buffer.size());
    if (length >= 0)
      return Napi::String::New(info.Env(), buffer.data(), static_cast<size_t>(length));
    if (errno != ERANGE || buffer.size() >= (1u << 16))
      return Napi::Number::New(info.Env(), -errno);
    buffer.resize(buffer.size() * 4);
  }
}

Napi::Value SetXattr(const Napi::CallbackInfo &info) {
  std::string path = StringArgument(info, 0, "path");
  std::string name = StringArgument(info, 1, "name");
  std::string value = StringArgument(info, 2, "value");
  if (setxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) != 0)
    return Napi::Number::New(info.Env(), -errno);
  return Napi::Number::New(info.Env(), 0);
}

Napi::Value StartSentinel(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string executable = StringArgument(info, 0, "executable");
  if (info.Length() < 2 || !info[1].IsArray()) {
    Napi::TypeError error = Napi::TypeError::New(env, "The \"args\" argument must be an instance of Array");
    error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<std::string> args{executable};
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value item = list.Get(i);
    if (!item.IsString()) {
      Napi::TypeError error = Napi::TypeError::New(env, "The \"args\" elements must be strings");
      error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
      throw error;
    }
    args.push_back(item.As<Napi::String>().Utf8Value());
  }
  // Everything the children touch is prepared before fork: between fork and exec only
  // async-signal-safe calls run (this process has threads).
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0)
    return Napi::Number::New(env, -errno);
  pid_t middle = fork();
  if (middle < 0) {
    int error = errno;
    close(pipeFds[0]);
    close(pipeFds[1]);
    return Napi::Number::New(env, -error);
  }
  if (middle == 0) {
    // The intermediate child: a new session, then the sentinel as its child, then exit, so the
    // sentinel is reparented away from Node and no terminal signal reaches it with Node's group.
    setsid();
    pid_t sentinel = fork();
    if (sentinel == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      if (dup2(pipeFds[0], 0) < 0)
        _exit(126);
      execv(argv[0], argv.data());
      _exit(127);
    }
    _exit(sentinel < 0 ? 1 : 0);
  }
  close(pipeFds[0]);
  int status = 0;
  // Reaps only the intermediate child, by its pid: libuv's children are never touched.
  while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    close(pipeFds[1]);
    return Napi::Number::New(env, -EAGAIN);
  }
  return Napi::Number::New(env, pipeFds[1]);
}

namespace {
// A spin lock rather than a mutex: a worker thread can be terminated between acquire and release,
// and a mutex may not be unlocked by another thread; a stale holder is taken over instead.
std::atomic<int> spawnLockHolder{0};
std::atomic<int64_t> spawnLockSince{0};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int TagArgument(const Napi::CallbackInfo &info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError error = Napi::TypeError::New(info.Env(), "The \"tag\" argument must be of type number");
    error.Set("code", Napi::String::New(info.Env(), "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  return info[0].As<Napi::Number>().Int32Value();
}
} // namespace

Napi::Value AcquireSpawnLock(const Napi::CallbackInfo &info) {
  int tag = TagArgument(info);
  int64_t timeout = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int64Value() : 2000;
  int64_t deadline = NowMs() + timeout;
  for (;;) {
    int expected = 0;
    if (spawnLockHolder.compare_exchange_strong(expected, tag)) {
      spawnLockSince = NowMs();
      return Napi::Boolean::New(info.Env(), true);
    }
    if (expected == tag) // re-entered by the same thread: already held
      return Napi::Boolean::New(info.Env(), true);
    if (NowMs() - spawnLockSince.load() > 1000 && spawnLockHolder.compare_exchange_strong(expected, tag)) {
      spawnLockSince = NowMs();
      return Napi::Boolean::New(info.Env(), true);
    }
    if (NowMs() > deadline)
      return Napi::Boolean::New(info.Env(), false);
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

Napi::Value ReleaseSpawnLock(const Napi::CallbackInfo &info) {
  int tag = TagArgument(info);
  int expected = tag;
  spawnLockHolder.compare_exchange_strong(expected, 0);
  return info.Env().Undefined();
}

Napi::Value CloseFd(const Napi::CallbackInfo &info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError error = Napi::TypeError::New(info.Env(), "The \"fd\" argument must be of type number");
    error.Set("code", Napi::String::New(info.Env(), "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (fd > 2)
    close(fd);
  return info.Env().Undefined();
}

} // namespace sysbind::linux_backend
