// The 17 functions of libgridcentric, each called exactly as gc-guest.h declares it and turned
// into an Outcome (return value, errno, outputs). Every other file reaches the library through here.
#ifndef SYSBIND_GRIDCENTRIC_LIBRARY_CALLS_H
#define SYSBIND_GRIDCENTRIC_LIBRARY_CALLS_H

#include "outcome.h"

namespace sysbind {

Outcome CallVersion();
Outcome CallCheck();
Outcome CallMyIp();
Outcome CallRequestTickets(int count);
Outcome CallCancelTicket(int ticket);
Outcome CallMakeTicketIndependent(int ticket);
Outcome CallListTickets();
Outcome CallClone(int ticket);
Outcome CallListCloneDomains();
Outcome CallListTicketDomains(int ticket);
Outcome CallGetDomainStatus(int vmid);
Outcome CallKillCloneDomain(int vmid);
Outcome CallKillallCloneDomains();
Outcome CallKillallTicketDomains(int ticket);
// The three that may block indefinitely.
Outcome CallWaitDomain(int vmid);
Outcome CallWaitAny();
Outcome CallSyncTicket(int ticket);

} // namespace sysbind

#endif
