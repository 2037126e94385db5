// The Linux backend's eyes: one process-events connector socket (fork, exit with its wait status,
// core dump of every process on the host, filtered here to the tracked members) and one inotify
// descriptor (each contract's cgroup.events, and the registry folders). Two fds however many
// contracts are tracked. Batches of facts go to one JS callback; JS owns every contract(5) rule.
#ifndef SYSBIND_CONTRACT_LINUX_MONITOR_H
#define SYSBIND_CONTRACT_LINUX_MONITOR_H

#include <napi.h>
#include <uv.h>

#include "exit_watch.h"

#include <sys/types.h>
#include <unordered_map>
#include <vector>

namespace sysbind::linux_backend {

// Kinds of records in a batch (each record: kind, id, pid, extra).
enum FactKind : int {
  kFork = 1,     // id = ctid, pid = child, extra = parent
  kExit = 2,     // id = ctid, pid = member, extra = wait status
  kCore = 3,     // id = ctid, pid = member
  kCgroup = 4,   // id = ctid: its cgroup.events changed
  kOverflow = 5, // the connector socket overflowed (ENOBUFS): facts were lost
  kRemoved = 6,  // id = ctid: the cgroup is gone (its inotify watch was dropped)
  kFolder = 7,   // id = folder id: an entry was created in or removed from a watched folder
};

class Monitor : public Napi::ObjectWrap<Monitor> {
public:
  static Napi::Function Define(Napi::Env env);
  explicit Monitor(const Napi::CallbackInfo &info);
  ~Monitor() override;

private:
  Napi::Value Track(const Napi::CallbackInfo &info);
  Napi::Value Untrack(const Napi::CallbackInfo &info);
  Napi::Value WatchFile(const Napi::CallbackInfo &info);
  Napi::Value WatchFolder(const Napi::CallbackInfo &info);
  Napi::Value Unwatch(const Napi::CallbackInfo &info);
  Napi::Value Drain(const Napi::CallbackInfo &info);
  Napi::Value Ref(const Napi::CallbackInfo &info);
  Napi::Value Unref(const Napi::CallbackInfo &info);
  Napi::Value Close(const Napi::CallbackInfo &info);
  Napi::Value ConnectorError(const Napi::CallbackInfo &info);
  Napi::Value WatchExit(const Napi::CallbackInfo &info);
  Napi::Value SetConnectorBuffer(const Napi::CallbackInfo &info);

  void OpenConnector();
  void ReadConnector(std::vector<double> &out);
  void ReadInotify(std::vector<double> &out);
  void *StartPoll(int fd);
  void Deliver(std::vector<double> &facts);

public:
  void CloseAll();

private:
  static void OnPoll(uv_poll_t *handle, int status, int events);
  static void OnTeardown(napi_async_cleanup_hook_handle hook, void *arg);

  int connector_ = -1;
  int connectorError_ = 0; // errno of the failed connector set-up, 0 if it works
  int inotify_ = -1;
  void *connectorPoll_ = nullptr;
  void *inotifyPoll_ = nullptr;
  void *exitsPoll_ = nullptr; // the epoll set of pidfds (ExitWatch), once one is watched
  bool refed_ = false;
  ExitWatch exits_;
  bool closed_ = false;
  void *shared_ = nullptr; // bookkeeping shared with the libuv handles (see monitor.cc)
  Napi::FunctionReference callback_;
  std::unordered_map<pid_t, double> members_;               // tgid -> ctid
  std::unordered_map<int, std::pair<int, double>> watches_; // wd -> (kind, id)
  std::unordered_map<double, int> watchOf_;                 // id -> wd (files and folders share the id space)
};

} // namespace sysbind::linux_backend

#endif
