import {
  GC_DOMAIN_STATUS,
  GC_EXIT_REASON,
  type GcCompletion,
  type GcDomainExit,
  type GcDomainInfo,
  type GcTicketInfo,
} from '@sysbind/gridcentric-interface';
import { GC_ERRNO, errnoNumber, type GcErrnoName } from './policy.ts';
import type { SchedulingClock } from '../shared/clock.ts';
import { SlotPool } from './controller.ts';
import {
  domainInfo,
  isIndependent,
  isLive,
  ticketInfo,
  type DomainRecord,
  type ReapCause,
  type TicketRecord,
} from './model.ts';

/** What one C call produced: its return value, errno (0 on success) and output parameter. */
export type CallResult<Out = undefined> =
  | { readonly ret: number; readonly errno: 0; readonly out: Out }
  | { readonly ret: -1; readonly errno: number; readonly out?: undefined };

/** A pending blocking wait, registered by the C-level API. */
export type Waiter =
  | {
      readonly kind: 'domain';
      readonly caller: DomainRecord;
      readonly vmid: number;
      readonly done: GcCompletion<GcDomainExit>;
    }
  | { readonly kind: 'any'; readonly caller: DomainRecord; readonly done: GcCompletion<GcDomainExit> }
  | { readonly kind: 'sync'; readonly caller: DomainRecord; readonly ticket: number; readonly done: GcCompletion };

/** How a terminated domain ended, as the world controls and kill calls say it. */
export type Termination = 'EXITED' | 'CRASHED' | 'KILLED';

/** Settings of the engine that shape the world. */
export interface EngineSettings {
  /** Slots of the pool at start. */
  readonly capacity: number;
  /** The master VM's vmid. */
  readonly masterVmid: number;
  /** Simulated ms from CREATING to ONLINE. */
  readonly bootDelay: number;
  /** The address rule. */
  readonly ipForVmid: (vmid: number) => string;
  /** Called when a clone turns ONLINE (its guest code starts running). */
  readonly onOnline: (domain: DomainRecord) => void;
  /** Called when a domain terminated, after its own clones did (its process, if any, ends with it). */
  readonly onTerminate?: (domain: DomainRecord) => void;
}

const ok = <Out>(ret: number, out: Out): CallResult<Out> => ({ ret, errno: 0, out });
const fail = (name: GcErrnoName): CallResult<never> => ({ ret: -1, errno: errnoNumber(name) });

/**
 * The simulated world at the level of the C API: the controller's slot pool, every VM and ticket,
 * and the pending waits. Each operation is a synchronous state transition answering with the C
 * return value and errno; the C-level API (guest-api.ts) adds latency, faults and detaching.
 */
export class GridcentricEngine {
  /** The clock every delay runs on. */
  readonly clock: SchedulingClock;
  /** The controller's pool of clone slots. */
  readonly slots: SlotPool;
  /** The master VM. */
  readonly master: DomainRecord;
  readonly #settings: EngineSettings;
  readonly #domains = new Map<number, DomainRecord>();
  readonly #tickets = new Map<number, TicketRecord>();
  /** Pending waits per caller, in registration order. */
  readonly #waiters = new Map<DomainRecord, Waiter[]>();
  /** Callers whose waits must be looked at again: only they can have new answers. */
  readonly #dirty = new Set<DomainRecord>();
  #nextVmid: number;
  #nextTicket = 1;
  #terminations = 0;
  #dispatchQueued = false;

  constructor(clock: SchedulingClock, settings: EngineSettings) {
    this.clock = clock;
    this.#settings = settings;
    this.slots = new SlotPool(settings.capacity);
    this.master = this.#newDomain(settings.masterVmid, undefined, undefined, 'ONLINE');
    this.#nextVmid = settings.masterVmid + 1;
  }

  /** The domain with `vmid`, reaped or not; undefined if it never existed. */
  domain(vmid: number): DomainRecord | undefined {
    return this.#domains.get(vmid);
  }

