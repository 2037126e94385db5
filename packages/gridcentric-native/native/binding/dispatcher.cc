#include "dispatcher.h"

#include <algorithm>
#include <cerrno>
#include <set>

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

bool IsTerminal(int status) {
  return status == GC_DOMAIN_EXITED || status == GC_DOMAIN_CRASHED || status == GC_DOMAIN_KILLED;
}

// Consecutive failed polls after which the queued waits of a backend fail with the poll's errno:
// a detached guest fails every call, and its waits must not hang.
constexpr int kPollFailuresBeforeGivingUp = 3;

} // namespace

Dispatcher::Dispatcher(std::shared_ptr<CompletionChannel> channel) : channel_(std::move(channel)) {}

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

void Dispatcher::Call(const std::shared_ptr<BindingState> &owner, std::uint64_t op, const char *syscall,
                      bool isClone, CallFunction call, AfterCall after) {
  Lock lock(mutex_);
  if (stopping_)
    return;
  if (controller_ == nullptr)
    controller_ = &StartWorker(&Dispatcher::ControllerLoop);
  calls_.push_back(QueuedCall{owner, op, syscall, isClone, std::move(call), std::move(after)});
  if (isClone)
    ++owner->clonesInFlight;
  callReady_.notify_one();
}

void Dispatcher::ControllerLoop(Worker &self) {
  Lock lock(mutex_);
  for (;;) {
    callReady_.wait(lock, [this] { return stopping_ || !calls_.empty(); });
    if (stopping_)
      return;
    QueuedCall job = std::move(calls_.front());
    calls_.pop_front();
    self.inLibrary = true;
    self.library = job.owner->library;
    job.owner->library->Enter(0);
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
    if (job.isClone)
      --job.owner->clonesInFlight;
    if (stopping_)
      return;
    if (job.after)
      job.after(outcome, *job.owner);
    Deliver(job.owner, job.op, std::move(outcome));
  }
}

void Dispatcher::Wait(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind,
                      int target) {
  Lock lock(mutex_);
  if (stopping_)
    return;
  if (ClaimUnclaimed(owner, op, kind, target))
    return;
  // The whole pool starts with the first wait, so the thread count never follows the wait count.
  while (waiters_.size() < kWaiterThreads)
    waiters_.push_back(&StartWorker(&Dispatcher::WaiterLoop));
  if (poller_ == nullptr)
    poller_ = &StartWorker(&Dispatcher::PollerLoop);
  waits_.emplace(op, PendingWait{owner, kind, target});
  queue_.push_back(op);
  pollPeriod_ = kPollMin;
  waitReady_.notify_one();
  pollWake_.notify_one();
}

bool Dispatcher::ClaimUnclaimed(const std::shared_ptr<BindingState> &owner, std::uint64_t op, WaitKind kind,
                                int target) {
  auto &exits = owner->unclaimedExits;
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

bool Dispatcher::HasQueuedWait() {
  while (!queue_.empty()) {
    auto found = waits_.find(queue_.front());
    if (found != waits_.end() && found->second.phase == Phase::Queued)
      return true;
    queue_.pop_front();
  }
  return false;
}

std::uint64_t Dispatcher::PopQueuedWait() {
  std::uint64_t op = queue_.front();
  queue_.pop_front();
  return op;
}

std::size_t Dispatcher::BusyWaiters() const {
  return static_cast<std::size_t>(std::count_if(waiters_.begin(), waiters_.end(),
                                                [](const Worker *worker) { return worker->inLibrary; }));
}

void Dispatcher::WaiterLoop(Worker &self) {
  Lock lock(mutex_);
  for (;;) {
    waitReady_.wait(lock, [this] { return stopping_ || HasQueuedWait(); });
    if (stopping_)
      return;
    RunWait(lock, self, PopQueuedWait());
    if (stopping_)
      return;
    // A waiter is free again: the poller may stand down, or another queued wait gets this thread.
    pollWake_.notify_one();
  }
}

void Dispatcher::RunWait(Lock &lock, Worker &self, std::uint64_t op) {
  auto found = waits_.find(op);
  if (found == waits_.end())
    return;
  PendingWait &wait = found->second;
  wait.phase = Phase::InLibrary;
  std::shared_ptr<BindingState> owner = wait.owner;
  WaitKind kind = wait.kind;
  int target = wait.target;
  self.inLibrary = true;
  self.library = owner->library;
  // Entered under the lock: an Abandon that sees InLibrary always finds the call to interrupt.
  owner->library->Enter(op);
  pollWake_.notify_one();
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
  std::vector<std::uint64_t> skipped;
  Stamp(*owner->library, outcome, skipped);
  lock.lock();
  for (std::uint64_t stamp : skipped)
    Skip(owner, stamp);
  owner->library->Leave();
  self.inLibrary = false;
  self.library.reset();
  if (stopping_)
    return;
  Finish(owner, op, std::move(outcome));
}

void Dispatcher::Finish(const std::shared_ptr<BindingState> &owner, std::uint64_t op, Outcome outcome) {
  auto found = waits_.find(op);
  if (found == waits_.end()) {
    Skip(owner, outcome.stamp);
    return;
  }
  PendingWait wait = std::move(found->second);
  waits_.erase(found);
  if (!wait.abandoned) {
    Deliver(wait.owner, op, std::move(outcome));
    return;
  }
  // Nobody wants this outcome any more. A failure (EINTR from an interrupt) reaped nothing; a
  // join has no output; but an exit must not be lost.
  if (outcome.failed() || outcome.shape != OutcomeShape::Exit) {
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
      return wait.owner == owner && !wait.abandoned && wait.kind == kind &&
             (kind != WaitKind::Domain || wait.target == exit.vmid);
    });
  };
  auto picked = candidate(WaitKind::Domain);
  if (picked == waits_.end())
    picked = candidate(WaitKind::Any);
  if (picked == waits_.end()) {
    owner->unclaimedExits.push_back(exit);
    Skip(owner, stamp);
    return;
  }
  std::uint64_t op = picked->first;
  WaitKind kind = picked->second.kind;
  if (picked->second.phase == Phase::InLibrary) {
    // Its own call is still in the library: whatever that one reaps is rerouted in turn.
    picked->second.abandoned = true;
    owner->library->Interrupt(op);
  } else {
    waits_.erase(picked);
  }
  Outcome outcome = ExitOutcome(kind, exit);
  outcome.stamp = stamp;
  Deliver(owner, op, std::move(outcome));
}

