import {
  GridcentricError,
  createAbortError,
  isGridcentricError,
  type DomainStatus,
  type GridcentricBackend,
} from '@sysbind/gridcentric-interface';
import {
  decodeDomainExit,
  decodeDomainInfo,
  decodeTicketInfo,
  domainStatusName,
  type DomainExit,
  type DomainInfo,
  type TicketInfo,
} from './records.ts';
import { createNativeGridcentricBackend } from '@sysbind/gridcentric-native';
import { createClone, type CloneOutcome } from './clone-handle.ts';
import { interpretCloneReturn } from './clone-result.ts';
import { CloneCounter, iterateExits, type ExitsIterator } from './exits.ts';
import { createTicket, validateTicket, type Ticket } from './ticket.ts';
import { invalidArgType, validateBackend, validateId, validateOptions, validateSignal } from './validate.ts';

/** Options of {@link createGridcentric}. */
export interface GridcentricOptions {
  /**
   * Where the calls go. Default: the native backend over libgridcentric, loaded on first use (off a
   * Gridcentric guest that use throws `ERR_UNSUPPORTED_PLATFORM`). Tests pass a simulator's
   * backend from `@sysbind/testing-fakes`.
   */
  readonly backend?: GridcentricBackend;
}

/** Options of the blocking waits. */
export interface WaitOptions {
  /** Aborting it rejects the wait with an AbortError at once and withdraws it; no exit is lost. */
  readonly signal?: AbortSignal;
}

/** Options of {@link Gridcentric.listDomains}. */
export interface ListDomainsOptions {
  /** Only the clones created under this ticket (`list_ticket_domains`); default: every clone. */
  readonly ticket?: number | Ticket;
}

/** Options of {@link Gridcentric.killAll}. */
export interface KillAllOptions {
  /**
   * Only the clones of this ticket, independent ones included (`gc_killall_ticket_domains`); the
   * ticket itself stays held, unlike {@link Gridcentric.killTicket}. Default: every clone of this
   * VM's dependent tickets.
   */
  readonly ticket?: number | Ticket;
}

/** Options of {@link Gridcentric.exits}. */
export interface ExitsOptions extends WaitOptions {
  /**
   * Keep the sequence open when no clone is left to wait for: it then waits for the next clone
   * this object makes and goes on (for an autoscaler, whose clones come and go). Default false:
   * the sequence ends, as wait(2) does with ECHILD. Clones made through another object or backend
   * of the same VM do not wake a waiting iterator.
   */
  readonly follow?: boolean;
}

/** A ticket argument: its id, or the {@link Ticket} handle `requestTicket` returned. */
export type TicketRef = number | Ticket;

/**
 * The Gridcentric guest API of the VM this program runs in: tickets, fork-like cloning, and the
 * clone domains it created. Failures of the library reject (or throw) with a `GridcentricError`
 * (`code` the errno name, `syscall` the C function); bad arguments throw TypeError/RangeError
 * with Node-style codes before anything reaches the library.
 */
