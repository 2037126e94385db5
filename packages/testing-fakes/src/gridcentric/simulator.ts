import {
  type DomainStatus,
  type GcDomainExit,
  type GcGuestApi,
  type GridcentricBackend,
} from '@sysbind/gridcentric-interface';
import { GC_SIMULATED_LIBRARY_VERSION, deriveCloneIp } from './policy.ts';
import { createGuestApiBackend } from './backend.ts';
import { CallJournal, createJournaledBackend } from './call-journal.ts';
import { CloneProcessHost, type CloneProcessInfo, type CloneProcessOptions } from './clone-processes.ts';
import {
  createRealTimeClock,
  createVirtualClock,
  type SimulatorClock,
  type SimulatorClockMode,
} from '../shared/clock.ts';
import { GridcentricEngine } from './engine.ts';
import { FaultTable } from '../shared/faults.ts';
import type { FaultableFunction, GridcentricFaultSpec } from './fault-spec.ts';
import { createSimulatedGuestApi } from './guest-api.ts';
import { isLive, type DomainRecord, type ReapCause, type TicketLifecycle } from './model.ts';

/** Options of {@link createGridcentricSimulator}; every delay is in simulated milliseconds. */
export interface GridcentricSimulatorOptions {
  /** Clone slots of the controller's pool (default 8). */
  readonly capacity?: number;
  /** The master VM's vmid (default 1); clones get the following ids. */
  readonly masterVmid?: number;
  /** How long a clone stays CREATING before it turns ONLINE and its clone-side code runs (default 10). */
  readonly bootDelay?: number;
  /** How long each controller round trip takes (default 0: calls complete as soon as the current work is done). */
  readonly controllerLatency?: number;
  /** `virtual` (default): time moves only through `clock.advance()`; `real`: wall-clock timers, for demos. */
  readonly clock?: SimulatorClockMode;
  /** Real mode only: wall-clock milliseconds per simulated millisecond (default 1). */
  readonly realTimeScale?: number;
  /** The address of a VM (default: {@link deriveCloneIp}, 10.x.y.z from the vmid). */
  readonly ipForVmid?: (vmid: number) => string;
  /** What `gc_version` reports (default {@link GC_SIMULATED_LIBRARY_VERSION}). */
  readonly version?: string;
  /**
   * Process-level clones: every clone made through the master's {@link GridcentricSimulator.backend}
   * runs as a real OS process, a copy of this program started again from its entry point, in which
   * the same `clone()` call returns 0 (see `openSimulatedGuest` and the simulation guide). `true`
   * takes the defaults (this process's entry point, arguments and Node options). Default: off,
   * clones run no program of their own (the `onClone` hook stands in for their half).
   */
  readonly cloneProcesses?: boolean | CloneProcessOptions;
}

/**
 * What the clone-side hook receives: the clone's half of the fork. Inside the clone `gc_clone`
 * returned 0 ({@link CloneSide.returned}), and `myIp()` through {@link CloneSide.library} or
 * {@link CloneSide.backend} is the clone's own address.
 */
export interface CloneSide {
  /** The clone's vmid. */
  readonly vmid: number;
  /** The VM whose `gc_clone` created it. */
  readonly parentVmid: number;
  /** The ticket it was created under. */
  readonly ticket: number;
  /** What `gc_clone` returned in the clone: always 0, as fork() returns 0 in the child. */
  readonly returned: 0;
  /** The C-level API bound to the clone. */
  readonly library: GcGuestApi;
  /** A backend bound to the clone (the simulator's backend over {@link CloneSide.library}). */
  readonly backend: GridcentricBackend;
}

/**
 * Code that runs inside a clone once it turns ONLINE. Returning (or resolving to) a number makes
 * the clone exit with that code (EXITED); throwing or rejecting crashes it (CRASHED); returning
 * nothing (or anything else) leaves it running.
 */
export type CloneHook = (side: CloneSide) => unknown;

/** One domain as {@link GridcentricSimulator.inspect} reports it. */
export interface DomainSnapshot {
  /** The domain's id. */
  readonly vmid: number;
  /** The VM that cloned it; undefined for the master. */
  readonly parentVmid: number | undefined;
  /** The ticket it was cloned under; 0 for the master. */
  readonly ticket: number;
  /** Its current status. */
  readonly status: DomainStatus;
  /** Its address. */
  readonly ip: string;
  /** True if its ticket is independent. */
  readonly independent: boolean;
  /** Its exit record, once terminated. */
  readonly exit: GcDomainExit | undefined;
  /** Position in the global termination order, once terminated. */
  readonly terminationOrder: number | undefined;
  /** Who took it off the lists, if anyone did. */
  readonly reapedBy: ReapCause | undefined;
  /** The errno its guest interface fails with while detached. */
  readonly detached: 'ENODEV' | 'EIO' | undefined;
  /** What the clone-side hook threw or rejected with, when that crashed the clone. */
  readonly hookError: unknown;
}

