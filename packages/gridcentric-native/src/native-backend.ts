import { addAbortListener } from 'node:events';
import { constants } from 'node:os';
import { createAbortError, invalidArgType, outOfRange, type AddonBase } from '@sysbind/core';
import {
  GC_MAX_ID,
  GridcentricError,
  type GcDomainExit,
  type GcDomainInfo,
  type GcFunctionName,
  type GcTicketInfo,
  type GridcentricBackend,
} from '@sysbind/gridcentric-interface';
import { loadAddon } from './addon.ts';

/** What a native call hands its callback: an error (a GridcentricError), or null and the value. */
type NativeCallback<T> = (error: Error | null, value: T) => void;

/** Counters of the addon's threads and waits in the process (for tests and diagnostics). */
export interface NativeBackendStats {
  /**
   * Threads the addon started in the process, shared by every backend of every worker:
   * controllers, waiters and the router; never more than `waiterThreads` + `controllerThreads` + 1.
   */
  readonly threads: number;
  /** The size of the waiter pool: waits beyond it are served by the router. */
  readonly waiterThreads: number;
  /** The most controller threads: each backend's controller calls run one at a time, backends side by side. */
  readonly controllerThreads: number;
  /** Waits not yet settled, of every backend of the process. */
  readonly pendingWaits: number;
  /** Pending waits whose own blocking call is in the library. */
  readonly waitsInLibrary: number;
  /** Pending waits queued for a waiter thread, served meanwhile by the router. */
  readonly queuedWaits: number;
}

/**
 * The addon's GridcentricBinding: one object per backend. Quick calls return; the others take an
 * error-first callback that runs on the JS thread and return an id, for `cancelCall` (controller
 * calls) or `abandonWait` (the waits).
 */
interface GridcentricBinding {
  version(): string;
  check(): void;
  myIp(): string;
  requestTickets(count: number, done: NativeCallback<number>): number;
  cancelTicket(ticket: number, done: NativeCallback<undefined>): number;
  makeTicketIndependent(ticket: number, done: NativeCallback<undefined>): number;
  listTickets(done: NativeCallback<readonly GcTicketInfo[]>): number;
  clone(ticket: number, done: NativeCallback<number>): number;
  listCloneDomains(done: NativeCallback<readonly GcDomainInfo[]>): number;
  listTicketDomains(ticket: number, done: NativeCallback<readonly GcDomainInfo[]>): number;
  getDomainStatus(vmid: number, done: NativeCallback<number>): number;
  killCloneDomain(vmid: number, done: NativeCallback<undefined>): number;
  killallCloneDomains(done: NativeCallback<number>): number;
  killallTicketDomains(ticket: number, done: NativeCallback<number>): number;
  waitDomain(vmid: number, done: NativeCallback<GcDomainExit>): number;
  waitAny(done: NativeCallback<GcDomainExit>): number;
  syncTicket(ticket: number, done: NativeCallback<undefined>): number;
  /** Withdraws a pending wait; its callback is never called. False if it was no pending wait. */
  abandonWait(id: number): boolean;
  /**
   * Withdraws a controller call in flight; its callback is never called. A call not yet made is
   * dropped; one in the library is withdrawn if the library can (the sim flavor), else its thread
   * stays until the library answers and the answer is dropped. False if it was no such call.
   */
  cancelCall(id: number): boolean;
  /** Calls back once the router has looked at the waits and every earlier outcome was delivered. */
  settleWaits(done: NativeCallback<undefined>): void;
  stats(): NativeBackendStats;
  ref(): void;
  unref(): void;
  close(): void;
}

/** What every build of the addon exports before any binding is wired up. */
export type GridcentricAddonBase = AddonBase;

/** The system flavor's exports. */
interface SystemAddon extends GridcentricAddonBase {
  openBinding(options?: { waitsInLibrary?: number }): GridcentricBinding;
}

