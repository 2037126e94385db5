#include "host_calls.h"

#include <cerrno>
#include <fcntl.h>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <sys/xattr.h>
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