/** One ticket as {@link GridcentricSimulator.inspect} reports it (cancelled and discarded ones too). */
export interface TicketSnapshot {
  /** The ticket id. */
  readonly ticket: number;
  /** The VM that requested it. */
  readonly ownerVmid: number;
  /** The count asked for. */
  readonly requested: number;
  /** The capacity granted. */
  readonly granted: number;
  /** Clone calls consumed. */
  readonly used: number;
  /** Set by gc_make_ticket_independent. */
  readonly independent: boolean;
  /** Held, cancelled or discarded. */
  readonly state: TicketLifecycle;
  /** Every clone created under it, reaped ones included. */
  readonly vmids: readonly number[];
}

/** One pending blocking wait as {@link GridcentricSimulator.inspect} reports it. */
export interface WaitSnapshot {
  /** The VM that waits. */
  readonly callerVmid: number;
  /** gc_wait_domain, gc_wait_any or gc_sync_ticket. */
  readonly kind: 'domain' | 'any' | 'sync';
  /** The vmid (domain) or ticket (sync) waited for. */
  readonly target: number | undefined;
}

/** The whole simulated world at one instant. */
export interface GridcentricSimulatorSnapshot {
  /** Simulated milliseconds since creation. */
  readonly time: number;
  /** Total slots of the controller. */
  readonly capacity: number;
  /** Slots held by tickets' unused capacity and by live clones. */
  readonly heldSlots: number;
  /** Slots a request could get now. */
  readonly freeSlots: number;
  /** Every domain ever created, the master first. */
  readonly domains: readonly DomainSnapshot[];
  /** Every ticket ever issued. */
  readonly tickets: readonly TicketSnapshot[];
  /** The pending blocking waits. */
  readonly waits: readonly WaitSnapshot[];
}

/**
 * World controls: what happens around the code under test (clones exiting, crashing, pausing; the
 * controller's pool; a VM losing its guest interface). They act directly on the simulated cluster,
 * as the contract simulator's `ContractWorld` acts on its kernel.
 */
export interface GridcentricWorld {
  /** The clone shuts down cleanly with `code` (it must be ONLINE: a paused or booting VM runs no code). */
  exit(vmid: number, code?: number): void;
  /** The clone crashes (from any live status), with `code` as its exit code (default 0). */
  crash(vmid: number, code?: number): void;
  /** The clone is paused (from ONLINE). */
  pause(vmid: number): void;
  /** The paused clone runs again. */
  resume(vmid: number): void;
  /** Changes the controller's pool size; slots already held stay held. */
  setCapacity(capacity: number): void;
  /** Cuts the VM's guest interface off: `gc_check` and every call fail with `errno`; pending waits end with it. */
  detach(errno?: 'ENODEV' | 'EIO', vmid?: number): void;
  /** Restores the VM's guest interface. */
  attach(vmid?: number): void;
}

/**
 * A simulated Gridcentric cluster: a controller with a pool of clone slots, a master VM, and the
 * clones the VMs create. Code under test talks to a VM through its C-level API ({@link library}) or
 * a backend over it ({@link backend}); tests drive the rest of the world through {@link world}.
 */