/** The sim flavor's exports. */
interface SimAddon extends GridcentricAddonBase {
  bindSimulator(api: object, options?: { waitsInLibrary?: number }): GridcentricBinding;
}

/** Options of a native backend. */
export interface NativeBackendOptions {
  /**
   * Milliseconds after which a controller call (every method but the three waits and the quick
   * calls) rejects with a GridcentricError `ETIMEDOUT` and is withdrawn (default: no limit). A
   * controller that never answers then holds no promise forever; see {@link NativeGridcentricBackend}.
   */
  readonly callTimeout?: number;
  /**
   * How many of this backend's waits may hold one of the addon's waiter threads (and so be a
   * blocking call in the library) at once, from 0 to `stats().waiterThreads` (the default). The
   * others are served by the addon's router with the same outcomes (see
   * {@link NativeGridcentricBackend}); a lower bound leaves more threads to other backends and
   * lets tests push many waits past the bound.
   */
  readonly waitsInLibrary?: number;
}

/**
 * A {@link GridcentricBackend} over the native addon. Beyond the interface it can be closed:
 * `close()` (or leaving a `using` scope) settles every call and wait in flight at once, rejected
 * with a GridcentricError `ERR_BACKEND_CLOSED`, and every later call throws that error.
 *
 * A `clone()` in flight when the backend closes may still have been made by the controller: the
 * clone then exists and runs, a clone of this VM like any other (listed by `listCloneDomains()`,
 * killed by `killallCloneDomains()` of another backend of this VM), but the closed backend's
 * caller never learns its vmid. Kill or list the clones from a new backend if that matters.
 *
 * Like any pending I/O in Node, a call in flight keeps the event loop alive, pending waits
 * included, so that a program awaiting a clone's exit does not end first; {@link unref} lets the
 * process exit while calls or waits are pending (abort them or close the backend otherwise).
 * Garbage collection never closes a backend with calls in flight.
 *
 * Which of several pending `waitAny()` calls receives which exit is not specified (the library
 * promises only that the exits are reaped in termination order, each by one wait); everything
 * else about waits follows the library's rules exactly, however many are pending: a wait for one
 * clone takes that clone's exit before any wait for any clone, a wait that can never be answered
 * fails at once with ECHILD, and an exit reaped for a wait aborted meanwhile goes to another
 * pending wait or is kept for the next one.
 */
export interface NativeGridcentricBackend extends GridcentricBackend, Disposable, AsyncDisposable {
  /** Closes the backend, settling every call in flight; idempotent. */
  close(): void;
  /** Calls in flight keep the event loop alive (the default). */
  ref(): void;
  /** Calls and waits in flight, pending and later ones, no longer keep the event loop alive. */
  unref(): void;
  /** Thread and wait counters of the addon in the process. */
  stats(): NativeBackendStats;
  /**
   * Resolves once the addon has looked at this backend's waits after this call and every outcome
   * the library produced before that has been delivered: the waits have caught up with the world
   * (for tests; waits never need it to progress).
   */
  settleWaits(): Promise<void>;
}

function errnoOf(name: string): number {
  return constants.errno[name as keyof typeof constants.errno];
}

/** Same rule and same error as the simulator's backend, plus the C `int` range the library takes. */
function checkId(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidArgType(name, 'a safe integer', value);
  }
  if (value < -GC_MAX_ID - 1 || value > GC_MAX_ID) {
    throw outOfRange(name, 'a C int', value);
  }
  return value;
}

// Descriptions of the controller calls, for a timeout's error.
type Subject = { readonly vmid?: number; readonly ticket?: number };

/**
 * The backend over a loaded binding: the shared adapter of both flavors. Controller calls become
 * promises; the three waits also take an AbortSignal: an abort rejects at once and withdraws the
 * wait in the addon (which keeps whatever its blocking call still reaps for a later wait).
 */