export interface Gridcentric extends AsyncDisposable {
  /** The guest library's version string (`gc_version`). */
  version(): string;
  /** Returns if the guest interface is usable; throws a GridcentricError `ENODEV` (not a Gridcentric VM) or `EIO` (controller unreachable) otherwise (`gc_check`). */
  check(): void;
  /** This VM's address; a clone has its own (`gc_my_ip`). */
  myIp(): string;
  /**
   * Reserves clone slots (`gc_request_tickets`): resolves to a {@link Ticket} whose capacity is
   * between 1 and `count`. `await using ticket = await gc.requestTicket(3)` gives the unused slots
   * back at the end of the scope; the ticket's clones keep running.
   */
  requestTicket(count: number): Promise<Ticket>;
  /** Returns the ticket's unused capacity; its clones keep running (`gc_cancel_ticket`). */
  cancelTicket(ticket: TicketRef): Promise<void>;
  /** Detaches the ticket's clones from this VM: not waited for, not killed by `killAll`, outliving it (`gc_make_ticket_independent`). */
  makeTicketIndependent(ticket: TicketRef): Promise<void>;
  /** The tickets this VM holds (`gc_list_tickets`). */
  listTickets(): Promise<TicketInfo[]>;
  /**
   * Clones this VM under `ticket`, like fork() (`gc_clone`): the parent gets a {@link Clone}
   * handle (`{ role: 'parent', vmid, exited, kill() }`), the clone's copy `{ role: 'clone' }`.
   */
  clone(ticket: TicketRef): Promise<CloneOutcome>;
  /** This VM's unreaped clones, or those of one ticket (`gc_list_clone_domains`, `gc_list_ticket_domains`). */
  listDomains(options?: ListDomainsOptions): Promise<DomainInfo[]>;
  /** The status of one clone (`gc_get_domain_status`). */
  domainStatus(vmid: number): Promise<DomainStatus>;
  /** Waits until the clone terminates and reaps it (`gc_wait_domain`). */
  waitDomain(vmid: number, options?: WaitOptions): Promise<DomainExit>;
  /** Waits until any dependent clone terminates and reaps it, oldest termination first (`gc_wait_any`). */
  waitAny(options?: WaitOptions): Promise<DomainExit>;
  /** Waits until every clone of the ticket terminated; the ticket is then discarded (`gc_sync_ticket`). */
  syncTicket(ticket: TicketRef, options?: WaitOptions): Promise<void>;
  /** Kills one clone (`gc_kill_clone_domain`). */
  kill(vmid: number): Promise<void>;
  /**
   * Kills every clone of this VM's dependent tickets (`gc_killall_clone_domains`), or every clone
   * of one ticket (`gc_killall_ticket_domains`); resolves to the count killed.
   */
  killAll(options?: KillAllOptions): Promise<number>;
  /**
   * Kills every clone of the ticket, independent or not, and discards the ticket, as SnowFlock's
   * `sf_kill(ticket)` does: `gc_killall_ticket_domains`, then `gc_cancel_ticket`, so the ticket
   * leaves `listTickets()` and its unused slots return. Resolves to the count killed. Unlike
   * `sf_kill`, the killed clones stay to be reaped: their exits are still waited for.
   */
  killTicket(ticket: TicketRef): Promise<number>;
  /**
   * The terminations of this VM's dependent clones, each reaped, in termination order: `waitAny`
   * in a loop. The iteration ends when no clone is left to wait for, unless `follow` keeps it
   * open for the next clone; aborting `signal` makes it throw an AbortError. `await using` (or
   * `return()`) ends it, a wait in progress included.
   */
  exits(options?: ExitsOptions): ExitsIterator;
  /**
   * Aborts the waits started through this object and refuses later calls with
   * `ERR_GRIDCENTRIC_CLOSED`; the native backend it loaded itself is closed too (a backend passed
   * in `options` is left to its owner). Idempotent; the clones themselves are not touched.
   */
  close(): Promise<void>;
}

/**
 * Creates the Gridcentric API over `options.backend`, or over the native backend loaded on first
 * use. Creating it never loads a native addon.
 */