void Dispatcher::Abandon(std::uint64_t op) {
  Lock lock(mutex_);
  auto found = waits_.find(op);
  if (found == waits_.end() || found->second.abandoned)
    return;
  if (found->second.phase == Phase::Queued) {
    waits_.erase(found);
    return;
  }
  found->second.abandoned = true;
  found->second.owner->library->Interrupt(op);
}

void Dispatcher::Close(const std::shared_ptr<BindingState> &owner) {
  Lock lock(mutex_);
  owner->closed = true;
  owner->unclaimedExits.clear();
  for (auto entry = waits_.begin(); entry != waits_.end();) {
    PendingWait &wait = entry->second;
    if (wait.owner != owner) {
      ++entry;
    } else if (wait.phase == Phase::Queued) {
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
                                  --owner->clonesInFlight;
                                return call.owner == owner;
                              }),
               calls_.end());
}

void Dispatcher::Stop(const std::vector<std::shared_ptr<Library>> &libraries) {
  {
    Lock lock(mutex_);
    if (stopping_)
      return;
    stopping_ = true;
    calls_.clear();
    waits_.clear();
    queue_.clear();
  }
  callReady_.notify_all();
  waitReady_.notify_all();
  pollWake_.notify_all();
  for (const auto &library : libraries)
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
    // it; it holds the dispatcher alive and delivers nothing (the channel is closed by then).
    if (stuck) {
      worker.thread.detach();
    } else {
      worker.thread.join();
    }
  }
}

bool Dispatcher::PollDue() {
  return HasQueuedWait() && BusyWaiters() >= waiters_.size();
}

void Dispatcher::PollerLoop(Worker &self) {
  Lock lock(mutex_);
  for (;;) {
    if (stopping_)
      return;
    if (!PollDue()) {
      pollWake_.wait(lock);
      continue;
    }
    pollWake_.wait_for(lock, pollPeriod_);
    if (stopping_)
      return;
    if (!PollDue())
      continue;
    std::vector<std::shared_ptr<BindingState>> owners;
    for (const auto &entry : waits_) {
      const PendingWait &wait = entry.second;
      if (wait.phase == Phase::Queued &&
          std::find(owners.begin(), owners.end(), wait.owner) == owners.end()) {
        owners.push_back(wait.owner);
      }
    }
    bool acted = false;
    for (const auto &owner : owners) {
      acted = Poll(lock, self, owner) || acted;
      if (stopping_)
        return;
    }
    pollPeriod_ = acted ? kPollMin : std::min(pollPeriod_ * 2, kPollMax);
  }
}

