#include "monitor.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <new>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sysbind::linux_backend {

namespace {

// Handles and fds outlive the Monitor object when it is collected before libuv has closed them,
// and outlive the environment's teardown start, so their bookkeeping lives apart from it.
struct Shared {
  int openHandles = 0;
  bool tearingDown = false;
  bool released = false; // the Monitor let go (closed or collected)
  napi_async_cleanup_hook_handle hook = nullptr;
  napi_env env = nullptr;
  Monitor *monitor = nullptr; // while open
};

struct PollHandle {
  uv_poll_t handle;
  int fd;
  Shared *shared;
  void *owner; // the Monitor while it listens, else nullptr
};

void FinishIfIdle(Shared *shared) {
  if (shared->openHandles != 0 || !shared->released)
    return;
  if (shared->hook != nullptr)
    napi_remove_async_cleanup_hook(shared->hook);
  delete shared;
}

void HandleClosed(uv_handle_t *handle) {
  PollHandle *poll = static_cast<PollHandle *>(handle->data);
  ::close(poll->fd);
  Shared *shared = poll->shared;
  delete poll;
  shared->openHandles--;
  FinishIfIdle(shared);
}

constexpr size_t kConnectorBuffer = 1 << 16;
constexpr int kConnectorReceiveBuffer = 8 << 20;

} // namespace

Napi::Function Monitor::Define(Napi::Env env) {
  return DefineClass(env, "Monitor",
                     {
                         InstanceMethod<&Monitor::Track>("track"),
                         InstanceMethod<&Monitor::Untrack>("untrack"),
                         InstanceMethod<&Monitor::WatchFile>("watchFile"),
                         InstanceMethod<&Monitor::WatchFolder>("watchFolder"),
                         InstanceMethod<&Monitor::Unwatch>("unwatch"),
                         InstanceMethod<&Monitor::Drain>("drain"),
                         InstanceMethod<&Monitor::Ref>("ref"),
                         InstanceMethod<&Monitor::Unref>("unref"),
                         InstanceMethod<&Monitor::Close>("close"),
                         InstanceMethod<&Monitor::ConnectorError>("connectorError"),
                         InstanceMethod<&Monitor::WatchExit>("watchExit"),
                         InstanceMethod<&Monitor::SetConnectorBuffer>("setConnectorBuffer"),
                     });
}

// new Monitor(callback, useConnector): callback(Float64Array of records) from the event loop.
Monitor::Monitor(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Monitor>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction())
    throw Napi::TypeError::New(env, "The \"callback\" argument must be of type function");
  callback_ = Napi::Persistent(info[0].As<Napi::Function>());
  bool useConnector = info.Length() < 2 || info[1].ToBoolean().Value();

  Shared *shared = new Shared();
  shared->env = env;
  shared_ = shared;
  shared->monitor = this;
  if (napi_add_async_cleanup_hook(env, OnTeardown, shared, &shared->hook) != napi_ok)
    shared->hook = nullptr;

  if (useConnector)
    OpenConnector();
  else
    connectorError_ = ENOTSUP;
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ < 0) {
    int error = errno;
    if (connector_ >= 0)
      ::close(connector_);
    connector_ = -1;
    shared->monitor = nullptr;
    shared->released = true;
    FinishIfIdle(shared);
    shared_ = nullptr;
    closed_ = true;
    Napi::Error failure = Napi::Error::New(env, std::string("inotify_init1: ") + strerror(error));
    failure.Set("code", Napi::String::New(env, error == EMFILE ? "EMFILE" : "ENOSYS"));
    failure.Set("errno", Napi::Number::New(env, -error));
    failure.Set("syscall", Napi::String::New(env, "inotify_init1"));
    throw failure;
  }

  if (connector_ >= 0) {
    connectorPoll_ = StartPoll(connector_);
    if (connectorPoll_ == nullptr) {
      connector_ = -1;
      connectorError_ = EIO;
    }
  }
  inotifyPoll_ = StartPoll(inotify_);
}

// Polls `fd` on the event loop (unreferenced unless ref() was called); the handle closes the fd
// when it is closed. nullptr (and the fd closed) if libuv refuses it.
void *Monitor::StartPoll(int fd) {
  Shared *shared = static_cast<Shared *>(shared_);
  uv_loop_t *loop = nullptr;
  napi_get_uv_event_loop(shared->env, &loop);
  PollHandle *poll = new PollHandle();
  poll->fd = fd;
  poll->shared = shared;
  poll->owner = this;
  if (loop == nullptr || uv_poll_init(loop, &poll->handle, fd) != 0) {
    ::close(fd);
    delete poll;
    return nullptr;
  }
  poll->handle.data = poll;
  shared->openHandles++;
  uv_poll_start(&poll->handle, UV_READABLE, OnPoll);
  if (!refed_)
    uv_unref(reinterpret_cast<uv_handle_t *>(&poll->handle));
  return poll;
}

