// The one place where the binding meets libgridcentric's declarations. The system flavor finds
// the real <gc-guest.h> on its include path, the sim flavor finds the in-repo reconstruction.
//
// What the binding relies on, all of it used in library_calls.cc only (constants.cc and
// dispatcher.cc read the status and exit-reason codes, records.h the struct fields):
// - the 17 functions, called exactly as the reconstruction declares them, each returning -1 and
//   setting errno on failure: gc_version, gc_check, gc_my_ip(char *, size_t),
//   gc_request_tickets, gc_cancel_ticket, gc_make_ticket_independent, gc_list_tickets,
//   gc_clone, gc_list_clone_domains, gc_list_ticket_domains, gc_get_domain_status,
//   gc_kill_clone_domain, gc_killall_clone_domains, gc_killall_ticket_domains,
//   gc_wait_domain, gc_wait_any, gc_sync_ticket; lists fill at most `max` entries and return the
//   total count;
// - the structs gc_domain_info_t {vmid, ticket, status, ip[]}, gc_ticket_info_t {ticket,
//   requested, granted, used, domains, independent} and gc_domain_exit_t {vmid, reason, code},
//   every field but ip an int (records.h names them by pointer to member);
// - the codes GC_DOMAIN_{UNKNOWN,CREATING,ONLINE,PAUSED,EXITED,CRASHED,KILLED} and
//   GC_EXIT_{EXITED,CRASHED,KILLED}.
//
// Should the real header differ (names, argument order, an ip as in_addr, a malloc'd list),
// adapt it here, with inline wrappers or macros over the real declarations, and in
// library_calls.cc, which turns each call into an Outcome; nothing else includes the header.
#ifndef SYSBIND_GC_API_H
#define SYSBIND_GC_API_H

#include <gc-guest.h>

#endif
