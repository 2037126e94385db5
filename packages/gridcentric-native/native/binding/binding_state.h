// What the binding's threads share about one backend: the library instance its calls reach and
// the bookkeeping of its waits. Every field after `library` is guarded by the Dispatcher's mutex.
#ifndef SYSBIND_GRIDCENTRIC_BINDING_STATE_H
#define SYSBIND_GRIDCENTRIC_BINDING_STATE_H

#include <deque>
#include <memory>
#include <set>

#include "gc_api.h"
#include "library.h"

namespace sysbind {

struct JsSide;

struct BindingState {
  explicit BindingState(std::shared_ptr<Library> instance) : library(std::move(instance)) {}

  const std::shared_ptr<Library> library;
  // The JS-thread half (callbacks); only ever locked on the JS thread.
  std::weak_ptr<JsSide> js;

  bool closed = false;
  // Exits a blocking call reaped after its wait was abandoned and that no pending wait could take:
  // later waits claim them first, in the order they were reaped (termination order).
  std::deque<gc_domain_exit_t> unclaimedExits;
  // Tickets this binding made independent (a cancelled ticket no longer lists its flag).
  std::set<int> independentTickets;
  // gc_clone calls queued or running: a ticket can gain a clone until they end.
  int clonesInFlight = 0;
  // Consecutive failed polls (see Dispatcher::Poll).
  int pollFailures = 0;
};

} // namespace sysbind

#endif