Monitor::~Monitor() {
  CloseAll();
}

namespace {
// The connector socket's receive buffer: SO_RCVBUFFORCE past rmem_max where allowed (root), else
// SO_RCVBUF within it.
void SetReceiveBuffer(int fd, int size) {
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}
} // namespace

void Monitor::OpenConnector() {
  int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0) {
    connectorError_ = errno;
    return;
  }
  // A busy host produces thousands of unrelated events; a deep buffer makes ENOBUFS rare (it is
  // still handled: JS resynchronises from cgroup.procs).
  SetReceiveBuffer(fd, kConnectorReceiveBuffer);
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = CN_IDX_PROC;
  address.nl_pid = 0;
  if (bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
    connectorError_ = errno;
    ::close(fd);
    return;
  }
  // nlmsghdr, then cn_msg, then the operation, laid out by hand (cn_msg ends in a flexible array).
  alignas(nlmsghdr) char request[NLMSG_SPACE(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))] = {};
  nlmsghdr *header = reinterpret_cast<nlmsghdr *>(request);
  header->nlmsg_len = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op));
  header->nlmsg_type = NLMSG_DONE;
  cn_msg *message = static_cast<cn_msg *>(NLMSG_DATA(header));
  message->id.idx = CN_IDX_PROC;
  message->id.val = CN_VAL_PROC;
  message->len = sizeof(proc_cn_mcast_op);
  proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
  std::memcpy(message->data, &op, sizeof op);
  if (send(fd, request, header->nlmsg_len, 0) < 0) {
    connectorError_ = errno;
    ::close(fd);
    return;
  }
  connector_ = fd;
}

void Monitor::ReadConnector(std::vector<double> &out) {
  if (connector_ < 0)
    return;
  alignas(nlmsghdr) static char buffer[kConnectorBuffer];
  for (;;) {
    ssize_t length = recv(connector_, buffer, sizeof buffer, 0);
    if (length < 0) {
      if (errno == EINTR)
        continue;
      if (errno == ENOBUFS) {
        out.insert(out.end(), {double(kOverflow), 0, 0, 0});
        continue;
      }
      return; // EAGAIN: drained
    }
    if (length == 0)
      return;
    for (nlmsghdr *header = reinterpret_cast<nlmsghdr *>(buffer);
         NLMSG_OK(header, static_cast<size_t>(length)); header = NLMSG_NEXT(header, length)) {
      if (header->nlmsg_type == NLMSG_NOOP || header->nlmsg_type == NLMSG_ERROR)
        continue;
      cn_msg *message = static_cast<cn_msg *>(NLMSG_DATA(header));
      if (message->id.idx != CN_IDX_PROC || message->id.val != CN_VAL_PROC)
        continue;
      // The event sits 4-byte aligned after the headers, but holds a 64-bit field: copy it out
      // rather than read it in place (a misaligned access, which the UBSan job reports).
      proc_event copy{};
      std::memcpy(&copy, message->data, std::min<size_t>(sizeof copy, message->len));
      proc_event *event = &copy;
      switch (event->what) {
      case proc_event::PROC_EVENT_FORK: {
        auto &fork = event->event_data.fork;
        if (fork.child_pid != fork.child_tgid)
          break; // a new thread, not a new process
        auto parent = members_.find(fork.parent_tgid);
        if (parent == members_.end())
          break;
        double ctid = parent->second;
        members_[fork.child_tgid] = ctid;
        out.insert(out.end(), {double(kFork), ctid, double(fork.child_tgid), double(fork.parent_tgid)});
        break;
      }
      case proc_event::PROC_EVENT_EXIT: {
        auto &exit = event->event_data.exit;
        if (exit.process_pid != exit.process_tgid)
          break;
        auto member = members_.find(exit.process_tgid);
        if (member == members_.end())
          break;
        double ctid = member->second;
        members_.erase(member);
        out.insert(out.end(), {double(kExit), ctid, double(exit.process_tgid), double(exit.exit_code)});
        break;
      }
      case proc_event::PROC_EVENT_COREDUMP: {
        auto &core = event->event_data.coredump;
        auto member = members_.find(core.process_tgid);
        if (member == members_.end())
          break;
        out.insert(out.end(), {double(kCore), member->second, double(core.process_tgid), 0});
        break;
      }
      default:
        break;
      }
    }
  }
}