export function createGridcentric(options: GridcentricOptions = {}): Gridcentric {
  const bag = validateOptions(options);
  let backend = bag['backend'] === undefined ? undefined : validateBackend(bag['backend'], 'options.backend');
  // A backend this object loaded itself is this object's to release on close(); a given one is not.
  const ownsBackend = backend === undefined;
  const closing = new AbortController();

  const use = (): GridcentricBackend => {
    if (closing.signal.aborted) {
      throw new GridcentricError('this Gridcentric object is closed', { code: 'ERR_GRIDCENTRIC_CLOSED' });
    }
    backend ??= createNativeGridcentricBackend();
    return backend;
  };

  // The wait's own signal and close() both abort it; the AbortError's cause is the signal's reason.
  const waitSignal = (waitOptions: unknown): AbortSignal => {
    const signal = validateSignal(validateOptions(waitOptions)['signal']);
    return signal === undefined ? closing.signal : AbortSignal.any([signal, closing.signal]);
  };

  // Clones made through this object, for exits({ follow: true }).
  const clonesMade = new CloneCounter();

  const api: Gridcentric = {
    version: () => use().version(),
    check: () => {
      use().check();
    },
    myIp: () => use().myIp(),
    async requestTicket(count) {
      const checked = validateId(count, 'count');
      return createTicket(api, await use().requestTickets(checked));
    },
    async cancelTicket(ticket) {
      const checked = validateTicket(ticket, 'ticket');
      await use().cancelTicket(checked);
    },
    async makeTicketIndependent(ticket) {
      const checked = validateTicket(ticket, 'ticket');
      await use().makeTicketIndependent(checked);
    },
    async listTickets() {
      return (await use().listTickets()).map(decodeTicketInfo);
    },
    async clone(ticket) {
      const checked = validateTicket(ticket, 'ticket');
      const result = interpretCloneReturn(await use().clone(checked));
      if (result.role === 'clone') return result;
      clonesMade.bump();
      return createClone(api, result.vmid, checked);
    },
    async listDomains(listOptions) {
      const ticket = validateOptions(listOptions)['ticket'];
      const domains =
        ticket === undefined
          ? await use().listCloneDomains()
          : await use().listTicketDomains(validateTicket(ticket, 'options.ticket'));
      return domains.map(decodeDomainInfo);
    },
    async domainStatus(vmid) {
      const checked = validateId(vmid, 'vmid');
      return domainStatusName(await use().getDomainStatus(checked));
    },
    async waitDomain(vmid, waitOptions) {
      const checked = validateId(vmid, 'vmid');
      const signal = waitSignal(waitOptions);
      if (signal.aborted) throw createAbortError(signal);
      return decodeDomainExit(await use().waitDomain(checked, signal));
    },
    async waitAny(waitOptions) {
      const signal = waitSignal(waitOptions);
      if (signal.aborted) throw createAbortError(signal);
      return decodeDomainExit(await use().waitAny(signal));
    },
    async syncTicket(ticket, waitOptions) {
      const checked = validateTicket(ticket, 'ticket');
      const signal = waitSignal(waitOptions);
      if (signal.aborted) throw createAbortError(signal);
      await use().syncTicket(checked, signal);
    },
    async kill(vmid) {
      const checked = validateId(vmid, 'vmid');
      await use().killCloneDomain(checked);
    },
    async killAll(killOptions) {
      const ticket = validateOptions(killOptions)['ticket'];
      return ticket === undefined
        ? use().killallCloneDomains()
        : use().killallTicketDomains(validateTicket(ticket, 'options.ticket'));
    },
    async killTicket(ticket) {
      const checked = validateTicket(ticket, 'ticket');
      const killed = await use().killallTicketDomains(checked);
      try {
        await use().cancelTicket(checked);
      } catch (error) {
        // Cancelled before: discarded already, which is the point.
        if (!isGridcentricError(error, 'EPERM')) throw error;
      }
      return killed;
    },
    exits(exitsOptions) {
      const bag = validateOptions(exitsOptions);
      const signal = validateSignal(bag['signal']);
      const follow = bag['follow'];
      if (follow !== undefined && typeof follow !== 'boolean')
        throw invalidArgType('options.follow', 'of type boolean', follow);
      return iterateExits((stop) => api.waitAny({ signal: stop }), clonesMade, {
        follow: follow === true,
        signal,
        closing: closing.signal,
      });
    },
    close() {
      if (closing.signal.aborted) return Promise.resolve();
      closing.abort(new GridcentricError('this Gridcentric object was closed', { code: 'ERR_GRIDCENTRIC_CLOSED' }));
      const closable = backend as (GridcentricBackend & { close?: unknown }) | undefined;
      if (ownsBackend && typeof closable?.close === 'function') (closable.close as () => void).call(closable);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  return api;
}