export function createBackendOverBinding(
  binding: GridcentricBinding,
  options: NativeBackendOptions = {},
): NativeGridcentricBackend {
  checkOptions(options);
  const callTimeout = options.callTimeout;
  const settle = <T>(
    syscall: GcFunctionName,
    subject: Subject,
    start: (done: NativeCallback<T>) => number,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      // Filled in once the call has its id (the addon never calls back synchronously).
      const limit: { timer?: NodeJS.Timeout } = {};
      const id = start((error, value) => {
        clearTimeout(limit.timer);
        if (error === null) resolve(value);
        else reject(error);
      });
      if (callTimeout === undefined) return;
      limit.timer = setTimeout(() => {
        if (binding.cancelCall(id)) reject(GridcentricError.fromErrno(errnoOf('ETIMEDOUT'), syscall, subject));
      }, callTimeout);
      // The call itself holds the event loop (unless unref'd); its timer must not add to that.
      limit.timer.unref();
    });
  const wait = <T>(signal: AbortSignal | undefined, start: (done: NativeCallback<T>) => number): Promise<T> => {
    // Checked before the wait starts: a wait started and then failed by addAbortListener stayed
    // registered, and its completion later ran into a listener variable still uninitialised (an uncaught
    // ReferenceError found by the fuzzer).
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      return Promise.reject(invalidArgType('signal', 'an instance of AbortSignal', signal));
    }
    if (signal?.aborted === true) return Promise.reject(createAbortError(signal));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      // Filled in once the wait has its id; empty until then (and without a signal).
      const listening: { stop?: Disposable } = {};
      // The addon never calls back synchronously, so the listener below exists by then.
      const id = start((error, value) => {
        if (settled) return;
        settled = true;
        listening.stop?.[Symbol.dispose]();
        if (error === null) resolve(value);
        else reject(error);
      });
      if (signal !== undefined)
        listening.stop = addAbortListener(signal, () => {
          if (settled) return;
          settled = true;
          binding.abandonWait(id);
          reject(createAbortError(signal));
        });
    });
  };
  // Argument errors reject (the methods are async), as the backend contract asks.
  const guarded = <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return run();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const backend: NativeGridcentricBackend = {
    version: () => binding.version(),
    check: () => {
      binding.check();
    },
    myIp: () => binding.myIp(),
    requestTickets: (count) =>
      guarded(() => {
        const checked = checkId(count, 'count');
        return settle<number>('gc_request_tickets', {}, (done) => binding.requestTickets(checked, done));
      }),
    cancelTicket: (ticket) =>
      guarded(async () => {
        const checked = checkId(ticket, 'ticket');
        await settle<undefined>('gc_cancel_ticket', { ticket: checked }, (done) => binding.cancelTicket(checked, done));
      }),
    makeTicketIndependent: (ticket) =>
      guarded(async () => {
        const checked = checkId(ticket, 'ticket');
        await settle<undefined>('gc_make_ticket_independent', { ticket: checked }, (done) =>
          binding.makeTicketIndependent(checked, done),
        );
      }),
    listTickets: () =>
      guarded(() => settle<readonly GcTicketInfo[]>('gc_list_tickets', {}, (done) => binding.listTickets(done))),
    clone: (ticket) =>
      guarded(() => {
        const checked = checkId(ticket, 'ticket');
        return settle<number>('gc_clone', { ticket: checked }, (done) => binding.clone(checked, done));
      }),
    listCloneDomains: () =>
      guarded(() =>
        settle<readonly GcDomainInfo[]>('gc_list_clone_domains', {}, (done) => binding.listCloneDomains(done)),
      ),
    listTicketDomains: (ticket) =>
      guarded(() => {
        const checked = checkId(ticket, 'ticket');
        return settle<readonly GcDomainInfo[]>('gc_list_ticket_domains', { ticket: checked }, (done) =>
          binding.listTicketDomains(checked, done),
        );
      }),
    getDomainStatus: (vmid) =>
      guarded(() => {
        const checked = checkId(vmid, 'vmid');
        return settle<number>('gc_get_domain_status', { vmid: checked }, (done) =>
          binding.getDomainStatus(checked, done),
        );
      }),
    waitDomain: (vmid, signal) =>
      guarded(() => {
        const checked = checkId(vmid, 'vmid');
        return wait<GcDomainExit>(signal, (done) => binding.waitDomain(checked, done));
      }),
    waitAny: (signal) => wait<GcDomainExit>(signal, (done) => binding.waitAny(done)),
    syncTicket: (ticket, signal) =>
      guarded(async () => {
        const checked = checkId(ticket, 'ticket');
        await wait<undefined>(signal, (done) => binding.syncTicket(checked, done));
      }),
    killCloneDomain: (vmid) =>
      guarded(async () => {
        const checked = checkId(vmid, 'vmid');
        await settle<undefined>('gc_kill_clone_domain', { vmid: checked }, (done) =>
          binding.killCloneDomain(checked, done),
        );
      }),
    killallCloneDomains: () =>
      guarded(() => settle<number>('gc_killall_clone_domains', {}, (done) => binding.killallCloneDomains(done))),
    killallTicketDomains: (ticket) =>
      guarded(() => {
        const checked = checkId(ticket, 'ticket');
        return settle<number>('gc_killall_ticket_domains', { ticket: checked }, (done) =>
          binding.killallTicketDomains(checked, done),
        );
      }),
    close: () => {
      binding.close();
    },
    stats: () => binding.stats(),
    settleWaits: () =>
      new Promise<void>((resolve, reject) => {
        binding.settleWaits((error) => {
          if (error === null) resolve();
          else reject(error);
        });
      }),
    ref: () => {
      binding.ref();
    },
    unref: () => {
      binding.unref();
    },
    [Symbol.dispose]: () => {
      binding.close();
    },
    [Symbol.asyncDispose]: () => {
      binding.close();
      return Promise.resolve();
    },
  };
  return backend;
}