void Monitor::ReadInotify(std::vector<double> &out) {
  if (inotify_ < 0)
    return;
  alignas(inotify_event) char buffer[8192];
  for (;;) {
    ssize_t length = read(inotify_, buffer, sizeof buffer);
    if (length < 0 && errno == EINTR)
      continue;
    if (length <= 0)
      return;
    for (char *at = buffer; at < buffer + length;) {
      inotify_event *event = reinterpret_cast<inotify_event *>(at);
      at += sizeof(inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        out.insert(out.end(), {double(kOverflow), 0, 0, 0});
        continue;
      }
      auto watch = watches_.find(event->wd);
      if (watch == watches_.end())
        continue;
      auto [kind, id] = watch->second;
      if (event->mask & IN_IGNORED) {
        watchOf_.erase(id);
        watches_.erase(watch);
        if (kind == kCgroup)
          out.insert(out.end(), {double(kRemoved), id, 0, 0});
        continue;
      }
      out.insert(out.end(), {double(kind), id, 0, 0});
    }
  }
}

void Monitor::Deliver(std::vector<double> &facts) {
  if (facts.empty() || closed_)
    return;
  Napi::Env env = Env();
  // Every Node-API call here may fail once a worker is being terminated: nothing may escape into
  // libuv (it would abort the process), and there is nobody to report to any more then. The
  // handle scope is opened first, so that even the error's handle has one.
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok)
    return;
  try {
    Napi::Float64Array batch = Napi::Float64Array::New(env, facts.size());
    std::memcpy(batch.Data(), facts.data(), facts.size() * sizeof(double));
    callback_.MakeCallback(Value(), {batch});
  } catch (const Napi::Error &error) {
    // The JS callback threw: report it as an uncaught exception, as Node does for its own.
    Napi::Value value = error.Value();
    if (!value.IsEmpty())
      napi_fatal_exception(env, value);
  } catch (...) {
    // std::bad_alloc and the like: drop this batch rather than abort.
  }
  napi_close_handle_scope(env, scope);
}

void Monitor::OnPoll(uv_poll_t *handle, int status, int) {
  PollHandle *poll = static_cast<PollHandle *>(handle->data);
  Monitor *monitor = static_cast<Monitor *>(poll->owner);
  if (monitor == nullptr)
    return;
  std::vector<double> facts;
  if (status < 0) {
    // libuv stops a poll handle on POLLERR and reports UV_EBADF. On the connector that is the
    // socket's pending error: ENOBUFS once the kernel dropped messages for want of room. recv()
    // returns it (and clears it), then what is still queued: read, and watch the socket again,
    // or nothing would be read from it any more after an overflow.
    if (poll->fd != monitor->connector_)
      return;
    try {
      monitor->ReadConnector(facts);
    } catch (...) {
      return; // out of memory: what was read is dropped, as below (the poll stays stopped)
    }
    uv_poll_start(handle, UV_READABLE, OnPoll);
    monitor->Deliver(facts);
    return;
  }
  // Nothing may escape into libuv (it would abort): out of memory drops what was read (the
  // contracts resynchronise from cgroup.procs when they empty).
  try {
    if (poll->fd == monitor->connector_)
      monitor->ReadConnector(facts);
    else if (poll->fd == monitor->exits_.epoll())
      monitor->exits_.Collect(facts, kExit);
    else
      monitor->ReadInotify(facts);
  } catch (...) {
    return;
  }
  monitor->Deliver(facts);
}

void Monitor::CloseAll() {
  if (closed_)
    return;
  closed_ = true;
  Shared *shared = static_cast<Shared *>(shared_);
  shared_ = nullptr;
  // The pidfds close now; the epoll fd closes with its handle (or here, if it never had one).
  int epoll = exits_.Release();
  if (epoll >= 0 && exitsPoll_ == nullptr)
    ::close(epoll);
  for (void *handle : {connectorPoll_, inotifyPoll_, exitsPoll_}) {
    if (handle == nullptr)
      continue;
    PollHandle *poll = static_cast<PollHandle *>(handle);
    poll->owner = nullptr;
    uv_poll_stop(&poll->handle);
    uv_close(reinterpret_cast<uv_handle_t *>(&poll->handle), HandleClosed);
  }
  connectorPoll_ = inotifyPoll_ = exitsPoll_ = nullptr;
  connector_ = inotify_ = -1;
  members_.clear();
  watches_.clear();
  watchOf_.clear();
  if (shared != nullptr) {
    shared->monitor = nullptr;
    shared->released = true;
    FinishIfIdle(shared);
  }
}

