// Exit statuses of members from pidfds, for hosts without the process-events connector (Linux
// 6.15+: PIDFD_GET_INFO with PIDFD_INFO_EXIT). A pidfd opened while the process lives reports its
// wait status once the process has been reaped, by whoever reaps it (its parent, init, libuv).
// All pidfds sit in one epoll set, edge-triggered: a pidfd signals once when the process exits
// and again (EPOLLHUP) when it is reaped, which is when the status becomes readable. The Monitor
// polls the epoll fd on the event loop.
#ifndef SYSBIND_CONTRACT_LINUX_EXIT_WATCH_H
#define SYSBIND_CONTRACT_LINUX_EXIT_WATCH_H

#include <sys/types.h>
#include <unordered_map>
#include <vector>

namespace sysbind::linux_backend {

class ExitWatch {
public:
  ExitWatch() = default;
  ExitWatch(const ExitWatch &) = delete;
  ExitWatch &operator=(const ExitWatch &) = delete;
  ~ExitWatch();

  // The epoll fd (created on first use, close-on-exec), or -1 with errno set.
  int EnsureEpoll();
  int epoll() const { return epoll_; }
  // Watches `pid` for contract `ctid`: 0, or a negative errno (ESRCH: already reaped).
  int Watch(pid_t pid, double ctid);
  // Stops watching `pid` (closing its pidfd); a no-op if it is not watched.
  void Unwatch(pid_t pid);
  // Stops watching every pid of contract `ctid`.
  void UnwatchContract(double ctid);
  // Appends an exit record {kExit, ctid, pid, wait status} for each watched process whose
  // status is now known, and stops watching it.
  void Collect(std::vector<double> &out, double exitKind);
  // Closes every pidfd; the epoll fd is handed back (-1 if none) for its owner to close.
  int Release();

private:
  struct Entry {
    int fd;
    double ctid;
  };
  int epoll_ = -1;
  std::unordered_map<pid_t, Entry> watched_;
  std::unordered_map<int, pid_t> pidOf_; // pidfd -> pid
};

} // namespace sysbind::linux_backend

#endif
