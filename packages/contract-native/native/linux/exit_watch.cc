#include "exit_watch.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sysbind::linux_backend {

namespace {

// The uapi layout of struct pidfd_info (version 0, 64 bytes), declared here because the build
// host's headers may predate it; the kernel accepts any size from version 0 up.
struct PidfdInfo {
  uint64_t mask;
  uint64_t cgroupid;
  uint32_t pid;
  uint32_t tgid;
  uint32_t ppid;
  uint32_t ruid;
  uint32_t rgid;
  uint32_t euid;
  uint32_t egid;
  uint32_t suid;
  uint32_t sgid;
  uint32_t fsuid;
  uint32_t fsgid;
  int32_t exitCode;
};
static_assert(sizeof(PidfdInfo) == 64, "PIDFD_INFO_SIZE_VER0");

constexpr uint64_t kInfoExit = 1u << 3;                        // PIDFD_INFO_EXIT
constexpr unsigned long kGetInfo = _IOWR(0xFF, 11, PidfdInfo); // PIDFD_GET_INFO
constexpr uint32_t kEvents = EPOLLIN | EPOLLHUP | EPOLLET;

} // namespace

ExitWatch::~ExitWatch() {
  int fd = Release();
  if (fd >= 0)
    ::close(fd);
}

int ExitWatch::EnsureEpoll() {
  if (epoll_ < 0)
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
  return epoll_;
}

int ExitWatch::Watch(pid_t pid, double ctid) {
  if (watched_.count(pid) != 0)
    return 0;
  if (EnsureEpoll() < 0)
    return -errno;
  // pidfds are always close-on-exec.
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0)
    return -errno;
  epoll_event event{};
  event.events = kEvents;
  event.data.fd = fd;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
    int error = errno;
    ::close(fd);
    return -error;
  }
  try {
    watched_[pid] = {fd, ctid};
    pidOf_[fd] = pid;
  } catch (...) {
    watched_.erase(pid);
    ::close(fd);
    throw;
  }
  return 0;
}

void ExitWatch::Unwatch(pid_t pid) {
  auto found = watched_.find(pid);
  if (found == watched_.end())
    return;
  // Closing the pidfd also removes it from the epoll set.
  pidOf_.erase(found->second.fd);
  ::close(found->second.fd);
  watched_.erase(found);
}

void ExitWatch::UnwatchContract(double ctid) {
  std::vector<pid_t> pids;
  for (const auto &[pid, entry] : watched_)
    if (entry.ctid == ctid)
      pids.push_back(pid);
  for (pid_t pid : pids)
    Unwatch(pid);
}

void ExitWatch::Collect(std::vector<double> &out, double exitKind) {
  if (epoll_ < 0)
    return;
  epoll_event events[64];
  for (;;) {
    int count = epoll_wait(epoll_, events, 64, 0);
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0)
      return;
    for (int index = 0; index < count; index++) {
      auto found = pidOf_.find(events[index].data.fd);
      if (found == pidOf_.end())
        continue;
      pid_t pid = found->second;
      PidfdInfo info{};
      info.mask = kInfoExit;
      // Before the reap the status is not there yet: the reap signals again (EPOLLHUP).
      if (ioctl(found->first, kGetInfo, &info) != 0 || (info.mask & kInfoExit) == 0)
        continue;
      double ctid = watched_[pid].ctid;
      Unwatch(pid);
      out.insert(out.end(), {exitKind, ctid, double(pid), double(info.exitCode)});
    }
    if (count < 64)
      return;
  }
}

int ExitWatch::Release() {
  for (const auto &[pid, entry] : watched_)
    ::close(entry.fd);
  watched_.clear();
  pidOf_.clear();
  int fd = epoll_;
  epoll_ = -1;
  return fd;
}

} // namespace sysbind::linux_backend