void Monitor::OnTeardown(napi_async_cleanup_hook_handle hook, void *arg) {
  // The environment ends with the monitor still open: close the handles; the last close callback
  // tells Node we are done. The Monitor object itself is finalized later by Node.
  Shared *shared = static_cast<Shared *>(arg);
  shared->tearingDown = true;
  shared->hook = hook;
  if (shared->monitor != nullptr)
    shared->monitor->CloseAll();
  else
    FinishIfIdle(shared);
}

static bool ReadNumber(const Napi::CallbackInfo &info, size_t index, double *out) {
  if (info.Length() <= index || !info[index].IsNumber())
    return false;
  *out = info[index].As<Napi::Number>().DoubleValue();
  return true;
}

static Napi::Value ArgumentError(const Napi::CallbackInfo &info, const char *name) {
  Napi::TypeError error =
      Napi::TypeError::New(info.Env(), std::string("The \"") + name + "\" argument must be of type number");
  error.Set("code", Napi::String::New(info.Env(), "ERR_INVALID_ARG_TYPE"));
  throw error;
}

// track(pid, ctid): pid is a member of ctid from now on (its forks are followed).
Napi::Value Monitor::Track(const Napi::CallbackInfo &info) {
  double pid, ctid;
  if (!ReadNumber(info, 0, &pid))
    return ArgumentError(info, "pid");
  if (!ReadNumber(info, 1, &ctid))
    return ArgumentError(info, "ctid");
  if (!closed_)
    members_[static_cast<pid_t>(pid)] = ctid;
  return info.Env().Undefined();
}

// untrack(pid): stop following pid (it left the contract, or its exit is known otherwise).
Napi::Value Monitor::Untrack(const Napi::CallbackInfo &info) {
  double pid;
  if (!ReadNumber(info, 0, &pid))
    return ArgumentError(info, "pid");
  members_.erase(static_cast<pid_t>(pid));
  exits_.Unwatch(static_cast<pid_t>(pid));
  return info.Env().Undefined();
}

// watchExit(pid, ctid): follows pid's exit status through a pidfd (hosts without the connector):
// 0, or -errno (-ESRCH: the process has already been reaped).
Napi::Value Monitor::WatchExit(const Napi::CallbackInfo &info) {
  double pid, ctid;
  if (!ReadNumber(info, 0, &pid))
    return ArgumentError(info, "pid");
  if (!ReadNumber(info, 1, &ctid))
    return ArgumentError(info, "ctid");
  if (closed_)
    return Napi::Number::New(info.Env(), -EBADF);
  if (exitsPoll_ == nullptr) {
    int epoll = exits_.EnsureEpoll();
    if (epoll < 0)
      return Napi::Number::New(info.Env(), -errno);
    exitsPoll_ = StartPoll(epoll);
    if (exitsPoll_ == nullptr) {
      exits_.Release(); // the epoll fd was closed by StartPoll
      return Napi::Number::New(info.Env(), -EIO);
    }
  }
  int watched;
  try {
    watched = exits_.Watch(static_cast<pid_t>(pid), ctid);
  } catch (const std::bad_alloc &) {
    watched = -ENOMEM;
  }
  return Napi::Number::New(info.Env(), watched);
}