export interface GridcentricSimulator extends Disposable {
  /** The simulator's clock (virtual by default). */
  readonly clock: SimulatorClock;
  /** The master VM's vmid. */
  readonly masterVmid: number;
  /** The C-level API of the VM `vmid` (default: the master), one object per VM. */
  library(vmid?: number): GcGuestApi;
  /**
   * A backend bound to the VM `vmid` (default: the master), built on {@link library}. With
   * `cloneProcesses`, the master's backends record the program's calls, and each clone they make
   * runs as a process of its own.
   */
  backend(vmid?: number): GridcentricBackend;
  /** Registers clone-side code, run in every clone as it turns ONLINE; returns a function that unregisters it. */
  onClone(hook: CloneHook): () => void;
  /** World controls: what happens to the clones and the controller around the code under test. */
  readonly world: GridcentricWorld;
  /** Arms a fault on a C function; returns a function that disarms it. */
  injectFault(spec: GridcentricFaultSpec): () => void;
  /** Disarms every fault. */
  clearFaults(): void;
  /** The status of any domain ever created, reaped or not. */
  statusOf(vmid: number): DomainStatus;
  /** How many blocking waits are pending (from the VM `vmid`, or from any VM). */
  pendingWaits(vmid?: number): number;
  /** A snapshot of the whole world. */
  inspect(): GridcentricSimulatorSnapshot;
  /** Ends the simulation: every VM is cut off, so pending waits and later calls fail with EIO, and every clone process is killed by its pid. Idempotent. */
  close(): void;
  /** The clone processes running now (process-level clones only; otherwise empty). */
  cloneProcesses(): CloneProcessInfo[];
  /** {@link GridcentricSimulator.close}, then resolves once every clone process has exited (each killed by its pid). */
  [Symbol.asyncDispose](): Promise<void>;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function nonNegativeDelay(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

/** Creates an independent simulated cluster; nothing is shared between simulators. */
export function createGridcentricSimulator(options: GridcentricSimulatorOptions = {}): GridcentricSimulator {
  const capacity = nonNegativeInteger(options.capacity ?? 8, 'capacity');
  const masterVmid = nonNegativeInteger(options.masterVmid ?? 1, 'masterVmid');
  if (masterVmid === 0) throw new RangeError('masterVmid must be >= 1 (0 is what gc_clone returns in a clone)');
  const bootDelay = nonNegativeDelay(options.bootDelay ?? 10, 'bootDelay');
  const controllerLatency = nonNegativeDelay(options.controllerLatency ?? 0, 'controllerLatency');
  const clock = options.clock === 'real' ? createRealTimeClock(options.realTimeScale ?? 1) : createVirtualClock();
  const ipForVmid = options.ipForVmid ?? ((vmid: number) => deriveCloneIp(vmid));
  const hooks = new Set<CloneHook>();
  const guests = new Map<number, GcGuestApi>();
  const faults = new FaultTable<FaultableFunction>();
  let disposed = false;
  const version = options.version ?? GC_SIMULATED_LIBRARY_VERSION;
  // Set below when process-level clones are on; the engine's hooks reach it through this binding.
  let host: CloneProcessHost | undefined;

  const engine = new GridcentricEngine(clock, {
    capacity,
    masterVmid,
    bootDelay,
    ipForVmid,
    onOnline: (domain) => {
      host?.online(domain);
      runCloneHooks(domain);
    },
    onTerminate: (domain) => {
      host?.terminated(domain);
    },
  });
  const context = { engine, faults, version, controllerLatency };

  const record = (vmid: number): DomainRecord => {
    const domain = engine.domain(vmid);
    if (domain === undefined) throw new RangeError(`no simulated domain has vmid ${vmid}`);
    return domain;
  };
  const clone = (vmid: number): DomainRecord => {
    const domain = record(vmid);
    if (domain.parent === undefined)
      throw new RangeError(`vmid ${vmid} is the master VM; world controls act on clones`);
    return domain;
  };
  const library = (vmid: number = masterVmid): GcGuestApi => {
    let api = guests.get(vmid);
    if (api === undefined) {
      api = createSimulatedGuestApi(context, record(vmid));
      guests.set(vmid, api);
    }
    return api;
  };

  // The master program's calls, whatever number of backends it opens: a clone process replays them.
  let journal: CallJournal | undefined;
  if (options.cloneProcesses !== undefined && options.cloneProcesses !== false) {
    const processOptions = options.cloneProcesses === true ? {} : options.cloneProcesses;
    const started = new CloneProcessHost(processOptions, {
      backend: (vmid) => createGuestApiBackend(library(vmid)),
      domain: (vmid) => engine.domain(vmid),
      terminate: (domain, how, code) => {
        engine.terminate(domain, how, code);
      },
      version,
    });
    host = started;
    const recorded = new CallJournal((clonePoint, vmid, ticket) => {
      started.addImage({ vmid, parentVmid: masterVmid, ticket, entries: recorded.snapshot(), clonePoint });
    });
    journal = recorded;
  }
  const backendOf = (vmid: number = masterVmid): GridcentricBackend => {
    const plain = createGuestApiBackend(library(vmid));
    return journal !== undefined && vmid === masterVmid ? createJournaledBackend(plain, journal) : plain;
  };

  function runCloneHooks(domain: DomainRecord): void {
    if (hooks.size === 0 || domain.parent === undefined || domain.ticket === undefined) return;
    const side: CloneSide = {
      vmid: domain.vmid,
      parentVmid: domain.parent.vmid,
      ticket: domain.ticket.id,
      returned: 0,
      library: library(domain.vmid),
      backend: createGuestApiBackend(library(domain.vmid)),
    };
    const crashWith = (error: unknown): void => {
      if (!isLive(domain)) return;
      domain.hookError = error;
      engine.terminate(domain, 'CRASHED', 0);
    };
    const exitWith = (outcome: unknown): void => {
      if (typeof outcome === 'number' && domain.status === 'ONLINE') engine.terminate(domain, 'EXITED', outcome);
    };
    for (const hook of [...hooks]) {
      try {
        const outcome = hook(side);
        if (outcome instanceof Promise) (outcome as Promise<unknown>).then(exitWith, crashWith);
        else exitWith(outcome);
      } catch (error) {
        crashWith(error);
      }
    }
  }

  const world: GridcentricWorld = {
    exit(vmid, code = 0) {
      const domain = clone(vmid);
      if (domain.status !== 'ONLINE')
        throw new Error(`clone ${vmid} is ${domain.status}: only an ONLINE clone runs code that can exit`);
      engine.terminate(domain, 'EXITED', code);
    },
    crash(vmid, code = 0) {
      const domain = clone(vmid);
      if (!isLive(domain)) throw new Error(`clone ${vmid} already terminated (${domain.status})`);
      engine.terminate(domain, 'CRASHED', code);
    },
    pause(vmid) {
      const domain = clone(vmid);
      if (domain.status !== 'ONLINE')
        throw new Error(`clone ${vmid} is ${domain.status}: only an ONLINE clone can be paused`);
      domain.status = 'PAUSED';
    },
    resume(vmid) {
      const domain = clone(vmid);
      if (domain.status !== 'PAUSED') throw new Error(`clone ${vmid} is ${domain.status}, not PAUSED`);
      domain.status = 'ONLINE';
    },
    setCapacity(newCapacity) {
      engine.slots.resize(nonNegativeInteger(newCapacity, 'capacity'));
    },
    detach(errno = 'ENODEV', vmid = masterVmid) {
      if (!(['ENODEV', 'EIO'] as const as readonly string[]).includes(errno))
        throw new RangeError(`detach takes 'ENODEV' or 'EIO', got ${errno}`);
      engine.setDetached(record(vmid), errno);
      host?.detached(vmid, errno);
    },
    attach(vmid = masterVmid) {
      engine.setDetached(record(vmid), undefined);
      host?.detached(vmid, undefined);
    },
  };

  const simulator: GridcentricSimulator = {
    clock,
    masterVmid,
    library,
    backend: backendOf,
    world,
    onClone(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    injectFault(spec) {
      if ((spec.operation as string) === 'gc_version')
        throw new RangeError('gc_version cannot fail: it returns a static string');
      return faults.add(spec, spec.vmid);
    },
    clearFaults() {
      faults.clear();
    },
    statusOf: (vmid) => record(vmid).status,
    pendingWaits: (vmid) =>
      engine.waiters().filter((waiter) => vmid === undefined || waiter.caller.vmid === vmid).length,
    inspect() {
      return {
        time: clock.now(),
        capacity: engine.slots.capacity,
        heldSlots: engine.slots.held,
        freeSlots: engine.slots.free,
        domains: engine.domains().map((domain) => ({
          vmid: domain.vmid,
          parentVmid: domain.parent?.vmid,
          ticket: domain.ticket?.id ?? 0,
          status: domain.status,
          ip: domain.ip,
          independent: domain.ticket?.independent ?? false,
          exit: domain.exit,
          terminationOrder: domain.terminationOrder,
          reapedBy: domain.reapedBy,
          detached: domain.detached,
          hookError: domain.hookError,
        })),
        tickets: engine.tickets().map((ticket) => ({
          ticket: ticket.id,
          ownerVmid: ticket.owner.vmid,
          requested: ticket.requested,
          granted: ticket.granted,
          used: ticket.used,
          independent: ticket.independent,
          state: ticket.state,
          vmids: ticket.domains.map((domain) => domain.vmid),
        })),
        waits: engine.waiters().map((waiter) => ({
          callerVmid: waiter.caller.vmid,
          kind: waiter.kind,
          target: waiter.kind === 'domain' ? waiter.vmid : waiter.kind === 'sync' ? waiter.ticket : undefined,
        })),
      };
    },
    close() {
      if (disposed) return;
      disposed = true;
      hooks.clear();
      faults.clear();
      // Cut every VM off rather than stopping the clock: calls in flight still complete (with EIO).
      for (const domain of engine.domains()) engine.setDetached(domain, 'EIO');
      // A clone process outliving its simulator would be a stray: each is killed by its pid.
      void host?.close();
    },
    [Symbol.dispose]() {
      simulator.close();
    },
    cloneProcesses: () => host?.processes() ?? [],
    async [Symbol.asyncDispose]() {
      simulator.close();
      await host?.close();
    },
  };
  return simulator;
}
