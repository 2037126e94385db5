/**
 * The contract every Gridcentric backend implements: the native addon (over the real
 * libgridcentric, or over the simulator through its C shim) and the simulator's own backend. The
 * facade `@sysbind/gridcentric` and its compat layer sit on top of it.
 *
 * @module
 */
import type { GcDomainExit, GcDomainInfo, GcTicketInfo } from './api.ts';

/**
 * One method per guest-library function, bound to the VM the backend runs in (the caller).
 *
 * Behavioural contract (the conformance suite `describeGridcentricBackend` in
 * `@sysbind/testing-fakes/conformance` checks every rule):
 *
 * - **Shapes.** Records are the C structs with raw integer codes ({@link GcDomainInfo},
 *   {@link GcTicketInfo}, {@link GcDomainExit}); decoding to names is the caller's business (see
 *   `decodeDomainInfo` and friends), so that the code tables live in one place.
 * - **Errors.** A C failure (-1 and errno) throws or rejects with a `GridcentricError` whose `code`
 *   is the errno name, `errno` the negative errno, `syscall` the C function name (`'gc_clone'`), and
 *   `vmid`/`ticket` the argument concerned. Arguments are safe integers already validated by the
 *   caller; an implementation receiving anything else rejects with a `TypeError`, never crashes.
 * - **Timing.** `version`, `check` and `myIp` are synchronous. The others return promises that
 *   settle after the controller answered.
 * - **Blocking waits.** `waitDomain`, `waitAny` and `syncTicket` may stay pending indefinitely and
 *   must not occupy a thread per pending call. With an already-aborted `signal` they reject with an
 *   `AbortError` (`code: 'ABORT_ERR'`, `cause: signal.reason`) without reaching the library; on a
 *   later abort they reject at once and leave nothing behind: no reaped exit is lost, a later wait
 *   can still reap it.
 * - **Semantics** (as the guide "The Gridcentric simulator" models them): tickets grant 1..n
 *   clone slots; `clone` consumes one; waits reap in termination order; `syncTicket` joins and
 *   discards the ticket; clones of independent tickets are not waitable and are spared by
 *   `killallCloneDomains`; `cancelTicket` returns unused capacity and keeps existing clones.
 */
export interface GridcentricBackend {
  /** `gc_version`: the guest library's version string. */
  version(): string;
  /** `gc_check`: returns if the guest interface is usable, else throws (ENODEV, EIO). */
  check(): void;
  /** `gc_my_ip`: this VM's address as a dotted quad (a clone gets its own). */
  myIp(): string;
  /** `gc_request_tickets`: a new ticket id whose capacity is between 1 and `count`. */
  requestTickets(count: number): Promise<number>;
  /** `gc_cancel_ticket`: returns the ticket's unused capacity and invalidates it for `clone`. */
  cancelTicket(ticket: number): Promise<void>;
  /** `gc_make_ticket_independent`: detaches the ticket's clones from the caller's lifecycle. */
  makeTicketIndependent(ticket: number): Promise<void>;
  /** `gc_list_tickets`: the tickets the caller holds (not cancelled, not discarded). */
  listTickets(): Promise<readonly GcTicketInfo[]>;
  /** `gc_clone`: the new clone's vmid in the parent; 0 where the clone's copy of the call returns. */
  clone(ticket: number): Promise<number>;
  /** `gc_list_clone_domains`: every unreaped clone of the caller, by vmid. */
  listCloneDomains(): Promise<readonly GcDomainInfo[]>;
  /** `gc_list_ticket_domains`: the unreaped clones created under `ticket`. */
  listTicketDomains(ticket: number): Promise<readonly GcDomainInfo[]>;
  /** `gc_get_domain_status`: the status code of a clone of the caller. */
  getDomainStatus(vmid: number): Promise<number>;
  /** `gc_wait_domain`: waits for the clone to terminate and reaps it. */
  waitDomain(vmid: number, signal?: AbortSignal): Promise<GcDomainExit>;
  /** `gc_wait_any`: waits for the first waitable clone to terminate (or takes the oldest unreaped one) and reaps it. */
  waitAny(signal?: AbortSignal): Promise<GcDomainExit>;
  /** `gc_sync_ticket`: waits until every clone of the ticket terminated, then the ticket is discarded. */
  syncTicket(ticket: number, signal?: AbortSignal): Promise<void>;
  /** `gc_kill_clone_domain`: kills one clone of the caller. */
  killCloneDomain(vmid: number): Promise<void>;
  /** `gc_killall_clone_domains`: kills every live clone of the caller's dependent tickets; resolves to the count. */
  killallCloneDomains(): Promise<number>;
  /** `gc_killall_ticket_domains`: kills every live clone of the ticket (even an independent one); resolves to the count. */
  killallTicketDomains(ticket: number): Promise<number>;
}
