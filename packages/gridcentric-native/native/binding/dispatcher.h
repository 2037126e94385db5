// The threads of one environment and the calls they run, shared by every backend of that
// environment. Nothing here runs on libuv's thread pool.
//
// - One controller thread runs the calls that answer after one controller round trip, in order.
// - A fixed pool of waiter threads (kWaiterThreads) each makes one real blocking call
//   (gc_wait_domain, gc_wait_any, gc_sync_ticket) for the oldest wait that has none: exact library
//   semantics for the common case of a few pending waits.
// - Waits beyond the pool stay queued and one poller thread serves them: it lists the clones
//   (a round trip that never blocks) and makes a wait call only once the library would answer it
//   at once (the clone terminated, nothing is waitable, every clone of the ticket terminated).
//   Its period backs off from kPollMin to kPollMax while nothing changes.
//
// So an environment never runs more than kWaiterThreads + 2 threads, whatever the number of
// pending waits. docs/guides/gridcentric-native.md explains the design and its limits.
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
#include <thread>
#include <vector>

#include "binding_state.h"
#include "completion_channel.h"
#include "outcome.h"

namespace sysbind {

enum class WaitKind { Domain, Any, Sync };

struct DispatcherStats {
  std::size_t threads = 0;
  std::size_t pendingWaits = 0;
  std::size_t waitsInLibrary = 0;
  std::size_t queuedWaits = 0;
};

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
public:
  static constexpr std::size_t kWaiterThreads = 8;
  static constexpr std::chrono::milliseconds kPollMin{5};
  static constexpr std::chrono::milliseconds kPollMax{200};

  using CallFunction = std::function<Outcome()>;
  // Runs under the dispatcher's lock once the call returned, before its outcome is delivered.
  using AfterCall = std::function<void(Outcome &, BindingState &)>;

  explicit Dispatcher(std::shared_ptr<CompletionChannel> channel);
  Dispatcher(const Dispatcher &) = delete;
  Dispatcher &operator=(const Dispatcher &) = delete;

  // JS thread. Throws std::system_error if a thread cannot be started.
  // `syscall` names the call in the outcome if it cannot even be made (out of memory). A clone call
  // counts as in flight until it returns: until then a ticket may still gain a clone.
  void Call(const std::shared_ptr<BindingState> &owner, std::uint64_t op, const char *syscall, bool isClone,
            CallFunction call, AfterCall after);
  void Wait(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind, int target);
  // JS thread: withdraws a pending wait. A blocking call already made for it is interrupted if the
  // library can; otherwise whatever it reaps goes to another pending wait or is kept for a later one.
  void Abandon(std::uint64_t op);
  // JS thread: an exit whose wait was abandoned after the outcome left the dispatcher.
  void Reroute(const std::shared_ptr<BindingState> &owner, const gc_domain_exit_t &exit);
  // JS thread: forgets every call and wait of `owner` (its backend was closed).
  void Close(const std::shared_ptr<BindingState> &owner);
  // JS thread, once (environment teardown): stops and joins the threads. A thread stuck in a
  // library call that cannot be shut down is detached instead; it only touches shared state.
  void Stop(const std::vector<std::shared_ptr<Library>> &libraries);
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
  };
  using Lock = std::unique_lock<std::mutex>;

  Worker &StartWorker(void (Dispatcher::*loop)(Worker &));
  void ControllerLoop(Worker &self);
  void WaiterLoop(Worker &self);
  void PollerLoop(Worker &self);
  bool PollDue();
  bool Poll(Lock &lock, Worker &self, const std::shared_ptr<BindingState> &owner);
  // Makes the wait's own library call on the current thread, then settles it.
  void RunWait(Lock &lock, Worker &self, std::uint64_t op);

  bool HasQueuedWait();
  std::uint64_t PopQueuedWait();
  void Finish(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome);
  void RerouteLocked(const std::shared_ptr<BindingState> &owner, const gc_domain_exit_t &exit,
                     std::uint64_t stamp);
  // Passes an ordered outcome nobody receives, so that later ones are not held back for it.
  void Skip(const std::shared_ptr<BindingState> &owner, std::uint64_t stamp);
  // Gives `outcome` the stamp of the thread's last library call; the earlier ones go to `skipped`.
  static void Stamp(Library &library, Outcome &outcome, std::vector<std::uint64_t> &skipped);
  bool ClaimUnclaimed(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind,
                      int target);
  void Deliver(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome);
  std::size_t BusyWaiters() const;

  const std::shared_ptr<CompletionChannel> channel_;
  std::mutex mutex_;
  std::condition_variable callReady_;
  std::condition_variable waitReady_;
  std::condition_variable pollWake_;
  bool stopping_ = false;
  std::list<Worker> workers_;
  Worker *controller_ = nullptr;
  std::vector<Worker *> waiters_;
  Worker *poller_ = nullptr;
  std::deque<QueuedCall> calls_;
  // Pending waits by op id: ids grow, so iteration order is arrival order.
  std::map<std::uint64_t, PendingWait> waits_;
  std::deque<std::uint64_t> queue_;
  std::chrono::milliseconds pollPeriod_ = kPollMin;
};

} // namespace sysbind

#endif
