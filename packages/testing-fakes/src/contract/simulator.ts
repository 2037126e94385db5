import type { ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { basename } from 'node:path';
import {
  CT_DEV_ACKTIME,
  CT_PR_INHERIT,
  CT_PR_KEEP_EXEC,
  CT_PR_REGENT,
  DEVICE_STATES,
  ContractError,
  type ContractBackend,
  type ContractType,
  type DeviceStateName,
  type TemplateTermValues,
} from '@sysbind/contract-interface';
import { createSimulatorBackend, type SimulatorBackendOptions } from './backend.ts';
import { Errno } from './errno.ts';
import {
  createRealTimeClock,
  createVirtualClock,
  type SimulatorClock,
  type SimulatorClockMode,
} from '../shared/clock.ts';
import { FaultTable } from '../shared/faults.ts';
import type { ContractFaultOperation, ContractFaultSpec } from './fault-spec.ts';
import { ContractEngine, createLwp, type CoreFiles } from './engine.ts';
import { SimLibcontract } from './libcontract.ts';
import type { Privilege, SimContract, SimProcess } from './model.ts';
import { OpenFileTable } from './open-files.ts';
import { registerForkCapturer, unregisterForkCapturer, type ForkCapturer } from './real-children.ts';
import { signalNumber } from './signals.ts';
import {
  defaultTemplate,
  setCritical,
  setFatal,
  setInformative,
  setParam,
  setSvcAux,
  setSvcFmri,
  type TemplateState,
} from './template-state.ts';

/** Options of {@link createContractSimulator}. */
export interface ContractSimulatorOptions {
  /** pid of the simulated process the default backend acts as (default: this Node process's pid). */
  readonly pid?: number;
  /** Its effective uid (default 100). */
  readonly euid?: number;
  /** Its privileges (default: none of the contract privileges). */
  readonly privileges?: readonly Privilege[];
  /** Parameters of the process contract it is a member of (default INHERIT|REGENT, like an SMF service). */
  readonly contractParams?: number;
  /** Its execname (default `'node'`). */
  readonly execname?: string;
  /**
   * Whether real children spawned with node:child_process while the main LWP of the simulated
   * self process has an active process template get contracts (default true).
   */
  readonly followRealChildren?: boolean;
  /** `virtual` (default): time moves only through `clock.advance()`; `real`: wall-clock timers, for demos. */
  readonly clock?: SimulatorClockMode;
  /** Real mode only: wall-clock milliseconds per simulated millisecond (default 1). */
  readonly realTimeScale?: number;
}

/** Process-template terms a world-control fork may use instead of the LWP's active template. */
export type SimulatedProcessTemplate = Partial<
  Pick<TemplateTermValues, 'cookie' | 'critical' | 'informative' | 'fatal' | 'param' | 'svc_fmri' | 'svc_aux'>
>;

/** A snapshot of a simulated process. */
export interface SimulatedProcessInfo {
  /** Process id. */
  readonly pid: number;
  /** Parent process id. */
  readonly ppid: number;
  /** Process group. */
  readonly pgid: number;
  /** Effective uid. */
  readonly euid: number;
  /** Contract-related privileges. */
  readonly privileges: readonly Privilege[];
  /** Name of the executable. */
  readonly execname: string;
  /** The process contract it is a member of. */
  readonly contract: number;
  /** Contracts it owns. */
  readonly held: readonly number[];
  /** True if it stands for a real child process. */
  readonly real: boolean;
}

/** A snapshot of a simulated contract (kernel view, no permission checks). */
export interface SimulatedContractInfo {
  /** Contract id. */
  readonly ctid: number;
  /** Contract type. */
  readonly type: ContractType;
  /** A CTS_* value. */
  readonly state: number;
  /** Owner pid while owned, else 0. */
  readonly ownerPid: number;
  /** Regent contract while inherited, else 0. */
  readonly regent: number;
  /** Member pids (process contracts). */
  readonly members: readonly number[];
  /** Contracts this regent has inherited. */
  readonly inherited: readonly number[];
  /** Unacknowledged critical events. */
  readonly nevents: number;
  /** evids of the unacknowledged critical events, oldest first. */
  readonly unacknowledged: readonly bigint[];
}

/** Outcome of a device state change. */
export type DeviceChangeOutcome = 'changed' | 'negotiating' | 'blocked';

/**
 * World controls: what happens around the code under test (processes forking, exiting, dying;
 * devices changing state; privileges). They act directly on the simulated kernel.
 */
export interface ContractWorld {
  /**
   * fork(2) by `parent` (LWP 1 unless `lwp`): uses that LWP's active process template, or
   * `template` when given (`null` forces none). Returns the child's pid.
   */
  fork(
    parent: number,
    options?: {
      readonly lwp?: number;
      readonly template?: SimulatedProcessTemplate | null;
      readonly execname?: string;
    },
  ): number;
  /** exit(2) with `code` (default 0). */
  exit(pid: number, code?: number): void;
  /**
   * A fatal signal kills `pid`. `sender` is the sending pid (omit for unknown); core-default
   * signals publish pr_core, and `core` says which core files were written.
   */
  kill(
    pid: number,
    signal: number | NodeJS.Signals,
    options?: { readonly sender?: number; readonly core?: CoreFiles },
  ): void;
  /** `pid` dumps core (signal default SIGSEGV) writing `core`. */
  dumpCore(pid: number, core: CoreFiles, signal?: number | NodeJS.Signals): void;
  /** An uncorrectable hardware error kills `pid`. */
  hardwareError(pid: number): void;
  /** exec(2) by `pid`: clears its LWPs' templates and latest, except KEEP_EXEC process templates. */
  exec(pid: number, execname?: string): void;
  /** lwp_create by `pid` from LWP `from` (default 1): returns the new LWP id. */
  createLwp(pid: number, from?: number): number;
  /** setpgid. */
  setProcessGroup(pid: number, pgid: number): void;
  /** Changes a process's euid and/or privileges. */
  setCredentials(
    pid: number,
    credentials: { readonly euid?: number; readonly privileges?: readonly Privilege[] },
  ): void;
  /** Adds a device minor node (devfs path without `/devices`). */
  addDevice(path: string, state?: DeviceStateName): void;
  /** Changes a device's state, negotiating with its contracts when going offline. */
  setDeviceState(path: string, state: DeviceStateName): DeviceChangeOutcome;
  /** A device's current state. */
  deviceState(path: string): DeviceStateName;
  /** Snapshot of a living process. */
  process(pid: number): SimulatedProcessInfo | undefined;
  /** Snapshot of a contract still in the table. */
  contract(ctid: number): SimulatedContractInfo | undefined;
  /** pids of all living processes. */
  pids(): number[];
  /** ids of all contracts in the table. */
  ctids(): number[];
}

/** A simulated contract(5) system. See the contract simulation guide for what it models. */
export interface ContractSimulator extends Disposable {
  /** The simulated process standing for this Node process (and its main LWP). */
  readonly self: {
    /** Its pid (default: this Node process's pid). */
    readonly pid: number;
    /** Its main LWP, the JS thread. */
    readonly lwp: 1;
  };
  /** World controls. */
  readonly world: ContractWorld;
  /** The simulator's clock (virtual by default): negotiation deadlines (60 s) run on it. */
  readonly clock: SimulatorClock;
  /** libcontract as called by process `pid` (default self) from LWP `lwp` (default 1). */
  library(pid?: number, lwp?: number): SimLibcontract;
  /** Arms a fault on a libcontract function or system call (or `'fork'`); returns a function that disarms it. */
  injectFault(spec: ContractFaultSpec): () => void;
  /** Disarms every fault. */
  clearFaults(): void;
  /** A ContractBackend over this simulator, acting as self (or `options.pid`). */
  backend(options?: SimulatorBackendOptions): ContractBackend;
  /** Stops following real children and releases the ChildProcess hook. Idempotent; also `[Symbol.dispose]`. */
  close(): void;
}

// libuv's errors (negated errnos) for which ChildProcess#spawn made no child at all.
const NO_FORK_ERRORS = new Set([osConstants.errno.EAGAIN, osConstants.errno.EMFILE, osConstants.errno.ENFILE]);

function signalOrThrow(signal: number | string): number {
  const value = signalNumber(signal);
  if (value === undefined) throw new RangeError(`unknown signal ${String(signal)}`);
  return value;
}

export type { DeviceStateName };

function stateBit(state: DeviceStateName): number {
  const bit = Object.hasOwn(DEVICE_STATES, state) ? DEVICE_STATES[state] : undefined;
  if (bit === undefined) throw new RangeError(`unknown device state ${state}`);
  return bit;
}

function stateName(bit: number): DeviceStateName {
  for (const [name, value] of Object.entries(DEVICE_STATES)) if (value === bit) return name as DeviceStateName;
  return 'offline';
}

/** `describe(found)`, or undefined when the lookup found nothing: the world's snapshot queries. */
function snapshotOf<T, S>(found: T | undefined, describe: (found: T) => S): S | undefined {
  return found === undefined ? undefined : describe(found);
}

/** A living process as `world.process()` reports it: copies, so the snapshot does not move with the kernel. */
function processSnapshot(found: SimProcess): SimulatedProcessInfo {
  const { pid, ppid, pgid, euid, execname, contract } = found;
  const real = found.real !== undefined;
  return { pid, ppid, pgid, euid, privileges: [...found.privileges], execname, contract, held: [...found.held], real };
}

/** A contract in the table as `world.contract()` reports it (kernel view, no permission checks). */
function contractSnapshot(found: SimContract): SimulatedContractInfo {
  return {
    ctid: found.id,
    type: found.type,
    state: found.state,
    ownerPid: found.ownerPid,
    regent: found.regent,
    members: [...found.members],
    inherited: [...found.inherited],
    nevents: found.unacked.size,
    unacknowledged: [...found.unacked.keys()],
  };
}

/** Creates a simulated contract(5) system. Each one is independent: no state is shared. */
export function createContractSimulator(options: ContractSimulatorOptions = {}): ContractSimulator {
  const clock = options.clock === 'real' ? createRealTimeClock(options.realTimeScale ?? 1) : createVirtualClock();
  const engine = new ContractEngine({
    clock,
    selfPid: options.pid ?? process.pid,
    selfEuid: options.euid ?? 100,
    selfPrivileges: options.privileges ?? [],
    selfContractParams: options.contractParams ?? CT_PR_INHERIT | CT_PR_REGENT,
    selfExecname: options.execname ?? 'node',
  });
  const files = new OpenFileTable(engine);
  engine.onProcessExit = (pid) => {
    files.closeAll(pid);
  };
  const faults = new FaultTable<ContractFaultOperation>();
  const selfPid = engine.selfPid;
  const followReal = options.followRealChildren ?? true;
  let closed = false;

  const capturer: ForkCapturer = {
    captureFork(child: ChildProcess, spawnResult: number): void {
      const self = engine.livingProcess(selfPid);
      const lwp = self?.lwps.get(1);
      if (self === undefined || lwp?.active.process === undefined) return;
      const pid = child.pid;
      if (pid === undefined) {
        // No fork happened: fork(2) itself failed (EAGAIN; on illumos also contract_process_fork
        // at project.max-contracts), or uv_spawn ran out of descriptors for its pipes before
        // forking (EMFILE, ENFILE). No child, so no contract, and the LWP's latest is unchanged.
        if (NO_FORK_ERRORS.has(-spawnResult)) return;
        // uv_spawn forks before exec fails: the contract exists and its only member exits 127.
        const failed = engine.livingProcess(engine.fork(self, lwp, {}));
        if (failed !== undefined) engine.exitWithCode(failed, 127);
        return;
      }
      engine.fork(self, lwp, {
        pid,
        execname: basename(child.spawnfile),
        real: {
          kill(signal: number): boolean {
            try {
              return process.kill(pid, signal);
            } catch {
              return false;
            }
          },
        },
      });
      child.once('exit', (code, signal) => {
        realChildExited(pid, code, signal);
      });
    },
  };

  function realChildExited(pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const member = engine.livingProcess(pid);
    if (member === undefined) return;
    if (signal === null) {
      engine.exitWithCode(member, code ?? 0);
      return;
    }
    const sender = member.lastSender;
    member.lastSender = undefined;
    engine.killBySignal(
      member,
      signalOrThrow(signal),
      sender === undefined ? {} : sender.pid === 0 ? { kernel: true } : { pid: sender.pid },
    );
  }

  let capturing = false;
  const templateChanged = (pid: number, lwpId: number): void => {
    if (pid !== selfPid || lwpId !== 1 || !followReal || closed) return;
    const active = engine.livingProcess(selfPid)?.lwps.get(1)?.active.process !== undefined;
    if (active && !capturing) registerForkCapturer(capturer);
    if (!active && capturing) unregisterForkCapturer(capturer);
    capturing = active;
  };

  const context = { engine, files, faults, templateChanged };
  const apis = new Map<string, SimLibcontract>();

  function living(pid: number, operation: string): SimProcess {
    const found = engine.livingProcess(pid);
    if (found === undefined) throw ContractError.fromErrno(Errno.ESRCH, operation);
    return found;
  }

  function buildTemplate(forker: SimProcess, spec: SimulatedProcessTemplate): TemplateState {
    const template = defaultTemplate('process');
    const caller = { contractEvent: forker.privileges.has('contract_event') };
    const steps: [string, () => number][] = [];
    if (spec.param !== undefined)
      steps.push(['ct_pr_tmpl_set_param', () => setParam(template, spec.param ?? 0, caller)]);
    if (spec.fatal !== undefined)
      steps.push(['ct_pr_tmpl_set_fatal', () => setFatal(template, spec.fatal ?? 0, caller)]);
    if (spec.informative !== undefined) {
      steps.push(['ct_tmpl_set_informative', () => setInformative(template, spec.informative ?? 0)]);
    }
    if (spec.critical !== undefined) {
      steps.push(['ct_tmpl_set_critical', () => setCritical(template, spec.critical ?? 0, caller)]);
    }
    if (spec.svc_fmri !== undefined)
      steps.push(['ct_pr_tmpl_set_svc_fmri', () => setSvcFmri(template, spec.svc_fmri ?? '')]);
    if (spec.svc_aux !== undefined)
      steps.push(['ct_pr_tmpl_set_svc_aux', () => setSvcAux(template, spec.svc_aux ?? '')]);
    for (const [operation, step] of steps) {
      const errno = step();
      if (errno !== 0) throw ContractError.fromErrno(errno, operation);
    }
    if (spec.cookie !== undefined) template.cookie = BigInt.asUintN(64, spec.cookie);
    return template;
  }

  const world: ContractWorld = {
    fork(parent, forkOptions = {}) {
      const forker = living(parent, 'fork');
      const lwp = forker.lwps.get(forkOptions.lwp ?? 1);
      if (lwp === undefined) throw ContractError.fromErrno(Errno.ESRCH, 'fork');
      const injected = faults.take('fork', forker.pid);
      if (injected !== 0) throw ContractError.fromErrno(injected, 'fork');
      const template =
        forkOptions.template === undefined
          ? undefined
          : forkOptions.template === null
            ? null
            : buildTemplate(forker, forkOptions.template);
      return engine.fork(forker, lwp, {
        ...(template === undefined ? {} : { template }),
        ...(forkOptions.execname === undefined ? {} : { execname: forkOptions.execname }),
      });
    },
    exit(pid, code = 0) {
      engine.exitWithCode(living(pid, 'exit'), code);
    },
    kill(pid, signal, killOptions = {}) {
      const victim = living(pid, 'kill');
      engine.killBySignal(
        victim,
        signalOrThrow(signal),
        killOptions.sender === undefined ? {} : { pid: killOptions.sender },
        killOptions.core,
      );
    },
    dumpCore(pid, core, signal = 'SIGSEGV') {
      engine.killBySignal(living(pid, 'kill'), signalOrThrow(signal), { kernel: true }, core);
    },
    hardwareError(pid) {
      engine.hardwareError(living(pid, 'hwerr'));
    },
    exec(pid, execname) {
      const target = living(pid, 'exec');
      if (execname !== undefined) target.execname = execname;
      for (const lwp of target.lwps.values()) {
        const keep = lwp.active.process !== undefined && (lwp.active.process.param & CT_PR_KEEP_EXEC) !== 0;
        if (!keep) lwp.active.process = undefined;
        lwp.active.device = undefined;
        for (const type of ['process', 'device'] as const) {
          const latest = lwp.latest[type];
          lwp.latest[type] = undefined;
          const contract = latest === undefined ? undefined : engine.contracts.get(latest);
          if (contract !== undefined) engine.release(contract);
        }
        templateChanged(pid, lwp.id);
      }
    },
    createLwp(pid, from = 1) {
      const target = living(pid, 'lwp_create');
      return createLwp(target, target.lwps.get(from)).id;
    },
    setProcessGroup(pid, pgid) {
      living(pid, 'setpgid').pgid = pgid;
    },
    setCredentials(pid, credentials) {
      const target = living(pid, 'setppriv');
      if (credentials.euid !== undefined) target.euid = credentials.euid;
      if (credentials.privileges !== undefined) {
        target.privileges.clear();
        for (const privilege of credentials.privileges) target.privileges.add(privilege);
      }
    },
    addDevice(path, state = 'online') {
      if (engine.devices.has(path)) throw ContractError.fromErrno(Errno.EBUSY, 'mknod', { path });
      engine.devices.set(path, { path, state: stateBit(state), contracts: new Set(), pending: undefined });
    },
    setDeviceState(path, state) {
      const device = engine.devices.get(path);
      if (device === undefined) throw ContractError.fromErrno(Errno.ENOENT, 'devctl', { path });
      const outcome = engine.changeDeviceState(device, stateBit(state));
      if (outcome === 'busy') throw ContractError.fromErrno(Errno.EBUSY, 'devctl', { path });
      // The holders have CT_DEV_ACKTIME seconds to answer (wait_for_acks): time them out on the clock.
      if (outcome === 'negotiating') {
        clock.schedule(CT_DEV_ACKTIME * 1000, () => {
          engine.expireNegotiations();
        });
      }
      return outcome;
    },
    deviceState(path) {
      const device = engine.devices.get(path);
      if (device === undefined) throw ContractError.fromErrno(Errno.ENOENT, 'devctl', { path });
      return stateName(device.state);
    },
    process: (pid) => snapshotOf(engine.livingProcess(pid), processSnapshot),
    contract: (ctid) => snapshotOf(engine.contracts.get(ctid), contractSnapshot),
    pids() {
      return [...engine.processes.keys()].filter((pid) => engine.livingProcess(pid) !== undefined);
    },
    ctids() {
      return [...engine.contracts.keys()];
    },
  };

  const simulator: ContractSimulator = {
    self: { pid: selfPid, lwp: 1 },
    world,
    clock,
    injectFault: (spec) => faults.add(spec, spec.pid),
    clearFaults() {
      faults.clear();
    },
    library(pid = selfPid, lwp = 1) {
      const key = `${pid}/${lwp}`;
      let api = apis.get(key);
      if (api === undefined) {
        api = new SimLibcontract(context, pid, lwp);
        apis.set(key, api);
      }
      return api;
    },
    backend(backendOptions) {
      return createSimulatorBackend(simulator, backendOptions);
    },
    close() {
      closed = true;
      if (capturing) unregisterForkCapturer(capturer);
      capturing = false;
    },
    [Symbol.dispose]() {
      simulator.close();
    },
  };
  return simulator;
}
