import { addAbortListener } from 'node:events';
import { createAbortError, invalidArgType, outOfRange } from '@sysbind/core';
import { loadAddon, type GridcentricAddonBase } from './addon.ts';
import { GC_MAX_ID, type GcDomainExit, type GcDomainInfo, type GcTicketInfo } from '@sysbind/gridcentric-interface';
import type { GridcentricBackend } from '@sysbind/gridcentric-interface';

/** What a native call hands its callback: an error (a GridcentricError), or null and the value. */
type NativeCallback<T> = (error: Error | null, value: T) => void;

/** Counters of the addon's threads and waits in one environment (for tests and diagnostics). */
export interface NativeBackendStats {
  /** Threads the addon started in this environment (controller, waiters, poller); never more than `waiterThreads` + 2. */
  readonly threads: number;
  /** The size of the waiter pool: waits beyond it are served by the poller. */
  readonly waiterThreads: number;
  /** Waits not yet settled, of every backend of the environment. */
  readonly pendingWaits: number;
  /** Pending waits whose own blocking call is in the library. */
  readonly waitsInLibrary: number;
  /** Pending waits queued for a waiter thread, served meanwhile by the poller. */
  readonly queuedWaits: number;
}

/**
 * The addon's GridcentricBinding: one object per backend. Quick calls return; the others take an
 * error-first callback that runs on the JS thread; the waits return an id for `abandonWait`.
 */
interface GridcentricBinding {
  version(): string;
  check(): void;
  myIp(): string;
  requestTickets(count: number, done: NativeCallback<number>): void;
  cancelTicket(ticket: number, done: NativeCallback<undefined>): void;
  makeTicketIndependent(ticket: number, done: NativeCallback<undefined>): void;
  listTickets(done: NativeCallback<readonly GcTicketInfo[]>): void;
  clone(ticket: number, done: NativeCallback<number>): void;
  listCloneDomains(done: NativeCallback<readonly GcDomainInfo[]>): void;
  listTicketDomains(ticket: number, done: NativeCallback<readonly GcDomainInfo[]>): void;
  getDomainStatus(vmid: number, done: NativeCallback<number>): void;
  killCloneDomain(vmid: number, done: NativeCallback<undefined>): void;
  killallCloneDomains(done: NativeCallback<number>): void;
  killallTicketDomains(ticket: number, done: NativeCallback<number>): void;
  waitDomain(vmid: number, done: NativeCallback<GcDomainExit>): number;
  waitAny(done: NativeCallback<GcDomainExit>): number;
  syncTicket(ticket: number, done: NativeCallback<undefined>): number;
  /** Withdraws a pending wait; its callback is never called. False if it was no pending wait. */
  abandonWait(id: number): boolean;
  stats(): NativeBackendStats;
  ref(): void;
  unref(): void;
  close(): void;
}

/** The system flavor's exports. */
interface SystemAddon extends GridcentricAddonBase {
  openBinding(): GridcentricBinding;
}

/** The sim flavor's exports. */
interface SimAddon extends GridcentricAddonBase {
  bindSimulator(api: object): GridcentricBinding;
}

/**
 * A {@link GridcentricBackend} over the native addon. Beyond the interface it can be closed: its
 * pending calls and waits are dropped (never settled) and every later call throws
 * `ERR_BACKEND_CLOSED`. Garbage collection closes it too.
 *
 * Like any pending I/O in Node, a call in flight keeps the event loop alive, pending waits
 * included, so that a program awaiting a clone's exit does not end first; {@link unref} lets the
 * process exit while only waits are pending (abort them or close the backend otherwise).
 */
export interface NativeGridcentricBackend extends GridcentricBackend, Disposable {
  /** Closes the backend; idempotent. */
  close(): void;
  /** Pending and later waits keep the event loop alive (the default). */
  ref(): void;
  /** Pending and later waits no longer keep the event loop alive; controller calls still do. */
  unref(): void;
  /** Thread and wait counters of the addon in this environment. */
  stats(): NativeBackendStats;
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

function settle<T>(start: (done: NativeCallback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => {
      if (error === null) resolve(value);
      else reject(error);
    });
  });
}

/**
 * The backend over a loaded binding: the shared adapter of both flavors. Controller calls become
 * promises; the three waits also take an AbortSignal: an abort rejects at once and withdraws the
 * wait in the addon (which keeps whatever its blocking call still reaps for a later wait).
 */
export function createBackendOverBinding(binding: GridcentricBinding): NativeGridcentricBackend {
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
        return settle<number>((done) => {
          binding.requestTickets(checked, done);
        });
      }),
    cancelTicket: (ticket) =>
      guarded(async () => {
        const checked = checkId(ticket, 'ticket');
        await settle<undefined>((done) => {
          binding.cancelTicket(checked, done);
        });
      }),
    makeTicketIndependent: (ticket) =>
      guarded(async () => {
        const checked = checkId(ticket, 'ticket');
        await settle<undefined>((done) => {
          binding.makeTicketIndependent(checked, done);
        });
      }),
    listTickets: () =>
      guarded(() =>
        settle<readonly GcTicketInfo[]>((done) => {
          binding.listTickets(done);
        }),
      ),
    clone: (ticket) =>
      guarded(() => {
        const checked = checkId(ticket, 'ticket');
        return settle<number>((done) => {
          binding.clone(checked, done);
        });
      }),
    listCloneDomains: () =>
      guarded(() =>
        settle<readonly GcDomainInfo[]>((done) => {
          binding.listCloneDomains(done);
        }),
      ),
    listTicketDomains: (ticket) =>
      guarded(() => {
        const checked = checkId(ticket, 'ticket');
        return settle<readonly GcDomainInfo[]>((done) => {
          binding.listTicketDomains(checked, done);
        });
      }),
    getDomainStatus: (vmid) =>
      guarded(() => {
        const checked = checkId(vmid, 'vmid');
        return settle<number>((done) => {
          binding.getDomainStatus(checked, done);
        });
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
        await settle<undefined>((done) => {
          binding.killCloneDomain(checked, done);
        });
      }),
    killallCloneDomains: () =>
      guarded(() =>
        settle<number>((done) => {
          binding.killallCloneDomains(done);
        }),
      ),
    killallTicketDomains: (ticket) =>
      guarded(() => {
        const checked = checkId(ticket, 'ticket');
        return settle<number>((done) => {
          binding.killallTicketDomains(checked, done);
        });
      }),
    close: () => {
      binding.close();
    },
    stats: () => binding.stats(),
    ref: () => {
      binding.ref();
    },
    unref: () => {
      binding.unref();
    },
    [Symbol.dispose]: () => {
      binding.close();
    },
  };
  return backend;
}

/** Binds a simulated VM's C-level API through the sim flavor (used by `@sysbind/gridcentric-native/testing`). */
export function bindSimulatedBinding(api: object): GridcentricBinding {
  return (loadAddon('sim') as SimAddon).bindSimulator(api);
}

/**
 * The backend over the real libgridcentric, loaded on first use.
 *
 * Off a Gridcentric guest (no libgridcentric build) it throws a GridcentricError
 * `ERR_UNSUPPORTED_PLATFORM` that points at the simulator in `@sysbind/testing-fakes`.
 *
 * Besides the backend methods: `close()` (or `using`) drops every pending call and wait;
 * pending calls keep the event loop alive, waits included, until `unref()` (`ref()` reverts it).
 */
export function createNativeGridcentricBackend(): NativeGridcentricBackend {
  return createBackendOverBinding((loadAddon('system') as SystemAddon).openBinding());
}
