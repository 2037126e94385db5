#include "dispatcher.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "library_calls.h"

namespace sysbind {
namespace {

const char *WaitSyscall(WaitKind kind) {
  switch (kind) {
  case WaitKind::Domain:
    return "gc_wait_domain";
  case WaitKind::Any:
    return "gc_wait_any";
  case WaitKind::Sync:
    return "gc_sync_ticket";
  }
  return "";
}

Outcome ExitOutcome(WaitKind kind, const gc_domain_exit_t &exit) {
  Outcome outcome;
  outcome.shape = OutcomeShape::Exit;
  outcome.syscall = WaitSyscall(kind);
  // gc_wait_any returns the vmid, gc_wait_domain 0.
  outcome.ret = kind == WaitKind::Any ? exit.vmid : 0;
  outcome.exit = exit;
  return outcome;
}

Outcome JoinOutcome() {
  Outcome outcome;
  outcome.shape = OutcomeShape::Nothing;
  outcome.syscall = "gc_sync_ticket";
  return outcome;
}

bool IsTerminal(int status) {
  return status == GC_DOMAIN_EXITED || status == GC_DOMAIN_CRASHED || status == GC_DOMAIN_KILLED;
}

// Consecutive failed snapshots after which the queued waits of a backend fail with the snapshot's
// errno: a detached guest fails every call, and its waits must not hang.
constexpr int kPollFailuresBeforeGivingUp = 3;

} // namespace

namespace {
// The process's dispatcher and how many environments use it.
std::mutex registryMutex;
std::shared_ptr<Dispatcher> *registryDispatcher = nullptr;
std::size_t registryUsers = 0;

// process.exit() and an uncaught exception end the process without running the environments'
// cleanup hooks: the threads are then stopped and joined here, from exit(), before the handlers
// registered earlier run (LeakSanitizer's among them, which must not find addon threads alive).
void StopAtExit() {
  std::shared_ptr<Dispatcher> dispatcher;
  {
    std::lock_guard<std::mutex> lock(registryMutex);
    if (registryDispatcher != nullptr)
      dispatcher = *registryDispatcher;
  }
  if (dispatcher != nullptr)
    dispatcher->Stop();
}

} // namespace

std::shared_ptr<Dispatcher> Dispatcher::Acquire() {
  static const bool stopsAtExit = std::atexit(StopAtExit) == 0;
  (void)stopsAtExit;
  std::lock_guard<std::mutex> lock(registryMutex);
  if (registryDispatcher == nullptr)
    registryDispatcher = new std::shared_ptr<Dispatcher>(std::make_shared<Dispatcher>());
  ++registryUsers;
  return *registryDispatcher;
}

void Dispatcher::Release(const std::vector<std::shared_ptr<Library>> &libraries) {
  Detach(libraries);
  std::shared_ptr<Dispatcher> last;
  {
    std::lock_guard<std::mutex> lock(registryMutex);
    if (registryUsers > 0 && --registryUsers == 0 && registryDispatcher != nullptr) {
      last = std::move(*registryDispatcher);
      delete registryDispatcher;
      registryDispatcher = nullptr;
    }
  }
  if (last != nullptr)
    last->Stop();
}

void Dispatcher::Detach(const std::vector<std::shared_ptr<Library>> &libraries) {
  auto ours = [&libraries](const std::shared_ptr<Library> &library) {
    return std::find(libraries.begin(), libraries.end(), library) != libraries.end();
  };
  Lock lock(mutex_);
  for (auto entry = waits_.begin(); entry != waits_.end();) {
    PendingWait &wait = entry->second;
    if (!ours(wait.owner->library)) {
      ++entry;
      continue;
    }
    wait.owner->closed = true;
    if (wait.phase == Phase::Queued) {
      Unqueue(entry->first, wait);
      entry = waits_.erase(entry);
    } else {
      wait.abandoned = true;
      ++entry;
    }
  }
  calls_.erase(std::remove_if(calls_.begin(), calls_.end(),
                              [&](const QueuedCall &call) {
                                if (!ours(call.owner->library))
                                  return false;
                                if (call.isClone)
                                  --call.owner->vm->clonesInFlight;
                                return true;
                              }),
               calls_.end());
  settles_.erase(std::remove_if(settles_.begin(), settles_.end(),
                                [&](const SettleRequest &request) { return ours(request.owner->library); }),
                 settles_.end());
  lock.unlock();
  for (const auto &library : libraries)
    library->Shutdown();
  lock.lock();
  // The calls in flight there now return (ECANCELED); a thread in the real library's call is
  // left to it, since nothing can end that call.
  leftLibrary_.wait(lock, [&] {
    return stopping_ || std::none_of(workers_.begin(), workers_.end(), [&](const Worker &worker) {
             return worker.inLibrary && worker.library != nullptr && ours(worker.library) &&
                    worker.library->CanShutDownCalls();
           });
  });
}

Dispatcher::Worker &Dispatcher::StartWorker(void (Dispatcher::*loop)(Worker &)) {
  workers_.emplace_back();
  Worker &worker = workers_.back();
  try {
    worker.thread = std::thread([self = shared_from_this(), &worker, loop] {
      try {
        ((*self).*loop)(worker);
      } catch (...) {
        // Out of memory in the bookkeeping: this thread ends, the process does not.
      }
    });
  } catch (...) {
    workers_.pop_back();
    throw;
  }
  return worker;
}

void Dispatcher::Wake() {
  routeRequested_ = true;
  pollPeriod_ = kPollMin;
  routerWake_.notify_one();
}

// ---- controller calls ----

void Dispatcher::Call(const std::shared_ptr<BindingState> &owner, std::uint64_t op, const char *syscall,
                      bool isClone, CallFunction call, AfterCall after) {
  Lock lock(mutex_);
  if (stopping_)
    return;
  lastOp_ = std::max(lastOp_, op);
  if (idleControllers_ == 0 && controllers_.size() < kControllerThreads)
    controllers_.push_back(&StartWorker(&Dispatcher::ControllerLoop));
  calls_.push_back(QueuedCall{owner, op, syscall, isClone, std::move(call), std::move(after)});
  if (isClone)
    ++owner->vm->clonesInFlight;
  callReady_.notify_all();
}

std::deque<Dispatcher::QueuedCall>::iterator Dispatcher::NextCall() {
  std::vector<const BindingState *> blocked;
  for (auto call = calls_.begin(); call != calls_.end(); ++call) {
    const BindingState *owner = call->owner.get();
    if (std::find(blocked.begin(), blocked.end(), owner) != blocked.end())
      continue;
    // A clone waits while the router decides from a snapshot of its backend's clones, and while
    // any other call of its VM runs; no call of a VM starts while its gc_clone runs; a
    // backend's calls run one at a time and in order.
    const VmState &vm = *owner->vm;
    if (owner->callRunning || vm.cloning || (call->isClone && (vm.routing || vm.callsRunning != 0))) {
      blocked.push_back(owner);
      continue;
    }
    return call;
  }
  return calls_.end();
}

void Dispatcher::ControllerLoop(Worker &self) {
  Lock lock(mutex_);
  for (;;) {
    ++idleControllers_;
    callReady_.wait(lock, [this] { return stopping_ || NextCall() != calls_.end(); });
    --idleControllers_;
    if (stopping_)
      return;
    auto next = NextCall();
    QueuedCall job = std::move(*next);
    calls_.erase(next);
    job.owner->callRunning = true;
    ++job.owner->vm->callsRunning;
    if (job.isClone)
      job.owner->vm->cloning = true;
    self.inLibrary = true;
    self.library = job.owner->library;
    self.op = job.op;
    job.owner->library->Enter(job.op);
    lock.unlock();
    Outcome outcome;
    try {
      outcome = job.call();
    } catch (...) {
      outcome = Outcome::Failure(job.syscall, ENOMEM);
    }
    std::vector<std::uint64_t> skipped;
    Stamp(*job.owner->library, outcome, skipped);
    lock.lock();
    for (std::uint64_t stamp : skipped)
      Skip(job.owner, stamp);
    job.owner->library->Leave();
    self.inLibrary = false;
    self.library.reset();
    self.op = 0;
    job.owner->callRunning = false;
    --job.owner->vm->callsRunning;
    if (job.isClone)
      job.owner->vm->cloning = false;
    leftLibrary_.notify_all();
    callReady_.notify_all();
    bool cancelled = cancelledCalls_.erase(job.op) != 0;
    if (job.isClone)
      --job.owner->vm->clonesInFlight;
    if (stopping_)
      return;
    if (job.after)
      job.after(outcome, *job.owner);
    if (job.isClone && !outcome.failed() && outcome.ret == 0)
      ResetForClone(job.owner);
    if (cancelled) {
      Skip(job.owner, outcome.stamp);
    } else {
      Deliver(job.owner, job.op, std::move(outcome));
    }
    // A call may have changed what the waits can get (a kill, a clone, an independent ticket).
    if (!waits_.empty())
      Wake();
  }
}

void Dispatcher::ResetForClone(const std::shared_ptr<BindingState> &owner) {
  VmState &vm = *owner->vm;
  vm.unclaimedExits.clear();
  vm.independentTickets.clear();
  vm.joinedTickets.clear();
  vm.pollFailures = 0;
  for (auto entry = waits_.begin(); entry != waits_.end();) {
    PendingWait &wait = entry->second;
    if (wait.owner->vm != owner->vm || wait.abandoned) {
      ++entry;
      continue;
    }
    // The clone's copy of a wait made before the clone point: the clone has nothing to wait for.
    Deliver(wait.owner, entry->first, Outcome::Failure(WaitSyscall(wait.kind), ECHILD));
    if (wait.phase == Phase::Queued) {
      Unqueue(entry->first, wait);
      entry = waits_.erase(entry);
    } else {
      // Its copy of the call is withdrawn where the library can; what it returns is dropped.
      wait.abandoned = true;
      wait.discard = true;
      wait.owner->library->Interrupt(entry->first);
      ++entry;
    }
  }
}

bool Dispatcher::Cancel(const std::shared_ptr<BindingState> &owner, std::uint64_t op) {
  Lock lock(mutex_);
  auto queued =
      std::find_if(calls_.begin(), calls_.end(), [op](const QueuedCall &call) { return call.op == op; });
  if (queued != calls_.end()) {
    if (queued->isClone)
      --owner->vm->clonesInFlight;
    calls_.erase(queued);
    return true;
  }
  bool running = std::any_of(workers_.begin(), workers_.end(),
                             [op](const Worker &worker) { return worker.inLibrary && worker.op == op; });
  if (running) {
    cancelledCalls_.insert(op);
    owner->library->Interrupt(op);
  }
  return false;
}

// ---- waits ----

void Dispatcher::Enqueue(std::uint64_t op, PendingWait &wait) {
  wait.phase = Phase::Queued;
  wait.evicting = false;
  queue_.insert(KeyOf(wait, op));
}

void Dispatcher::Unqueue(std::uint64_t op, const PendingWait &wait) {
  queue_.erase(KeyOf(wait, op));
}

void Dispatcher::Wait(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind,
                      int target) {
  Lock lock(mutex_);
  if (stopping_)
    return;
  lastOp_ = std::max(lastOp_, op);
  if (ClaimUnclaimed(owner, op, kind, target))
    return;
  // The whole pool starts with the first wait, so the thread count never follows the wait count.
  while (waiters_.size() < kWaiterThreads)
    waiters_.push_back(&StartWorker(&Dispatcher::WaiterLoop));
  if (router_ == nullptr)
    router_ = &StartWorker(&Dispatcher::RouterLoop);
  auto entry = waits_.emplace(op, PendingWait{owner, kind, target}).first;
  Enqueue(op, entry->second);
  if (BusyWaiters() >= waiters_.size() || owner->waitsInLibrary >= owner->maxWaitsInLibrary)
    EvictFor(owner, KeyOf(entry->second, op));
  waitReady_.notify_one();
  Wake();
}

void Dispatcher::EvictFor(const std::shared_ptr<BindingState> &owner, QueueKey key) {
  if (!owner->library->CanInterrupt())
    return;
  // The in-library wait of this backend that the library would answer last, if after `key`.
  std::uint64_t victim = 0;
  QueueKey worst = key;
  for (const auto &entry : waits_) {
    const PendingWait &wait = entry.second;
    if (wait.owner->vm != owner->vm || wait.phase != Phase::InLibrary || wait.abandoned || wait.evicting)
      continue;
    QueueKey candidate = KeyOf(wait, entry.first);
    if (worst < candidate) {
      worst = candidate;
      victim = entry.first;
    }
  }
  if (victim == 0)
    return;
  waits_[victim].evicting = true;
  owner->library->Interrupt(victim);
}

bool Dispatcher::ClaimUnclaimed(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind,
                                int target) {
  auto &exits = owner->vm->unclaimedExits;
  auto found = exits.end();
  if (kind == WaitKind::Domain) {
    found = std::find_if(exits.begin(), exits.end(),
                         [target](const gc_domain_exit_t &exit) { return exit.vmid == target; });
  } else if (kind == WaitKind::Any) {
    found = exits.begin();
  }
  if (found == exits.end())
    return false;
  gc_domain_exit_t exit = *found;
  exits.erase(found);
  Deliver(owner, op, ExitOutcome(kind, exit));
  return true;
}

std::size_t Dispatcher::BusyWaiters() const {
  return static_cast<std::size_t>(std::count_if(waiters_.begin(), waiters_.end(),
                                                [](const Worker *worker) { return worker->inLibrary; }));
}

std::set<Dispatcher::QueueKey>::iterator Dispatcher::NextAdmissible() {
  for (auto key = queue_.begin(); key != queue_.end(); ++key) {
    auto found = waits_.find(key->second);
    if (found == waits_.end())
      continue;
    const BindingState &owner = *found->second.owner;
    if (owner.waitsInLibrary < owner.maxWaitsInLibrary)
      return key;
  }
  return queue_.end();
}

bool Dispatcher::Stranded() {
  if (queue_.empty())
    return false;
  return BusyWaiters() >= waiters_.size() || NextAdmissible() != queue_.begin() ||
         std::any_of(queue_.begin(), queue_.end(), [this](const QueueKey &key) {
           auto found = waits_.find(key.second);
           return found != waits_.end() &&
                  found->second.owner->waitsInLibrary >= found->second.owner->maxWaitsInLibrary;
         });
}

void Dispatcher::WaiterLoop(Worker &self) {
  Lock lock(mutex_);
  for (;;) {
    waitReady_.wait(lock, [this] { return stopping_ || NextAdmissible() != queue_.end(); });
    if (stopping_)
      return;
    // The queued wait the library would answer first (of a backend below its limit).
    std::uint64_t op = NextAdmissible()->second;
    RunWait(lock, self, op);
    if (stopping_)
      return;
  }
}

void Dispatcher::RunWait(Lock &lock, Worker &self, std::uint64_t op) {
  auto found = waits_.find(op);
  if (found == waits_.end())
    return;
  PendingWait &wait = found->second;
  Unqueue(op, wait);
  wait.phase = Phase::InLibrary;
  std::shared_ptr<BindingState> owner = wait.owner;
  ++owner->waitsInLibrary;
  WaitKind kind = wait.kind;
  int target = wait.target;
  self.inLibrary = true;
  self.library = owner->library;
  self.op = op;
  // Entered under the lock: an Abandon that sees InLibrary always finds the call to interrupt.
  owner->library->Enter(op);
  lock.unlock();
  Outcome outcome;
  try {
    switch (kind) {
    case WaitKind::Domain:
      outcome = CallWaitDomain(target);
      break;
    case WaitKind::Any:
      outcome = CallWaitAny();
      break;
    case WaitKind::Sync:
      outcome = CallSyncTicket(target);
      break;
    }
  } catch (...) {
    outcome = Outcome::Failure(WaitSyscall(kind), ENOMEM);
  }
  bool interrupted = owner->library->TakeInterrupted();
  std::vector<std::uint64_t> skipped;
  Stamp(*owner->library, outcome, skipped);
  lock.lock();
  for (std::uint64_t stamp : skipped)
    Skip(owner, stamp);
  owner->library->Leave();
  --owner->waitsInLibrary;
  leftLibrary_.notify_all();
  self.inLibrary = false;
  self.library.reset();
  self.op = 0;
  if (stopping_)
    return;
  Finish(owner, op, std::move(outcome), interrupted);
  // A waiter is free again, or an answer changed what the queued waits can get.
  waitReady_.notify_one();
  Wake();
}

void Dispatcher::Finish(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome,
                        bool interrupted) {
  auto found = waits_.find(op);
  if (found == waits_.end()) {
    Skip(owner, outcome.stamp);
    return;
  }
  PendingWait &pending = found->second;
  if (pending.evicting && !pending.abandoned && interrupted) {
    // Withdrawn to make room: back to the queue, as if it had never been made.
    Enqueue(op, pending);
    Skip(owner, outcome.stamp);
    waitReady_.notify_one();
    return;
  }
  bool reaped = !outcome.failed() && outcome.shape == OutcomeShape::Exit;
  if (!pending.abandoned && pending.kind == WaitKind::Any && reaped) {
    // A queued wait for that very clone comes first, as the library would have served it had it
    // been in the library too: it gets the exit and this wait for any clone stays pending.
    auto specific = std::find_if(waits_.begin(), waits_.end(), [&](const auto &entry) {
      const PendingWait &wait = entry.second;
      return wait.owner->vm == owner->vm && !wait.abandoned && wait.kind == WaitKind::Domain &&
             wait.phase == Phase::Queued && wait.target == outcome.exit.vmid;
    });
    if (specific != waits_.end()) {
      std::uint64_t specificOp = specific->first;
      std::shared_ptr<BindingState> receiver = specific->second.owner;
      Unqueue(specificOp, specific->second);
      waits_.erase(specific);
      Outcome rerouted = ExitOutcome(WaitKind::Domain, outcome.exit);
      rerouted.stamp = receiver == owner ? outcome.stamp : 0;
      if (receiver != owner)
        Skip(owner, outcome.stamp);
      Deliver(receiver, specificOp, std::move(rerouted));
      Enqueue(op, pending);
      waitReady_.notify_one();
      return;
    }
  }
  if (pending.kind == WaitKind::Sync && outcome.failed() && outcome.error == ENOENT) {
    auto joined = owner->vm->joinedTickets.find(pending.target);
    if (joined != owner->vm->joinedTickets.end() && op <= joined->second) {
      std::uint64_t stamp = outcome.stamp;
      outcome = JoinOutcome();
      outcome.stamp = stamp;
    }
  }
  PendingWait wait = std::move(pending);
  waits_.erase(found);
  if (wait.kind == WaitKind::Sync && !outcome.failed())
    owner->vm->joinedTickets[wait.target] = lastOp_;
  if (!wait.abandoned) {
    if (wait.kind == WaitKind::Sync && !outcome.failed()) {
      // The ticket was joined and discarded: a queued join of the same ticket, made while the
      // ticket was held, succeeds as the library answers a join whose ticket another one took.
      for (auto entry = waits_.begin(); entry != waits_.end();) {
        PendingWait &other = entry->second;
        if (other.owner->vm == owner->vm && other.kind == WaitKind::Sync && other.target == wait.target &&
            other.phase == Phase::Queued && !other.abandoned) {
          Unqueue(entry->first, other);
          Deliver(other.owner, entry->first, JoinOutcome());
          entry = waits_.erase(entry);
        } else {
          ++entry;
        }
      }
    }
    Deliver(wait.owner, op, std::move(outcome));
    return;
  }
  // Nobody wants this outcome any more. A failure (EINTR from an interrupt) reaped nothing; a
  // join has no output; an exit of the parent VM means nothing on the clone side; but any other
  // exit must not be lost.
  if (!reaped || wait.discard) {
    Skip(wait.owner, outcome.stamp);
    return;
  }
  RerouteLocked(wait.owner, outcome.exit, outcome.stamp);
}

void Dispatcher::Reroute(const std::shared_ptr<BindingState> &owner, const gc_domain_exit_t &exit) {
  Lock lock(mutex_);
  if (stopping_)
    return;
  RerouteLocked(owner, exit, 0);
}

void Dispatcher::RerouteLocked(const std::shared_ptr<BindingState> &owner, const gc_domain_exit_t &exit,
                               std::uint64_t stamp) {
  if (owner->closed)
    return;
  // The library's own order: a wait for that very clone first, then the oldest wait for any clone.
  auto candidate = [&](WaitKind kind) {
    return std::find_if(waits_.begin(), waits_.end(), [&](const auto &entry) {
      const PendingWait &wait = entry.second;
      return wait.owner->vm == owner->vm && !wait.abandoned && wait.kind == kind &&
             (kind != WaitKind::Domain || wait.target == exit.vmid);
    });
  };
  auto picked = candidate(WaitKind::Domain);
  if (picked == waits_.end())
    picked = candidate(WaitKind::Any);
  if (picked == waits_.end()) {
    owner->vm->unclaimedExits.push_back(exit);
    Skip(owner, stamp);
    return;
  }
  std::uint64_t op = picked->first;
  WaitKind kind = picked->second.kind;
  std::shared_ptr<BindingState> receiver = picked->second.owner;
  if (picked->second.phase == Phase::InLibrary) {
    // Its own call is still in the library: whatever that one reaps is rerouted in turn.
    picked->second.abandoned = true;
    receiver->library->Interrupt(op);
  } else {
    Unqueue(op, picked->second);
    waits_.erase(picked);
  }
  // The stamp orders the outcome among the reaping backend's; another backend receives it unordered.
  Skip(owner, receiver == owner ? 0 : stamp);
  Outcome outcome = ExitOutcome(kind, exit);
  outcome.stamp = receiver == owner ? stamp : 0;
  Deliver(receiver, op, std::move(outcome));
}

void Dispatcher::Abandon(std::uint64_t op) {
  Lock lock(mutex_);
  auto found = waits_.find(op);
  if (found == waits_.end() || found->second.abandoned)
    return;
  if (found->second.phase == Phase::Queued) {
    Unqueue(op, found->second);
    waits_.erase(found);
    return;
  }
  found->second.abandoned = true;
  found->second.owner->library->Interrupt(op);
}

void Dispatcher::Settle(const std::shared_ptr<BindingState> &owner, std::uint64_t op) {
  Lock lock(mutex_);
  if (stopping_)
    return;
  if (router_ == nullptr)
    router_ = &StartWorker(&Dispatcher::RouterLoop);
  settles_.push_back(SettleRequest{owner, op});
  Wake();
}

void Dispatcher::AnswerSettles(const std::shared_ptr<BindingState> &owner) {
  for (auto entry = settles_.begin(); entry != settles_.end();) {
    if (entry->owner->vm != owner->vm) {
      ++entry;
      continue;
    }
    Outcome outcome;
    outcome.fence = entry->owner->library->LastStamp();
    Deliver(entry->owner, entry->op, std::move(outcome));
    entry = settles_.erase(entry);
  }
}

void Dispatcher::Close(const std::shared_ptr<BindingState> &owner) {
  Lock lock(mutex_);
  owner->closed = true;
  for (auto entry = waits_.begin(); entry != waits_.end();) {
    PendingWait &wait = entry->second;
    if (wait.owner != owner) {
      ++entry;
    } else if (wait.phase == Phase::Queued) {
      Unqueue(entry->first, wait);
      entry = waits_.erase(entry);
    } else {
      wait.abandoned = true;
      owner->library->Interrupt(entry->first);
      ++entry;
    }
  }
  calls_.erase(std::remove_if(calls_.begin(), calls_.end(),
                              [&](const QueuedCall &call) {
                                if (call.owner == owner && call.isClone)
                                  --owner->vm->clonesInFlight;
                                return call.owner == owner;
                              }),
               calls_.end());
  settles_.erase(std::remove_if(settles_.begin(), settles_.end(),
                                [&](const SettleRequest &request) { return request.owner == owner; }),
                 settles_.end());
  callReady_.notify_all();
}

void Dispatcher::Stop() {
  std::vector<std::shared_ptr<Library>> busy;
  {
    Lock lock(mutex_);
    if (stopping_)
      return;
    stopping_ = true;
    calls_.clear();
    waits_.clear();
    queue_.clear();
    settles_.clear();
    for (const Worker &worker : workers_) {
      if (worker.inLibrary && worker.library != nullptr)
        busy.push_back(worker.library);
    }
  }
  callReady_.notify_all();
  waitReady_.notify_all();
  routerWake_.notify_all();
  leftLibrary_.notify_all();
  // Calls in flight return at once (ECANCELED) where the library can end them.
  for (const auto &library : busy)
    library->Shutdown();
  for (Worker &worker : workers_) {
    if (!worker.thread.joinable())
      continue;
    bool stuck;
    {
      Lock lock(mutex_);
      stuck = worker.inLibrary && worker.library != nullptr && !worker.library->CanShutDownCalls();
    }
    // libgridcentric has no way to cancel a blocking call: a thread inside one is left to finish
    // it; it holds the dispatcher alive and delivers nothing (the channels are closed by then).
    if (stuck) {
      worker.thread.detach();
    } else {
      worker.thread.join();
    }
  }
}

// ---- the router ----

bool Dispatcher::RouteDue() {
  return !settles_.empty() || Stranded();
}

void Dispatcher::RouterLoop(Worker &self) {
  Lock lock(mutex_);
  for (;;) {
    if (stopping_)
      return;
    if (!RouteDue()) {
      routerWake_.wait(lock);
      continue;
    }
    if (!routeRequested_ && settles_.empty()) {
      routerWake_.wait_for(lock, pollPeriod_);
      if (stopping_)
        return;
      if (!RouteDue())
        continue;
    }
    routeRequested_ = false;
    std::vector<std::shared_ptr<BindingState>> owners;
    // One open backend per VM: the router decides for the VM's waits as a whole.
    auto add = [&owners](const std::shared_ptr<BindingState> &owner) {
      if (owner->closed)
        return;
      if (std::none_of(owners.begin(), owners.end(), [&owner](const std::shared_ptr<BindingState> &other) {
            return other->vm == owner->vm;
          }))
        owners.push_back(owner);
    };
    for (const auto &request : settles_)
      add(request.owner);
    if (Stranded()) {
      for (const auto &entry : waits_) {
        if (entry.second.phase == Phase::Queued)
          add(entry.second.owner);
      }
    }
    bool acted = false;
    for (const auto &owner : owners) {
      acted = Route(lock, self, owner) || acted;
      if (stopping_)
        return;
      AnswerSettles(owner);
    }
    pollPeriod_ = acted ? kPollMin : std::min(pollPeriod_ * 2, kPollMax);
  }
}

// One round for one backend: a snapshot of its clones and tickets, then the library's own rules
// applied to its queued waits, each answered by its own call once that call returns at once.
bool Dispatcher::Route(Lock &lock, Worker &self, const std::shared_ptr<BindingState> &owner) {
  // No snapshot may straddle a clone point: the VM's gc_clone returning wakes the router again.
  if (owner->closed || owner->vm->cloning)
    return false;
  bool anyQueued = std::any_of(waits_.begin(), waits_.end(), [&](const auto &entry) {
    return entry.second.owner->vm == owner->vm && entry.second.phase == Phase::Queued;
  });
  if (!anyQueued)
    return false;
  owner->vm->routing = true;
  self.inLibrary = true;
  self.library = owner->library;
  owner->library->Enter(0);
  lock.unlock();
  Outcome domains;
  Outcome tickets;
  std::vector<std::uint64_t> stamps;
  try {
    domains = CallListCloneDomains();
    tickets = domains.failed() ? domains : CallListTickets();
  } catch (...) {
    domains = Outcome::Failure("gc_list_clone_domains", ENOMEM);
    tickets = domains;
  }
  stamps = owner->library->TakeCallStamps();
  lock.lock();
  for (std::uint64_t stamp : stamps)
    Skip(owner, stamp);
  owner->library->Leave();
  self.inLibrary = false;
  self.library.reset();
  leftLibrary_.notify_all();
  struct Done {
    Dispatcher &dispatcher;
    BindingState &owner;
    ~Done() {
      owner.vm->routing = false;
      dispatcher.callReady_.notify_all();
    }
  } done{*this, *owner};
  if (stopping_ || owner->closed)
    return false;

  if (domains.failed() || tickets.failed()) {
    int error = domains.failed() ? domains.error : tickets.error;
    if (++owner->vm->pollFailures < kPollFailuresBeforeGivingUp)
      return false;
    owner->vm->pollFailures = 0;
    for (auto entry = waits_.begin(); entry != waits_.end();) {
      if (entry->second.owner->vm == owner->vm && entry->second.phase == Phase::Queued) {
        Unqueue(entry->first, entry->second);
        Deliver(entry->second.owner, entry->first, Outcome::Failure(WaitSyscall(entry->second.kind), error));
        entry = waits_.erase(entry);
      } else {
        ++entry;
      }
    }
    return true;
  }
  owner->vm->pollFailures = 0;

  std::set<int> independent = owner->vm->independentTickets;
  std::set<int> held;
  for (const gc_ticket_info_t &ticket : tickets.tickets) {
    held.insert(ticket.ticket);
    if (ticket.independent)
      independent.insert(ticket.ticket);
  }
  auto domainOf = [&](int vmid) -> const gc_domain_info_t * {
    for (const gc_domain_info_t &domain : domains.domains) {
      if (domain.vmid == vmid)
        return &domain;
    }
    return nullptr;
  };
  auto waitable = [&](const gc_domain_info_t &domain) { return independent.count(domain.ticket) == 0; };
  auto ticketLive = [&](int ticket) {
    return std::any_of(domains.domains.begin(), domains.domains.end(), [&](const gc_domain_info_t &domain) {
      return domain.ticket == ticket && !IsTerminal(domain.status);
    });
  };

  // What the calls already in the library will answer: the router leaves those exits to them.
  bool anyInLibrary = false;
  std::set<int> domainsInLibrary;
  std::set<int> syncsInLibrary;
  for (const auto &entry : waits_) {
    const PendingWait &wait = entry.second;
    if (wait.owner->vm != owner->vm || wait.phase != Phase::InLibrary || wait.abandoned)
      continue;
    if (wait.kind == WaitKind::Any)
      anyInLibrary = true;
    if (wait.kind == WaitKind::Domain)
      domainsInLibrary.insert(wait.target);
    if (wait.kind == WaitKind::Sync)
      syncsInLibrary.insert(wait.target);
  }
  // A terminated clone that a join in the library takes now (its ticket has no live clone left).
  auto joinedInLibrary = [&](const gc_domain_info_t &domain) {
    return syncsInLibrary.count(domain.ticket) != 0 && !ticketLive(domain.ticket);
  };

  std::vector<std::uint64_t> ready;
  std::set<int> reaped;
  bool unservedAny = false;
  // 1. Waits for one clone, oldest first.
  for (const auto &entry : waits_) {
    const PendingWait &wait = entry.second;
    if (wait.owner->vm != owner->vm || wait.phase != Phase::Queued || wait.kind != WaitKind::Domain)
      continue;
    const gc_domain_info_t *domain = domainOf(wait.target);
    if (domain == nullptr || !waitable(*domain)) {
      ready.push_back(entry.first); // ECHILD at once, whatever else happens
      continue;
    }
    if (!IsTerminal(domain->status) || domainsInLibrary.count(wait.target) != 0 || anyInLibrary ||
        joinedInLibrary(*domain)) {
      continue; // still running, or a call in the library takes this exit (and reroutes it)
    }
    reaped.insert(wait.target); // the first reaps it, any later one fails with ECHILD after it
    ready.push_back(entry.first);
  }
  // 2. Waits for any clone, oldest first, each taking the oldest unclaimed terminated clone.
  int zombies = 0;
  int reserved = 0;
  int live = 0;
  for (const gc_domain_info_t &domain : domains.domains) {
    if (!waitable(domain) || reaped.count(domain.vmid) != 0)
      continue;
    if (!IsTerminal(domain.status)) {
      ++live;
    } else if (domainsInLibrary.count(domain.vmid) != 0 || joinedInLibrary(domain)) {
      ++reserved;
    } else {
      ++zombies;
    }
  }
  for (const auto &entry : waits_) {
    const PendingWait &wait = entry.second;
    if (wait.owner->vm != owner->vm || wait.phase != Phase::Queued || wait.kind != WaitKind::Any)
      continue;
    if (anyInLibrary) {
      unservedAny = true; // the older one in the library goes first; this one follows it there
      continue;
    }
    if (zombies > 0) {
      --zombies;
      ready.push_back(entry.first);
    } else if (live == 0 && reserved == 0 && owner->vm->clonesInFlight == 0) {
      ready.push_back(entry.first); // ECHILD at once: nothing left to wait for
    } else {
      unservedAny = true;
    }
  }
  // 3. Joins, oldest first: once no clone of the ticket is live and none can be added, and no
  // wait that comes before a join still has to take one of its terminated clones.
  std::set<int> joining;
  for (auto &entry : waits_) {
    PendingWait &wait = entry.second;
    if (wait.owner->vm != owner->vm || wait.phase != Phase::Queued || wait.kind != WaitKind::Sync)
      continue;
    int ticket = wait.target;
    if (held.count(ticket) != 0)
      wait.registered = true;
    if (syncsInLibrary.count(ticket) != 0 || joining.count(ticket) != 0)
      continue; // an older join answers first; its success settles this one (Finish)
    if (!wait.registered) {
      // Not among the held tickets: unknown, discarded or cancelled. The library says which.
      ready.push_back(entry.first);
      joining.insert(ticket);
      continue;
    }
    if (independent.count(ticket) != 0) {
      ready.push_back(entry.first); // ECHILD at once
      joining.insert(ticket);
      continue;
    }
    if (ticketLive(ticket) || owner->vm->clonesInFlight != 0)
      continue;
    bool claimed =
        std::any_of(domains.domains.begin(), domains.domains.end(), [&](const gc_domain_info_t &domain) {
          return domain.ticket == ticket && IsTerminal(domain.status) && reaped.count(domain.vmid) == 0 &&
                 (anyInLibrary || unservedAny || domainsInLibrary.count(domain.vmid) != 0);
        });
    if (claimed)
      continue;
    ready.push_back(entry.first);
    joining.insert(ticket);
  }

  bool acted = false;
  for (std::uint64_t op : ready) {
    auto found = waits_.find(op);
    if (found == waits_.end() || found->second.phase != Phase::Queued)
      continue;
    PendingWait &wait = found->second;
    if (wait.kind == WaitKind::Sync && !wait.registered && !owner->closed) {
      // A join of a ticket not held: check it exists, as the library would have when it started,
      // with a call that never blocks. Unknown: the join's own call fails at once. Cancelled: it
      // waits like any other.
      std::shared_ptr<BindingState> keep = owner;
      int ticket = wait.target;
      self.inLibrary = true;
      self.library = owner->library;
      owner->library->Enter(0);
      lock.unlock();
      Outcome check;
      try {
        check = CallListTicketDomains(ticket);
      } catch (...) {
        check = Outcome::Failure("gc_list_ticket_domains", ENOMEM);
      }
      std::vector<std::uint64_t> checkStamps = owner->library->TakeCallStamps();
      lock.lock();
      for (std::uint64_t stamp : checkStamps)
        Skip(owner, stamp);
      owner->library->Leave();
      self.inLibrary = false;
      self.library.reset();
      leftLibrary_.notify_all();
      if (stopping_)
        return acted;
      found = waits_.find(op);
      if (found == waits_.end() || found->second.phase != Phase::Queued)
        continue;
      if (!check.failed()) {
        found->second.registered = true;
        acted = true;
        routeRequested_ = true; // decide on it in the next round, from a fresh snapshot
        continue;
      }
    }
    RunWait(lock, self, op);
    acted = true;
    if (stopping_)
      break;
  }
  return acted;
}

// ---- delivery ----

void Dispatcher::Stamp(Library &library, Outcome &outcome, std::vector<std::uint64_t> &skipped) {
  skipped = library.TakeCallStamps();
  if (skipped.empty())
    return;
  outcome.stamp = skipped.back();
  skipped.pop_back();
}

void Dispatcher::Skip(const std::shared_ptr<BindingState> &owner, std::uint64_t stamp) {
  if (stamp == 0)
    return;
  Outcome outcome;
  outcome.stamp = stamp;
  Deliver(owner, 0, std::move(outcome));
}

void Dispatcher::Deliver(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome) {
  // Once stopping, nothing reaches JS any more (the process may be inside exit()).
  if (owner->closed || stopping_)
    return;
  try {
    owner->channel->Post(std::unique_ptr<Completion>(new Completion{owner, op, std::move(outcome)}));
  } catch (...) {
    // Out of memory: the completion is lost, the process is not.
  }
}

DispatcherStats Dispatcher::Stats() {
  Lock lock(mutex_);
  DispatcherStats stats;
  stats.threads = workers_.size();
  for (const auto &entry : waits_) {
    if (entry.second.abandoned)
      continue;
    ++stats.pendingWaits;
    if (entry.second.phase == Phase::InLibrary) {
      ++stats.waitsInLibrary;
    } else {
      ++stats.queuedWaits;
    }
  }
  return stats;
}

} // namespace sysbind
