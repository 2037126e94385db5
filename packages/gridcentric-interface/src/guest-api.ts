/**
 * The guest library at the level of its C API, as a callback table: what the testing-fakes
 * simulator implements per VM, what the simulator's backend is built on, and what the native
 * addon's C shim forwards each real C call to when it runs over the simulator.
 *
 * Every function starts the call and later invokes its completion exactly once with the C return
 * value, the errno (0 on success) and the output parameter (a struct, an array of structs or a
 * string). Nothing depends on promise identity, so the caller may be a C thread that waits on a
 * condition variable until the completion runs on the JavaScript thread.
 *
 * @module
 */
import type { GcDomainExit, GcDomainInfo, GcTicketInfo } from './api.ts';

/**
 * A completion: `ret` is what the C function returns (-1 on failure), `errno` is 0 on success and
 * the positive errno otherwise, `out` is the output parameter, present exactly when `ret` is not -1
 * and the function has one.
 */
export type GcCompletion<Out = undefined> = (ret: number, errno: number, out?: Out) => void;

/**
 * Withdraws a pending blocking wait: its completion will never be called, and nothing of the wait
 * (no registration, no reaped domain) is left behind. Calling it after the completion ran, or twice,
 * does nothing.
 */
export type GcCancel = () => void;

/**
 * The 17 guest-library functions, bound to one VM (the caller). Argument order follows the C
 * prototypes; the list functions hand back every record (`ret` is the count), a C shim copies as
 * many as the caller's buffer holds.
 *
 * Timing contract:
 * - `gc_version`, `gc_check` and `gc_my_ip` complete before they return.
 * - Every other function completes later (never before it returns), possibly after a simulated
 *   controller latency.
 * - `gc_wait_domain`, `gc_wait_any` and `gc_sync_ticket` may stay pending indefinitely and return a
 *   {@link GcCancel}.
 */
export interface GcGuestApi {
  /** `const char *gc_version(void)`: ret 0, out the version string; never fails. */
  gc_version(done: GcCompletion<string>): void;
  /** `int gc_check(void)`: 0, or -1 with ENODEV (not a Gridcentric guest) or EIO (controller unreachable). */
  gc_check(done: GcCompletion): void;
  /** `int gc_my_ip(char *buf, size_t len)`: ret 0 and out this VM's dotted-quad address, or -1. */
  gc_my_ip(done: GcCompletion<string>): void;
  /** `int gc_request_tickets(int count)`: a new ticket id (>= 1) of capacity 1..count, or -1 (EINVAL, EAGAIN). */
  gc_request_tickets(count: number, done: GcCompletion): void;
  /** `int gc_cancel_ticket(int ticket)`: returns the unused capacity; 0, or -1 (ENOENT, EPERM). */
  gc_cancel_ticket(ticket: number, done: GcCompletion): void;
  /** `int gc_make_ticket_independent(int ticket)`: 0, or -1 (ENOENT, EPERM). */
  gc_make_ticket_independent(ticket: number, done: GcCompletion): void;
  /** `int gc_list_tickets(gc_ticket_info_t *out, int max)`: the count of tickets this VM holds. */
  gc_list_tickets(done: GcCompletion<readonly GcTicketInfo[]>): void;
  /**
   * `int gc_clone(int ticket)`: in the caller (the parent), the new clone's vmid (> 0); -1 (ENOENT,
   * EPERM, ENOSPC). The clone's own copy of the call returns 0; a simulator shows that half through
   * its clone-side hook.
   */
  gc_clone(ticket: number, done: GcCompletion): void;
  /** `int gc_list_clone_domains(gc_domain_info_t *out, int max)`: the count of unreaped clones of this VM. */
  gc_list_clone_domains(done: GcCompletion<readonly GcDomainInfo[]>): void;
  /** `int gc_list_ticket_domains(int ticket, gc_domain_info_t *out, int max)`: the count, or -1 (ENOENT). */
  gc_list_ticket_domains(ticket: number, done: GcCompletion<readonly GcDomainInfo[]>): void;
  /** `int gc_get_domain_status(int vmid)`: a status code (>= 0), or -1 (ENOENT). */
  gc_get_domain_status(vmid: number, done: GcCompletion): void;
  /** `int gc_wait_domain(int vmid, gc_domain_exit_t *out)`: 0 and the exit once it terminated (reaping it), or -1 (ECHILD). */
  gc_wait_domain(vmid: number, done: GcCompletion<GcDomainExit>): GcCancel;
  /** `int gc_wait_any(gc_domain_exit_t *out)`: the vmid of the first terminated waitable clone (reaped), or -1 (ECHILD). */
  gc_wait_any(done: GcCompletion<GcDomainExit>): GcCancel;
  /** `int gc_sync_ticket(int ticket)`: 0 once every clone of the ticket terminated (the ticket is then discarded), or -1. */
  gc_sync_ticket(ticket: number, done: GcCompletion): GcCancel;
  /** `int gc_kill_clone_domain(int vmid)`: 0, or -1 (ENOENT, EPERM, ESRCH). */
  gc_kill_clone_domain(vmid: number, done: GcCompletion): void;
  /** `int gc_killall_clone_domains(void)`: how many dependent clones were killed, or -1. */
  gc_killall_clone_domains(done: GcCompletion): void;
  /** `int gc_killall_ticket_domains(int ticket)`: how many clones of the ticket were killed, or -1 (ENOENT). */
  gc_killall_ticket_domains(ticket: number, done: GcCompletion): void;
}

/** What createSimulatedNativeBackend needs of a simulator (GridcentricSimulator has this shape). */
export interface SimulatorForNativeBackend {
  /** The VM a backend acts as unless told otherwise. */
  readonly masterVmid: number;
  /** The guest library as the VM `vmid` calls it (one object per VM). */
  library(vmid?: number): GcGuestApi;
}
