// The addon's threads and the calls they run, shared by every backend of every environment
// (main thread and workers) of the process, so that the thread count is bounded per process.
// Nothing here runs on libuv's thread pool.
//
// - A few controller threads (up to kControllerThreads) run the calls that answer after one
//   controller round trip: each backend's calls one at a time, in order, and different backends'
//   calls side by side, so that a controller call that never returns holds up its backend only.
// - A fixed pool of waiter threads (kWaiterThreads) each makes one real blocking call
//   (gc_wait_domain, gc_wait_any, gc_sync_ticket) for the pending wait that comes first in the
//   library's own order of answers: waits for one clone, then waits for any clone, then joins,
//   each kind oldest first. So the waits in the library are always the ones the library would
//   answer first, and a wait left queued can never lose an exit to one in the library that the
//   library would have served after it. Where the library can withdraw a call (the sim flavor),
//   a wait that arrives while the pool is full withdraws ("evicts") the last one in that order.
// - Waits beyond the pool stay queued and the router thread serves them: from a snapshot of the
//   clones and tickets (round trips that never block) it applies the library's rules itself and
//   makes a wait's call only when the library will answer it at once. Its period backs off from
//   kPollMin to kPollMax while nothing changes; any change (a new wait, a call returning) wakes it.
//
// So the process never runs more than kWaiterThreads + kControllerThreads + 1 addon threads,
// whatever the number of pending waits, backends or workers; the last environment to go away
// joins them all. docs/guides/gridcentric-native.md explains the design and its limits.
#ifndef SYSBIND_GRIDCENTRIC_DISPATCHER_H
#define SYSBIND_GRIDCENTRIC_DISPATCHER_H

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "binding_state.h"
#include "completion_channel.h"
#include "outcome.h"

namespace sysbind {

// In the library's order of answers: a wait for one clone before a wait for any clone before a join.
enum class WaitKind { Domain = 0, Any = 1, Sync = 2 };

struct DispatcherStats {
  std::size_t threads = 0;
  std::size_t pendingWaits = 0;
  std::size_t waitsInLibrary = 0;
  std::size_t queuedWaits = 0;
};

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
public:
  static constexpr std::size_t kWaiterThreads = 8;
  static constexpr std::size_t kControllerThreads = 4;
  static constexpr std::chrono::milliseconds kPollMin{5};
  static constexpr std::chrono::milliseconds kPollMax{200};

  using CallFunction = std::function<Outcome()>;
  // Runs under the dispatcher's lock once the call returned, before its outcome is delivered.
  using AfterCall = std::function<void(Outcome &, BindingState &)>;

  Dispatcher() = default;
  // The process's dispatcher, for one more environment (created with the first).
  static std::shared_ptr<Dispatcher> Acquire();
  // Environment teardown (JS thread of that environment): drops every call and wait of its
  // backends, shuts down its library instances and waits until no thread is inside one of them
  // (a call of the real library that cannot be shut down is left to finish). The last
  // environment to go away stops and joins every thread, so none is alive when the process exits.
  void Release(const std::vector<std::shared_ptr<Library>> &libraries);
  Dispatcher(const Dispatcher &) = delete;
  Dispatcher &operator=(const Dispatcher &) = delete;

  // JS thread. Throws std::system_error if a thread cannot be started.
  // `syscall` names the call in the outcome if it cannot even be made (out of memory). A clone call
  // counts as in flight until it returns: until then a ticket may still gain a clone.
  void Call(const std::shared_ptr<BindingState> &owner, std::uint64_t op, const char *syscall, bool isClone,
            CallFunction call, AfterCall after);
  void Wait(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind, int target);
  // JS thread: withdraws a pending wait. A blocking call already made for it is withdrawn if the
  // library can; whatever it reaps anyway goes to another pending wait or is kept for a later one.
  void Abandon(std::uint64_t op);
  // JS thread: withdraws a controller call not yet made (true), or asks the library to withdraw
  // the one running (false: its outcome is then dropped when it returns).
  bool Cancel(const std::shared_ptr<BindingState> &owner, std::uint64_t op);
  // JS thread: an exit whose wait was abandoned after the outcome left the dispatcher.
  void Reroute(const std::shared_ptr<BindingState> &owner, const gc_domain_exit_t &exit);
  // JS thread: `op` completes once the router has looked at `owner`'s waits after this moment
  // and every outcome the library produced before that has been delivered (tests use it to know
  // the binding has caught up with the world).
  void Settle(const std::shared_ptr<BindingState> &owner, std::uint64_t op);
  // JS thread: forgets every call and wait of `owner` (its backend was closed).
  void Close(const std::shared_ptr<BindingState> &owner);
  // Stops and joins the threads. A thread stuck in a library call that cannot be shut down is
  // detached instead; it only touches shared state.
  void Stop();
  DispatcherStats Stats();

private:
  enum class Phase { Queued, InLibrary };
  struct PendingWait {
    std::shared_ptr<BindingState> owner;
    WaitKind kind;
    int target;
    Phase phase = Phase::Queued;
    // Settled or withdrawn while its blocking call is still in the library.
    bool abandoned = false;
    // Its call is being withdrawn to make room for a wait the library would answer first.
    bool evicting = false;
    // Made before a clone point on the clone side: whatever its call returns is the parent's.
    bool discard = false;
    // A join whose ticket the caller was known to hold once it was made (the library checks this
    // when a join starts; a join that waited in the queue had it checked by the router).
    bool registered = false;
  };
  struct QueuedCall {
    std::shared_ptr<BindingState> owner;
    std::uint64_t op;
    const char *syscall;
    bool isClone;
    CallFunction call;
    AfterCall after;
  };
  struct Worker {
    std::thread thread;
    bool inLibrary = false;
    std::shared_ptr<Library> library;
    std::uint64_t op = 0;
  };
  struct SettleRequest {
    std::shared_ptr<BindingState> owner;
    std::uint64_t op;
  };
  using Lock = std::unique_lock<std::mutex>;
  using QueueKey = std::pair<int, std::uint64_t>;

