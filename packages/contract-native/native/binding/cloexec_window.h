// The window between creating a descriptor and marking it close-on-exec, closed to fork(2).
//
// ctfs refuses O_CLOEXEC on most of its files: the kernel hands FCLOEXEC on to VOP_OPEN, and the
// template, latest, ctl and event-endpoint opens compare their flags for equality (ctfs_tmpl_open,
// ctfs_latest_open, ctfs_ctl_open, ctfs_endpoint_open); only the status files (ctfs_open) and
// device nodes take it. So the binding opens without it and sets FD_CLOEXEC right after, and a
// fork on another thread in between would hand the descriptor to a child that keeps it across
// exec.
//
// A CloexecWindow is held from before the open until FD_CLOEXEC is set. Windows share a
// read-write lock as readers (opens on several threads run at once); fork(2) takes it as the
// writer from a pthread_atfork prepare handler, so a fork on any thread waits until every window
// has closed, and no window opens while a fork is under way. The guarantee: no process forked by
// fork(2) (libuv's spawn, node:child_process, fork() in other native code; all run the atfork
// handlers) inherits a contract descriptor without close-on-exec. vfork(2) and posix_spawn(3) do
// not run atfork handlers; a child they make on another thread could still see the window.
//
// A fork made by the very thread that holds a window (only possible in the sim flavor, where the
// simulator's JavaScript runs inside the open) does not wait for itself: it would deadlock.
#ifndef SYSBIND_CONTRACT_CLOEXEC_WINDOW_H
#define SYSBIND_CONTRACT_CLOEXEC_WINDOW_H

namespace sysbind {

class CloexecWindow {
public:
  CloexecWindow();
  ~CloexecWindow();
  CloexecWindow(const CloexecWindow &) = delete;
  CloexecWindow &operator=(const CloexecWindow &) = delete;
};

} // namespace sysbind

#endif
