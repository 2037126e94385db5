// What the binding's threads share about one backend: the library instance its calls reach and
// the bookkeeping of its waits. Every field after `library` is guarded by the Dispatcher's mutex.
#ifndef SYSBIND_GRIDCENTRIC_BINDING_STATE_H
#define SYSBIND_GRIDCENTRIC_BINDING_STATE_H

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "completion_channel.h"
#include "gc_api.h"
#include "library.h"

namespace sysbind {

struct JsSide;

// What the library keeps per VM, as far as the binding must mirror it: shared by every backend
// bound to the same VM (in the system flavor every backend of the process, since the process runs
// in one guest; in the sim flavor every backend bound to one GcGuestApi object), so that two
// backends of one VM see one set of unclaimed exits, independent tickets and clones in flight
// instead of stealing from each other. Guarded by the Dispatcher's mutex.
struct VmState {
  // Exits a blocking call reaped after its wait was abandoned and that no pending wait could take:
  // later waits claim them first, in the order they were reaped (termination order).
  std::deque<gc_domain_exit_t> unclaimedExits;
  // Tickets made independent (a cancelled ticket no longer lists its flag).
  std::set<int> independentTickets;
  // Tickets joined, with the last call id issued when the join returned: a join of the same
  // ticket made before that was made while the ticket was held, and succeeds as the library
  // answers a join whose ticket another join took (not ENOENT, whatever order the binding's
  // threads reach the library in).
  std::map<int, std::uint64_t> joinedTickets;
  // gc_clone calls queued or running: a ticket can gain a clone until they end.
  int clonesInFlight = 0;
  // The router is deciding from a snapshot of this VM's clones: a gc_clone must not start before
  // it is done, or a call the router expects to return at once could block.
  bool routing = false;
  // Consecutive failed snapshots (see Dispatcher::Route).
  int pollFailures = 0;
  // Controller calls of this VM running, and whether one of them is a gc_clone: a gc_clone starts
  // only when no other call of the VM runs, and none starts while it runs (see Dispatcher).
  int callsRunning = 0;
  bool cloning = false;
};

struct BindingState {
  BindingState(std::shared_ptr<Library> instance, std::shared_ptr<VmState> state)
      : library(std::move(instance)), vm(std::move(state)) {}

  const std::shared_ptr<Library> library;
  const std::shared_ptr<VmState> vm;
  // The channel of the environment the backend lives in: its outcomes go there.
  std::shared_ptr<CompletionChannel> channel;
  // The JS-thread half (callbacks); only ever locked on the JS thread.
  std::weak_ptr<JsSide> js;

  bool closed = false;
  // A controller call of this backend is running: its calls run one at a time, in order.
  bool callRunning = false;
  // How many of its waits may hold a waiter thread at once (the rest are served by the router),
  // and how many do.
  std::size_t maxWaitsInLibrary = SIZE_MAX;
  std::size_t waitsInLibrary = 0;
};

} // namespace sysbind

#endif