static Napi::Value AddWatch(const Napi::CallbackInfo &info, int inotify, uint32_t mask, int kind,
                            std::unordered_map<int, std::pair<int, double>> &watches,
                            std::unordered_map<double, int> &watchOf) {
  Napi::Env env = info.Env();
  double id;
  if (!ReadNumber(info, 0, &id))
    return ArgumentError(info, "id");
  if (info.Length() < 2 || !info[1].IsString()) {
    Napi::TypeError error = Napi::TypeError::New(env, "The \"path\" argument must be of type string");
    error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  if (inotify < 0)
    return Napi::Number::New(env, -EBADF);
  std::string path = info[1].As<Napi::String>().Utf8Value();
  int wd = inotify_add_watch(inotify, path.c_str(), mask);
  if (wd < 0)
    return Napi::Number::New(env, -errno);
  watches[wd] = {kind, id};
  watchOf[id] = wd;
  return Napi::Number::New(env, 0);
}

// watchFile(ctid, path of cgroup.events): 0, or -errno.
Napi::Value Monitor::WatchFile(const Napi::CallbackInfo &info) {
  return AddWatch(info, inotify_, IN_MODIFY, kCgroup, watches_, watchOf_);
}

// watchFolder(id, path): entries created or removed in it are reported as kFolder records.
Napi::Value Monitor::WatchFolder(const Napi::CallbackInfo &info) {
  return AddWatch(info, inotify_, IN_CREATE | IN_DELETE | IN_ONLYDIR, kFolder, watches_, watchOf_);
}

// unwatch(id): drops the watch of a file or folder and every member tracked under that ctid.
Napi::Value Monitor::Unwatch(const Napi::CallbackInfo &info) {
  double id;
  if (!ReadNumber(info, 0, &id))
    return ArgumentError(info, "id");
  auto found = watchOf_.find(id);
  if (found != watchOf_.end()) {
    inotify_rm_watch(inotify_, found->second);
    watches_.erase(found->second);
    watchOf_.erase(found);
  }
  for (auto it = members_.begin(); it != members_.end();) {
    if (it->second == id)
      it = members_.erase(it);
    else
      ++it;
  }
  exits_.UnwatchContract(id);
  return info.Env().Undefined();
}

// drain(): reads whatever the connector, inotify and the pidfds hold now and returns it (the same
// records the callback gets).
Napi::Value Monitor::Drain(const Napi::CallbackInfo &info) {
  std::vector<double> facts;
  if (!closed_) {
    try {
      ReadConnector(facts);
      ReadInotify(facts);
      exits_.Collect(facts, kExit);
    } catch (const std::bad_alloc &) {
      // What was read before is returned; the rest is lost as in an overflow.
      facts.insert(facts.end(), {double(kOverflow), 0, 0, 0});
    }
  }
  Napi::Float64Array batch = Napi::Float64Array::New(info.Env(), facts.size());
  if (!facts.empty())
    std::memcpy(batch.Data(), facts.data(), facts.size() * sizeof(double));
  return batch;
}

Napi::Value Monitor::Ref(const Napi::CallbackInfo &info) {
  refed_ = true;
  for (void *handle : {connectorPoll_, inotifyPoll_, exitsPoll_})
    if (handle != nullptr)
      uv_ref(reinterpret_cast<uv_handle_t *>(&static_cast<PollHandle *>(handle)->handle));
  return info.Env().Undefined();
}

Napi::Value Monitor::Unref(const Napi::CallbackInfo &info) {
  refed_ = false;
  for (void *handle : {connectorPoll_, inotifyPoll_, exitsPoll_})
    if (handle != nullptr)
      uv_unref(reinterpret_cast<uv_handle_t *>(&static_cast<PollHandle *>(handle)->handle));
  return info.Env().Undefined();
}

Napi::Value Monitor::Close(const Napi::CallbackInfo &info) {
  CloseAll();
  return info.Env().Undefined();
}

// connectorError(): 0 when fork/exit/core facts flow, else the errno that stopped the set-up.
Napi::Value Monitor::ConnectorError(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), connectorError_);
}

// setConnectorBuffer(bytes): for tests only (the overflow test shrinks the buffer so that a fork
// burst overflows it, then restores it); 0 restores the default. Returns the size the kernel
// settled on (it doubles the request and clamps it to its minimum), or -errno.
Napi::Value Monitor::SetConnectorBuffer(const Napi::CallbackInfo &info) {
  double bytes;
  if (!ReadNumber(info, 0, &bytes))
    return ArgumentError(info, "bytes");
  if (connector_ < 0)
    return Napi::Number::New(info.Env(), -(connectorError_ != 0 ? connectorError_ : EBADF));
  int size = bytes <= 0 ? kConnectorReceiveBuffer
                        : static_cast<int>(std::min(bytes, double(kConnectorReceiveBuffer)));
  SetReceiveBuffer(connector_, size);
  int effective = 0;
  socklen_t length = sizeof effective;
  if (getsockopt(connector_, SOL_SOCKET, SO_RCVBUF, &effective, &length) != 0)
    return Napi::Number::New(info.Env(), -errno);
  return Napi::Number::New(info.Env(), effective);
}

} // namespace sysbind::linux_backend