bool Dispatcher::Poll(Lock &lock, Worker &self, const std::shared_ptr<BindingState> &owner) {
  if (owner->closed)
    return false;
  // A snapshot of the clones and tickets: round trips that never block.
  self.inLibrary = true;
  self.library = owner->library;
  owner->library->Enter(0);
  lock.unlock();
  Outcome domains;
  Outcome tickets;
  std::vector<std::uint64_t> stamps;
  try {
    domains = CallListCloneDomains();
    if (domains.failed()) {
      tickets = domains;
    } else {
      tickets = CallListTickets();
    }
    stamps = owner->library->TakeCallStamps();
  } catch (...) {
    domains = Outcome::Failure("gc_list_clone_domains", ENOMEM);
  }
  lock.lock();
  for (std::uint64_t stamp : stamps)
    Skip(owner, stamp);
  owner->library->Leave();
  self.inLibrary = false;
  self.library.reset();
  if (stopping_ || owner->closed)
    return false;

  if (domains.failed() || tickets.failed()) {
    int error = domains.failed() ? domains.error : tickets.error;
    if (++owner->pollFailures < kPollFailuresBeforeGivingUp)
      return false;
    owner->pollFailures = 0;
    for (auto entry = waits_.begin(); entry != waits_.end();) {
      if (entry->second.owner == owner && entry->second.phase == Phase::Queued) {
        Deliver(owner, entry->first, Outcome::Failure(WaitSyscall(entry->second.kind), error));
        entry = waits_.erase(entry);
      } else {
        ++entry;
      }
    }
    return true;
  }
  owner->pollFailures = 0;

  std::set<int> independent = owner->independentTickets;
  for (const gc_ticket_info_t &ticket : tickets.tickets) {
    if (ticket.independent)
      independent.insert(ticket.ticket);
  }
  // What the blocking calls already in the library will reap: a wait made now must not race them
  // for the same clone, or it could block.
  bool anyInLibrary = false;
  std::set<int> domainsInLibrary;
  std::set<int> ticketsInLibrary;
  for (const auto &entry : waits_) {
    const PendingWait &wait = entry.second;
    if (wait.owner != owner || wait.phase != Phase::InLibrary)
      continue;
    if (wait.kind == WaitKind::Any)
      anyInLibrary = true;
    if (wait.kind == WaitKind::Domain)
      domainsInLibrary.insert(wait.target);
    if (wait.kind == WaitKind::Sync)
      ticketsInLibrary.insert(wait.target);
  }
  int waitable = 0;
  int reapable = 0;
  for (const gc_domain_info_t &domain : domains.domains) {
    if (independent.count(domain.ticket) != 0)
      continue;
    ++waitable;
    if (IsTerminal(domain.status) && domainsInLibrary.count(domain.vmid) == 0 &&
        ticketsInLibrary.count(domain.ticket) == 0) {
      ++reapable;
    }
  }

  // The queued waits the library would now answer at once, oldest first.
  std::vector<std::uint64_t> ready;
  for (const auto &entry : waits_) {
    const PendingWait &wait = entry.second;
    if (wait.owner != owner || wait.phase != Phase::Queued)
      continue;
    switch (wait.kind) {
    case WaitKind::Domain: {
      auto domain = std::find_if(domains.domains.begin(), domains.domains.end(),
                                 [&](const gc_domain_info_t &info) { return info.vmid == wait.target; });
      // Not an unreaped clone, terminated, or independent: the call returns at once.
      if (domain == domains.domains.end() || IsTerminal(domain->status) ||
          independent.count(domain->ticket) != 0) {
        ready.push_back(entry.first);
      }
      break;
    }
    case WaitKind::Sync: {
      if (owner->clonesInFlight > 0)
        break;
      bool live =
          std::any_of(domains.domains.begin(), domains.domains.end(), [&](const gc_domain_info_t &info) {
            return info.ticket == wait.target && !IsTerminal(info.status);
          });
      if (!live || independent.count(wait.target) != 0)
        ready.push_back(entry.first);
      break;
    }
    case WaitKind::Any:
      if (anyInLibrary)
        break;
      if (reapable > 0) {
        --reapable;
        ready.push_back(entry.first);
      } else if (waitable == 0 && owner->clonesInFlight == 0) {
        ready.push_back(entry.first); // ECHILD at once
      }
      break;
    }
  }
  for (std::uint64_t op : ready) {
    auto found = waits_.find(op);
    if (found == waits_.end() || found->second.phase != Phase::Queued)
      continue;
    RunWait(lock, self, op);
    if (stopping_)
      break;
  }
  return !ready.empty();
}

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
  if (owner->closed)
    return;
  try {
    channel_->Post(std::unique_ptr<Completion>(new Completion{owner, op, std::move(outcome)}));
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
