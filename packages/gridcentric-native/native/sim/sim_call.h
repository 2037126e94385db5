// One call of the C API on its way from a C thread to the bound GcGuestApi and back: the
// arguments going in, the return value, errno and outputs coming out.
#ifndef SYSBIND_GRIDCENTRIC_SIM_CALL_H
#define SYSBIND_GRIDCENTRIC_SIM_CALL_H

#include <cstdint>
#include <string>
#include <vector>

#include <gc-guest.h>

namespace sysbind {
namespace sim {

enum class SimFunction {
  Version,
  Check,
  MyIp,
  RequestTickets,
  CancelTicket,
  MakeTicketIndependent,
  ListTickets,
  Clone,
  ListCloneDomains,
  ListTicketDomains,
  GetDomainStatus,
  WaitDomain,
  WaitAny,
  SyncTicket,
  KillCloneDomain,
  KillallCloneDomains,
  KillallTicketDomains,
};

// The GcGuestApi member that answers `function` (the C name).
const char *FunctionName(SimFunction function);
// True for the calls that take one int argument (count, ticket or vmid).
bool TakesArgument(SimFunction function);
// True for gc_version, gc_check and gc_my_ip, which complete before they return.
bool IsQuick(SimFunction function);
// True for the three calls that may stay pending and hand back a cancel function.
bool IsBlockingWait(SimFunction function);

struct SimCall {
  SimCall(SimFunction which, int argument, std::uint64_t callTag)
      : function(which), arg(argument), tag(callTag) {}

  const SimFunction function;
  const int arg;
  // The binding's tag of the call (0: never interrupted).
  const std::uint64_t tag;
  // Everything below is guarded by the SimLibrary's mutex.
  // Made from an addon thread: its completion gets a place in the instance's order (stamp).
  bool ordered = false;
  std::uint64_t stamp = 0;
  bool dispatched = false;
  bool done = false;
  // Ended by Library::Interrupt (withdrawn from the simulator, or never reached it).
  bool interrupted = false;
  int ret = -1;
  int error = 0;
  std::string text;
  gc_domain_exit_t exit{};
  std::vector<gc_domain_info_t> domains;
  std::vector<gc_ticket_info_t> tickets;
};

} // namespace sim
} // namespace sysbind

#endif
