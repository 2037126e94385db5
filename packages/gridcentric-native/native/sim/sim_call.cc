#include "sim_call.h"

namespace sysbind {
namespace sim {

const char *FunctionName(SimFunction function) {
  switch (function) {
  case SimFunction::Version:
    return "gc_version";
  case SimFunction::Check:
    return "gc_check";
  case SimFunction::MyIp:
    return "gc_my_ip";
  case SimFunction::RequestTickets:
    return "gc_request_tickets";
  case SimFunction::CancelTicket:
    return "gc_cancel_ticket";
  case SimFunction::MakeTicketIndependent:
    return "gc_make_ticket_independent";
  case SimFunction::ListTickets:
    return "gc_list_tickets";
  case SimFunction::Clone:
    return "gc_clone";
  case SimFunction::ListCloneDomains:
    return "gc_list_clone_domains";
  case SimFunction::ListTicketDomains:
    return "gc_list_ticket_domains";
  case SimFunction::GetDomainStatus:
    return "gc_get_domain_status";
  case SimFunction::WaitDomain:
    return "gc_wait_domain";
  case SimFunction::WaitAny:
    return "gc_wait_any";
  case SimFunction::SyncTicket:
    return "gc_sync_ticket";
  case SimFunction::KillCloneDomain:
    return "gc_kill_clone_domain";
  case SimFunction::KillallCloneDomains:
    return "gc_killall_clone_domains";
  case SimFunction::KillallTicketDomains:
    return "gc_killall_ticket_domains";
  }
  return "";
}

bool TakesArgument(SimFunction function) {
  switch (function) {
  case SimFunction::RequestTickets:
  case SimFunction::CancelTicket:
  case SimFunction::MakeTicketIndependent:
  case SimFunction::Clone:
  case SimFunction::ListTicketDomains:
  case SimFunction::GetDomainStatus:
  case SimFunction::WaitDomain:
  case SimFunction::SyncTicket:
  case SimFunction::KillCloneDomain:
  case SimFunction::KillallTicketDomains:
    return true;
  default:
    return false;
  }
}

bool IsQuick(SimFunction function) {
  return function == SimFunction::Version || function == SimFunction::Check || function == SimFunction::MyIp;
}

bool IsBlockingWait(SimFunction function) {
  return function == SimFunction::WaitDomain || function == SimFunction::WaitAny ||
         function == SimFunction::SyncTicket;
}

} // namespace sim
} // namespace sysbind
