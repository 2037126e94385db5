/*
 * Sim flavor only: a RECONSTRUCTION of gc-guest.h, the Gridcentric guest library's header, which
 * was never published. The function names and the sync/async split come from the 2011
 * nodejs-bindings README; every signature, struct layout and numeric value below is a documented
 * design choice (docs/guides/gridcentric-simulation.md), not historical fact. The system flavor
 * compiles against the real header instead, through native/binding/gc_api.h.
 *
 * Convention: functions return -1 and set errno on failure.
 */
#ifndef SYSBIND_SIM_GC_GUEST_H
#define SYSBIND_SIM_GC_GUEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Domain status, as gc_get_domain_status returns it. */
#define GC_DOMAIN_UNKNOWN 0
#define GC_DOMAIN_CREATING 1
#define GC_DOMAIN_ONLINE 2
#define GC_DOMAIN_PAUSED 3
#define GC_DOMAIN_EXITED 4
#define GC_DOMAIN_CRASHED 5
#define GC_DOMAIN_KILLED 6

/* How a clone domain ended, in gc_domain_exit_t. */
#define GC_EXIT_EXITED 0
#define GC_EXIT_CRASHED 1
#define GC_EXIT_KILLED 2

/* Room for a dotted-quad IPv4 address and its terminating NUL. */
#define GC_IP_MAX 16

typedef struct gc_domain_info {
  int vmid;
  int ticket;
  int status;
  char ip[GC_IP_MAX];
} gc_domain_info_t;

typedef struct gc_ticket_info {
  int ticket;
  int requested;
  int granted;
  int used;
  int domains;
  int independent;
} gc_ticket_info_t;

typedef struct gc_domain_exit {
  int vmid;
  int reason;
  int code;
} gc_domain_exit_t;

/* Local and quick. */
extern const char *gc_version(void);
extern int gc_check(void);
extern int gc_my_ip(char *buf, size_t len);

/* Round trips to the controller. Lists fill at most max entries and return the total count. */
extern int gc_request_tickets(int count);
extern int gc_cancel_ticket(int ticket);
extern int gc_make_ticket_independent(int ticket);
extern int gc_list_tickets(gc_ticket_info_t *tickets, int max);
extern int gc_clone(int ticket);
extern int gc_list_clone_domains(gc_domain_info_t *domains, int max);
extern int gc_list_ticket_domains(int ticket, gc_domain_info_t *domains, int max);
extern int gc_get_domain_status(int vmid);
extern int gc_kill_clone_domain(int vmid);
extern int gc_killall_clone_domains(void);
extern int gc_killall_ticket_domains(int ticket);

/* Block until clone domains terminate. */
extern int gc_wait_domain(int vmid, gc_domain_exit_t *exit_info);
extern int gc_wait_any(gc_domain_exit_t *exit_info);
extern int gc_sync_ticket(int ticket);

#ifdef __cplusplus
}
#endif

#endif
