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
import { interpretCloneReturn, type CloneResult } from './clone-result.ts';
import { validateBackend, validateId, validateOptions, validateSignal } from './validate.ts';

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
  readonly ticket?: number;
}

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
  /** Reserves clone slots: resolves to a ticket whose capacity is between 1 and `count` (`gc_request_tickets`). */
  requestTicket(count: number): Promise<number>;
  /** Returns the ticket's unused capacity; its clones keep running (`gc_cancel_ticket`). */
  cancelTicket(ticket: number): Promise<void>;
  /** Detaches the ticket's clones from this VM: not waited for, not killed by `killAll`, outliving it (`gc_make_ticket_independent`). */
  makeTicketIndependent(ticket: number): Promise<void>;
  /** The tickets this VM holds (`gc_list_tickets`). */
  listTickets(): Promise<TicketInfo[]>;
  /** Clones this VM under `ticket`, like fork(): the parent gets `{ role: 'parent', vmid }`, the clone's copy `{ role: 'clone' }` (`gc_clone`). */
  clone(ticket: number): Promise<CloneResult>;
  /** This VM's unreaped clones, or those of one ticket (`gc_list_clone_domains`, `gc_list_ticket_domains`). */
  listDomains(options?: ListDomainsOptions): Promise<DomainInfo[]>;
  /** The status of one clone (`gc_get_domain_status`). */
  domainStatus(vmid: number): Promise<DomainStatus>;
  /** Waits until the clone terminates and reaps it (`gc_wait_domain`). */
  waitDomain(vmid: number, options?: WaitOptions): Promise<DomainExit>;
  /** Waits until any dependent clone terminates and reaps it, oldest termination first (`gc_wait_any`). */
  waitAny(options?: WaitOptions): Promise<DomainExit>;
  /** Waits until every clone of the ticket terminated; the ticket is then discarded (`gc_sync_ticket`). */
  syncTicket(ticket: number, options?: WaitOptions): Promise<void>;
  /** Kills one clone (`gc_kill_clone_domain`). */
  kill(vmid: number): Promise<void>;
  /** Kills every clone of this VM's dependent tickets; resolves to the count (`gc_killall_clone_domains`). */
  killAll(): Promise<number>;
  /** Kills every clone of the ticket, independent or not; resolves to the count (`gc_killall_ticket_domains`). */
  killTicket(ticket: number): Promise<number>;
  /**
   * The terminations of this VM's dependent clones, each reaped, in termination order: `waitAny`
   * in a loop. The iteration ends when no clone is left to wait for; aborting `signal` makes it
   * throw an AbortError.
   */
  exits(options?: WaitOptions): AsyncIterableIterator<DomainExit>;
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

  const api: Gridcentric = {
    version: () => use().version(),
    check: () => {
      use().check();
    },
    myIp: () => use().myIp(),
    async requestTicket(count) {
      const checked = validateId(count, 'count');
      return use().requestTickets(checked);
    },
    async cancelTicket(ticket) {
      const checked = validateId(ticket, 'ticket');
      await use().cancelTicket(checked);
    },
    async makeTicketIndependent(ticket) {
      const checked = validateId(ticket, 'ticket');
      await use().makeTicketIndependent(checked);
    },
    async listTickets() {
      return (await use().listTickets()).map(decodeTicketInfo);
    },
    async clone(ticket) {
      const checked = validateId(ticket, 'ticket');
      return interpretCloneReturn(await use().clone(checked));
    },
    async listDomains(listOptions) {
      const ticket = validateOptions(listOptions)['ticket'];
      const domains =
        ticket === undefined
          ? await use().listCloneDomains()
          : await use().listTicketDomains(validateId(ticket, 'options.ticket'));
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
      const checked = validateId(ticket, 'ticket');
      const signal = waitSignal(waitOptions);
      if (signal.aborted) throw createAbortError(signal);
      await use().syncTicket(checked, signal);
    },
    async kill(vmid) {
      const checked = validateId(vmid, 'vmid');
      await use().killCloneDomain(checked);
    },
    async killAll() {
      return use().killallCloneDomains();
    },
    async killTicket(ticket) {
      const checked = validateId(ticket, 'ticket');
      return use().killallTicketDomains(checked);
    },
    exits(waitOptions) {
      const signal = validateSignal(validateOptions(waitOptions)['signal']);
      return iterateExits(api, signal);
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

async function* iterateExits(
  api: Gridcentric,
  signal: AbortSignal | undefined,
): AsyncGenerator<DomainExit, void, undefined> {
  for (;;) {
    let exit: DomainExit;
    try {
      exit = await api.waitAny(signal === undefined ? {} : { signal });
    } catch (error) {
      // ECHILD: nothing left to wait for, which is the natural end of the sequence.
      if (isGridcentricError(error, 'ECHILD')) return;
      throw error;
    }
    yield exit;
  }
}
