#include "cloexec_window.h"

#include <pthread.h>

namespace sysbind {
namespace {

// Process-wide, as fork is: the addon is loaded once per process however many environments use it.
pthread_rwlock_t windows = PTHREAD_RWLOCK_INITIALIZER;
pthread_once_t registered = PTHREAD_ONCE_INIT;

// How many windows this thread holds, and whether this thread's fork took the lock.
thread_local int heldHere = 0;
thread_local bool forkLocked = false;

void BeforeFork() {
  if (heldHere > 0)
    return; // this thread is inside a window: waiting for it would never end
  pthread_rwlock_wrlock(&windows);
  forkLocked = true;
}

void AfterForkInParent() {
  if (!forkLocked)
    return;
  forkLocked = false;
  pthread_rwlock_unlock(&windows);
}

void AfterForkInChild() {
  // The child has one thread, no window open on it but the forker's own (see BeforeFork), and a
  // copy of a lock written by a thread that does not exist here: start it afresh.
  forkLocked = false;
  pthread_rwlock_t fresh = PTHREAD_RWLOCK_INITIALIZER;
  windows = fresh;
}

void Register() {
  pthread_atfork(BeforeFork, AfterForkInParent, AfterForkInChild);
}

} // namespace

CloexecWindow::CloexecWindow() {
  pthread_once(&registered, Register);
  if (heldHere++ == 0)
    pthread_rwlock_rdlock(&windows);
}

CloexecWindow::~CloexecWindow() {
  if (--heldHere == 0)
    pthread_rwlock_unlock(&windows);
}

} // namespace sysbind