  /** Every domain ever created, by vmid. */
  domains(): readonly DomainRecord[] {
    return [...this.#domains.values()];
  }

  /** Every ticket ever issued, by id. */
  tickets(): readonly TicketRecord[] {
    return [...this.#tickets.values()];
  }

  /** The pending waits, grouped by caller, each group in registration order. */
  waiters(): readonly Waiter[] {
    return [...this.#waiters.values()].flat();
  }

  /** Why a call from `caller` cannot be served at all (the VM is gone or cut off); undefined if it can. */
  callerProblem(caller: DomainRecord): number | undefined {
    if (!isLive(caller)) return errnoNumber(GC_ERRNO.callerGone);
    if (caller.detached !== undefined) return errnoNumber(caller.detached);
    return undefined;
  }

  // ---- tickets ----

  /** gc_request_tickets: a ticket of capacity min(count, free), or EINVAL / EAGAIN. */
  requestTickets(caller: DomainRecord, count: number): CallResult {
    if (!Number.isInteger(count) || count <= 0) return fail(GC_ERRNO.invalidArgument);
    const granted = this.slots.grant(count);
    if (granted === 0) return fail(GC_ERRNO.noFreeSlots);
    const ticket: TicketRecord = {
      id: this.#nextTicket++,
      owner: caller,
      requested: count,
      granted,
      used: 0,
      independent: false,
      state: 'held',
      domains: [],
    };
    this.#tickets.set(ticket.id, ticket);
    caller.tickets.push(ticket);
    return ok(ticket.id, undefined);
  }

  /** gc_cancel_ticket: returns the unused capacity; the clones stay. */
  cancelTicket(caller: DomainRecord, id: number): CallResult {
    const ticket = this.#ownTicket(caller, id);
    if (ticket === undefined) return fail(GC_ERRNO.unknownTicket);
    if (ticket.state === 'cancelled') return fail(GC_ERRNO.ticketCancelled);
    this.slots.release(ticket.granted - ticket.used);
    ticket.state = 'cancelled';
    return ok(0, undefined);
  }

  /** gc_make_ticket_independent: detaches the ticket's clones from the caller. */
  makeTicketIndependent(caller: DomainRecord, id: number): CallResult {
    const ticket = this.#ownTicket(caller, id);
    if (ticket === undefined) return fail(GC_ERRNO.unknownTicket);
    if (ticket.state === 'cancelled') return fail(GC_ERRNO.ticketCancelled);
    ticket.independent = true;
    // Waits on its clones can no longer be satisfied: let them fail with ECHILD.
    this.#touch(caller);
    return ok(0, undefined);
  }

  /** gc_list_tickets: the caller's held tickets. */
  listTickets(caller: DomainRecord): CallResult<readonly GcTicketInfo[]> {
    const held = caller.tickets.filter((ticket) => ticket.state === 'held').map(ticketInfo);
    return ok(held.length, held);
  }

  // ---- clones ----

  /** gc_clone: a CREATING clone that boots after the boot delay; its vmid. */
  clone(caller: DomainRecord, id: number): CallResult {
    const ticket = this.#ownTicket(caller, id);
    if (ticket === undefined) return fail(GC_ERRNO.unknownTicket);
    if (ticket.state === 'cancelled') return fail(GC_ERRNO.ticketCancelled);
    if (ticket.used >= ticket.granted) return fail(GC_ERRNO.ticketExhausted);
    // The slot moves from the ticket's unused capacity to the clone: the pool is unchanged.
    ticket.used += 1;
    const clone = this.#newDomain(this.#nextVmid++, caller, ticket, 'CREATING');
    caller.children.push(clone);
    ticket.domains.push(clone);
    this.clock.schedule(this.#settings.bootDelay, () => {
      this.#boot(clone);
    });
    return ok(clone.vmid, undefined);
  }

  /** gc_list_clone_domains: the caller's unreaped clones. */
  listCloneDomains(caller: DomainRecord): CallResult<readonly GcDomainInfo[]> {
    const listed = caller.children.filter((domain) => domain.reapedBy === undefined).map(domainInfo);
    return ok(listed.length, listed);
  }

  /** gc_list_ticket_domains: the unreaped clones of one of the caller's tickets. */
  listTicketDomains(caller: DomainRecord, id: number): CallResult<readonly GcDomainInfo[]> {
    const ticket = this.#ownTicket(caller, id);
    if (ticket === undefined) return fail(GC_ERRNO.unknownTicket);
    const listed = ticket.domains.filter((domain) => domain.reapedBy === undefined).map(domainInfo);
    return ok(listed.length, listed);
  }

  /** gc_get_domain_status: the status code of an unreaped clone of the caller. */
  getDomainStatus(caller: DomainRecord, vmid: number): CallResult {
    const domain = this.#ownClone(caller, vmid);
    if (domain === undefined) return fail(GC_ERRNO.unknownDomain);
    return ok(GC_DOMAIN_STATUS[domain.status], undefined);
  }

  // ---- kills ----

  /** gc_kill_clone_domain: kills one live clone of the caller. */
  killCloneDomain(caller: DomainRecord, vmid: number): CallResult {
    const domain = this.#domains.get(vmid);
    if (domain === undefined || domain.reapedBy !== undefined) return fail(GC_ERRNO.unknownDomain);
    if (domain.parent !== caller) return fail(GC_ERRNO.notYourDomain);
    if (!isLive(domain)) return fail(GC_ERRNO.alreadyTerminated);
    this.terminate(domain, 'KILLED', 0);
    return ok(0, undefined);
  }

  /** gc_killall_clone_domains: kills the caller's live dependent clones; the count. */
  killallCloneDomains(caller: DomainRecord): CallResult {
    const victims = caller.children.filter((domain) => isLive(domain) && !isIndependent(domain));
    for (const domain of victims) this.terminate(domain, 'KILLED', 0);
    return ok(victims.length, undefined);
  }

  /** gc_killall_ticket_domains: kills the live clones of one ticket; the count. */
  killallTicketDomains(caller: DomainRecord, id: number): CallResult {
    const ticket = this.#ownTicket(caller, id);
    if (ticket === undefined) return fail(GC_ERRNO.unknownTicket);
    const victims = ticket.domains.filter(isLive);
    for (const domain of victims) this.terminate(domain, 'KILLED', 0);
    return ok(victims.length, undefined);
  }

  // ---- waits ----

  /** Registers a wait; it is answered (maybe at once) when the current work is done. */
  addWaiter(waiter: Waiter): void {
    const list = this.#waiters.get(waiter.caller);
    if (list === undefined) this.#waiters.set(waiter.caller, [waiter]);
    else list.push(waiter);
    this.#touch(waiter.caller);
  }

  /** The failure a sync_ticket on `id` meets before it may wait: only a ticket the caller holds can be joined. */
  syncProblem(caller: DomainRecord, id: number): CallResult<never> | undefined {
    return this.#ownTicket(caller, id) === undefined ? fail(GC_ERRNO.unknownTicket) : undefined;
  }

  /** Withdraws a wait that has not been answered; nothing else changes. */
  removeWaiter(waiter: Waiter): void {
    const list = this.#waiters.get(waiter.caller);
    const index = list?.indexOf(waiter) ?? -1;
    if (list === undefined || index === -1) return;
    list.splice(index, 1);
    if (list.length === 0) this.#waiters.delete(waiter.caller);
  }

  // ---- world ----

  /** Ends a live domain; cascades to its dependent clones and discards its tickets. */
  terminate(domain: DomainRecord, how: Termination, code: number): void {
    if (!isLive(domain)) return;
    domain.status = how;
    domain.exit = { vmid: domain.vmid, reason: GC_EXIT_REASON[how], code };
    domain.terminationOrder = ++this.#terminations;
    if (domain.parent !== undefined) this.slots.release(1);
    // The VM's own world ends with it: its reservations go back, its dependent clones die.
    for (const ticket of domain.tickets) this.#discard(ticket);
    for (const child of domain.children) {
      if (isLive(child) && !isIndependent(child)) this.terminate(child, 'KILLED', 0);
    }
    for (const child of domain.children) {
      if (!isLive(child) && !isIndependent(child) && child.reapedBy === undefined) child.reapedBy = 'parent-gone';
    }
    // Its own waits end; its parent may have a wait to answer.
    this.#touch(domain);
    if (domain.parent !== undefined) this.#touch(domain.parent);
    this.#settings.onTerminate?.(domain);
  }

  /** Cuts the VM's guest interface off (every call fails with `errno`), or restores it (undefined). */
  setDetached(domain: DomainRecord, errno: 'ENODEV' | 'EIO' | undefined): void {
    domain.detached = errno;
    this.#touch(domain);
  }

  // ---- internals ----

  #newDomain(
    vmid: number,
    parent: DomainRecord | undefined,
    ticket: TicketRecord | undefined,
    status: 'CREATING' | 'ONLINE',
  ): DomainRecord {
    const domain: DomainRecord = {
      vmid,
      parent,
      ticket,
      ip: this.#settings.ipForVmid(vmid),
      status,
      exit: undefined,
      terminationOrder: undefined,
      reapedBy: undefined,
      children: [],
      tickets: [],
      detached: undefined,
      hookError: undefined,
    };
    this.#domains.set(vmid, domain);
    return domain;
  }

  #boot(domain: DomainRecord): void {
    if (domain.status !== 'CREATING') return;
    domain.status = 'ONLINE';
    this.#settings.onOnline(domain);
  }