/** Binds a simulated VM's C-level API through the sim flavor (used by `@sysbind/gridcentric-native/testing`). */
export function bindSimulatedBinding(api: object, options: NativeBackendOptions = {}): GridcentricBinding {
  checkOptions(options);
  return (loadAddon('sim') as SimAddon).bindSimulator(api, bindingOptions(options));
}

function bindingOptions(options: NativeBackendOptions): { waitsInLibrary?: number } {
  return options.waitsInLibrary === undefined ? {} : { waitsInLibrary: options.waitsInLibrary };
}

function checkOptions(options: NativeBackendOptions): void {
  const { callTimeout, waitsInLibrary } = options;
  if (
    callTimeout !== undefined &&
    (typeof callTimeout !== 'number' || !Number.isFinite(callTimeout) || callTimeout < 0 || callTimeout > 2 ** 31 - 1)
  ) {
    throw outOfRange('options.callTimeout', '>= 0 and < 2^31', callTimeout);
  }
  if (
    waitsInLibrary !== undefined &&
    (typeof waitsInLibrary !== 'number' || !Number.isSafeInteger(waitsInLibrary) || waitsInLibrary < 0)
  ) {
    throw outOfRange('options.waitsInLibrary', 'an integer >= 0', waitsInLibrary);
  }
}

/**
 * The backend over the real libgridcentric, loaded on first use.
 *
 * Off a Gridcentric guest (no libgridcentric build) it throws a GridcentricError
 * `ERR_UNSUPPORTED_PLATFORM` that points at the simulator in `@sysbind/testing-fakes`.
 *
 * Besides the backend methods: `close()` (or `using`) settles every pending call and wait with
 * `ERR_BACKEND_CLOSED`; pending calls keep the event loop alive, waits included, until `unref()`
 * (`ref()` reverts it).
 */
export function createNativeGridcentricBackend(options: NativeBackendOptions = {}): NativeGridcentricBackend {
  checkOptions(options);
  return createBackendOverBinding((loadAddon('system') as SystemAddon).openBinding(bindingOptions(options)), options);
}