  static QueueKey KeyOf(const PendingWait &wait, std::uint64_t op) {
    return QueueKey{static_cast<int>(wait.kind), op};
  }

  Worker &StartWorker(void (Dispatcher::*loop)(Worker &));
  // The first queued call whose backend has none running (calls_.end() if none).
  std::deque<QueuedCall>::iterator NextCall();
  void Detach(const std::vector<std::shared_ptr<Library>> &libraries);
  // The clone side of a gc_clone (it returned 0): this copy of the program is now the clone VM,
  // which has no clone and no ticket. Every wait of the VM made before the clone point fails with
  // ECHILD and leaves the library, and what the binding kept about the parent VM is dropped.
  void ResetForClone(const std::shared_ptr<BindingState> &owner);
  void ControllerLoop(Worker &self);
  void WaiterLoop(Worker &self);
  void RouterLoop(Worker &self);
  bool RouteDue();
  bool Route(Lock &lock, Worker &self, const std::shared_ptr<BindingState> &owner);
  // Makes the wait's own library call on the current thread, then settles it.
  void RunWait(Lock &lock, Worker &self, std::uint64_t op);
  void Enqueue(std::uint64_t op, PendingWait &wait);
  void Unqueue(std::uint64_t op, const PendingWait &wait);
  // Withdraws the last in-library wait of `owner` that the library would answer after `key`.
  void EvictFor(const std::shared_ptr<BindingState> &owner, QueueKey key);

  void Finish(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome,
              bool interrupted);
  void RerouteLocked(const std::shared_ptr<BindingState> &owner, const gc_domain_exit_t &exit,
                     std::uint64_t stamp);
  // Passes an ordered outcome nobody receives, so that later ones are not held back for it.
  void Skip(const std::shared_ptr<BindingState> &owner, std::uint64_t stamp);
  // Gives `outcome` the stamp of the thread's last library call; the earlier ones go to `skipped`.
  static void Stamp(Library &library, Outcome &outcome, std::vector<std::uint64_t> &skipped);
  bool ClaimUnclaimed(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind,
                      int target);
  void Deliver(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome);
  void AnswerSettles(const std::shared_ptr<BindingState> &owner);
  std::size_t BusyWaiters() const;
  // The queued wait a free waiter thread takes: the first in the library's order whose backend
  // may have one more wait in the library (queue_.end() if none).
  std::set<QueueKey>::iterator NextAdmissible();
  // A queued wait no waiter thread will take now: the router must look at it.
  bool Stranded();
  void Wake();

  std::mutex mutex_;
  std::condition_variable callReady_;
  std::condition_variable waitReady_;
  std::condition_variable routerWake_;
  // A thread left a library call (Detach waits for the environment's calls to end).
  std::condition_variable leftLibrary_;
  bool stopping_ = false;
  std::list<Worker> workers_;
  std::vector<Worker *> controllers_;
  std::size_t idleControllers_ = 0;
  std::vector<Worker *> waiters_;
  Worker *router_ = nullptr;
  std::deque<QueuedCall> calls_;
  // Controller calls cancelled while running: their outcome is dropped.
  std::set<std::uint64_t> cancelledCalls_;
  // Pending waits by op id: ids grow, so iteration order is arrival order.
  std::map<std::uint64_t, PendingWait> waits_;
  // The queued waits, in the library's order of answers (kind, then arrival).
  std::set<QueueKey> queue_;
  std::vector<SettleRequest> settles_;
  // The highest call id seen (ids grow with arrival).
  std::uint64_t lastOp_ = 0;
  // Something changed that may let the router answer a queued wait.
  bool routeRequested_ = false;
  std::chrono::milliseconds pollPeriod_ = kPollMin;
};

} // namespace sysbind

#endif