  /** The caller's ticket `id` if it holds it (held or cancelled); discarded and foreign tickets are unknown. */
  #ownTicket(caller: DomainRecord, id: number): TicketRecord | undefined {
    const ticket = this.#tickets.get(id);
    return ticket !== undefined && ticket.owner === caller && ticket.state !== 'discarded' ? ticket : undefined;
  }

  /** The caller's unreaped clone `vmid`. */
  #ownClone(caller: DomainRecord, vmid: number): DomainRecord | undefined {
    const domain = this.#domains.get(vmid);
    return domain !== undefined && domain.parent === caller && domain.reapedBy === undefined ? domain : undefined;
  }

  #discard(ticket: TicketRecord): void {
    if (ticket.state === 'held') this.slots.release(ticket.granted - ticket.used);
    ticket.state = 'discarded';
  }

  #reap(domain: DomainRecord, cause: ReapCause): void {
    domain.reapedBy = cause;
  }

  /** A clone the caller may wait for: its own, unreaped, of a dependent ticket. */
  #waitable(caller: DomainRecord, domain: DomainRecord): boolean {
    return domain.parent === caller && domain.reapedBy === undefined && !isIndependent(domain);
  }

  /** Marks the caller's waits for a fresh look when the current work is done. */
  #touch(caller: DomainRecord): void {
    this.#dirty.add(caller);
    if (this.#dispatchQueued) return;
    this.#dispatchQueued = true;
    this.clock.schedule(0, () => {
      this.#dispatch();
    });
  }

  /**
   * Answers every wait that can be answered, caller by caller. Matching a wait and calling its
   * completion happen in the same step, so a withdrawn wait never loses an exit; only callers whose
   * state changed are looked at, so thousands of idle waits cost nothing.
   */
  #dispatch(): void {
    this.#dispatchQueued = false;
    const errors: unknown[] = [];
    for (const caller of this.#dirty) {
      this.#dirty.delete(caller);
      for (const answer of this.#answersFor(caller)) {
        try {
          answer();
        } catch (error) {
          errors.push(error);
        }
      }
    }
    if (errors.length > 0) {
      throw errors.length === 1
        ? errors[0]
        : new AggregateError(errors, 'gridcentric simulator: wait completions threw');
    }
  }

  /**
   * Applies every answer the caller's waits can get now (reaping, discarding) and returns their
   * completions. Most specific first: waits for one vmid, then waits for any clone (oldest
   * termination first), then joins; each kind in registration order.
   */
  #answersFor(caller: DomainRecord): (() => void)[] {
    const pending = this.#waiters.get(caller);
    if (pending === undefined) return [];
    const answers: (() => void)[] = [];
    const answered = new Set<Waiter>();
    const answer = (waiter: Waiter, completion: () => void): void => {
      answered.add(waiter);
      answers.push(completion);
    };
    const problem = this.callerProblem(caller);
    const nothingToWaitFor = errnoNumber(GC_ERRNO.nothingToWaitFor);

    for (const waiter of pending) {
      if (problem !== undefined) {
        answer(waiter, () => {
          waiter.done(-1, problem);
        });
        continue;
      }
      if (waiter.kind !== 'domain') continue;
      const domain = this.#domains.get(waiter.vmid);
      if (domain === undefined || !this.#waitable(caller, domain)) {
        answer(waiter, () => {
          waiter.done(-1, nothingToWaitFor);
        });
      } else if (!isLive(domain) && domain.exit !== undefined) {
        const exit = domain.exit;
        this.#reap(domain, 'wait');
        answer(waiter, () => {
          waiter.done(0, 0, exit);
        });
      }
    }

    if (problem === undefined) {
      const waitable = caller.children.filter((domain) => this.#waitable(caller, domain));
      const zombies = waitable
        .filter((domain) => !isLive(domain))
        .sort((a, b) => (a.terminationOrder ?? 0) - (b.terminationOrder ?? 0));
      const stillRunning = waitable.length - zombies.length;
      for (const waiter of pending) {
        if (waiter.kind !== 'any') continue;
        const zombie = zombies.shift();
        const exit = zombie?.exit;
        if (zombie !== undefined && exit !== undefined) {
          this.#reap(zombie, 'wait');
          answer(waiter, () => {
            waiter.done(exit.vmid, 0, exit);
          });
        } else if (stillRunning === 0) {
          answer(waiter, () => {
            waiter.done(-1, nothingToWaitFor);
          });
        }
      }

      for (const waiter of pending) {
        if (waiter.kind !== 'sync') continue;
        const ticket = this.#tickets.get(waiter.ticket);
        if (ticket?.owner !== caller) {
          answer(waiter, () => {
            waiter.done(-1, errnoNumber(GC_ERRNO.unknownTicket));
          });
        } else if (ticket.state === 'discarded') {
          // Registration checked the ticket was held; discarded since means another join took it.
          answer(waiter, () => {
            waiter.done(0, 0);
          });
        } else if (ticket.independent) {
          answer(waiter, () => {
            waiter.done(-1, nothingToWaitFor);
          });
        } else if (!ticket.domains.some(isLive)) {
          for (const domain of ticket.domains) if (domain.reapedBy === undefined) this.#reap(domain, 'sync');
          this.#discard(ticket);
          answer(waiter, () => {
            waiter.done(0, 0);
          });
        }
      }
    }

    const remaining = pending.filter((waiter) => !answered.has(waiter));
    if (remaining.length === 0) this.#waiters.delete(caller);
    else this.#waiters.set(caller, remaining);
    return answers;
  }
}
