import {
  CT_DEV_ACKTIME,
  CT_DEV_EV_DEGRADED,
  CT_DEV_EV_OFFLINE,
  CT_DEV_EV_ONLINE,
  CT_EV_NEGEND,
  CT_PR_EV_CORE,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  CT_PR_EV_HWERR,
  CT_PR_EV_SIGNAL,
  CT_PR_INHERIT,
  CT_PR_KEEP_EXEC,
  CT_PR_NOORPHAN,
  CT_PR_PGRPONLY,
  CT_PR_REGENT,
  CTS_DEAD,
  CTS_INHERITED,
  CTS_ORPHAN,
  CTS_OWNED,
  type ContractType,
  AckLedger,
  EventQueue,
} from '@sysbind/contract-interface';
import { Errno } from './errno.ts';
import type { EventPayload, SimEvent } from './event.ts';
import type { Privilege, RealProcessLink, SimContract, SimDevice, SimLwp, SimProcess } from './model.ts';
import { CORE_SIGNALS, NON_FATAL_SIGNALS, SIGKILL } from './signals.ts';
import type { TemplateState } from './template-state.ts';
import type { SimulatorClock } from '../shared/clock.ts';
import { exitedStatus, signaledStatus } from './wait-status.ts';

// What a contract holds of its template: the common terms, the process terms, the device terms.
type ContractTerm =
  | 'cookie'
  | 'critical'
  | 'informative'
  | 'param'
  | 'fatal'
  | 'svcFmri'
  | 'svcCtid'
  | 'svcCreator'
  | 'svcAux'
  | 'aset'
  | 'noneg'
  | 'minor';

// The terms of a contract made with none given; those of the other type keep these.
const NO_TERMS: Readonly<Pick<SimContract, ContractTerm>> = {
  cookie: 0n,
  critical: 0,
  informative: 0,
  param: 0,
  fatal: 0,
  svcFmri: '',
  svcCtid: 0,
  svcCreator: '',
  svcAux: '',
  aset: 0,
  noneg: false,
  minor: '',
};

/** Core file paths written for a CORE event. */
export interface CoreFiles {
  /** Per-process core file. */
  readonly process?: string;
  /** Global core file. */
  readonly global?: string;
  /** Zone-wide core file. */
  readonly zone?: string;
}

/** Who sent a signal; undefined pid means unknown (reported without sender). */
export interface SignalSender {
  readonly pid?: number;
  /** The kernel itself (fatal kills, NOORPHAN): never a SIGNAL event. */
  readonly kernel?: boolean;
}

const FIRST_SIMULATED_PID = 5_000_000; // above any Linux pid_max, so real pids never collide
const SCHED_PID = 0;
const INIT_PID = 1;

/** Options of the kernel's initial world. */
export interface EngineSettings {
  readonly selfPid: number;
  readonly selfEuid: number;
  readonly selfPrivileges: readonly Privilege[];
  readonly selfContractParams: number;
  readonly selfExecname: string;
  /** The simulator's clock (negotiation deadlines are read from it). */
  readonly clock: SimulatorClock;
}

/**
 * The model of contract(5) inside the kernel: processes, contracts, queues, devices and the clock.
 * Errors are returned as errno numbers (0 = success), as libcontract reports them.
 */
export class ContractEngine {
  readonly processes = new Map<number, SimProcess>();
  readonly contracts = new Map<number, SimContract>();
  readonly devices = new Map<string, SimDevice>();
  /** Told of every acknowledgement, so queues know to look again at the events they keep. */
  private readonly acks = new AckLedger();
  readonly bundles: Record<ContractType, EventQueue<SimEvent>> = {
    process: new EventQueue<SimEvent>('bundle', this.acks),
    device: new EventQueue<SimEvent>('bundle', this.acks),
  };
  private readonly evids: Record<ContractType, bigint> = { process: 0n, device: 0n };
  private nextCtid = 1;
  private nextPid = FIRST_SIMULATED_PID;
  /** Called when a process has exited (its fds are closed by the ctfs layer). */
  onProcessExit: ((pid: number) => void) | undefined;
  readonly selfPid: number;
  private readonly clock: SimulatorClock;

  constructor(options: EngineSettings) {
    this.selfPid = options.selfPid;
    this.clock = options.clock;
    this.addProcess({ pid: SCHED_PID, ppid: SCHED_PID, euid: 0, execname: 'sched', contract: 0, privileges: [] });
    const initContract = this.createProcessContractRaw(SCHED_PID, 0, 'sched', 'svc:/system/init:default', {});
    this.addProcess({
      pid: INIT_PID,
      ppid: SCHED_PID,
      euid: 0,
      execname: 'init',
      contract: initContract.id,
      privileges: [],
    });
    initContract.members.add(INIT_PID);
    const selfContract = this.createProcessContractRaw(INIT_PID, 0, 'init', 'svc:/application/node:default', {
      param: options.selfContractParams,
    });
    this.addProcess({
      pid: options.selfPid,
      ppid: INIT_PID,
      euid: options.selfEuid,
      execname: options.selfExecname,
      contract: selfContract.id,
      privileges: options.selfPrivileges,
    });
    selfContract.members.add(options.selfPid);
  }

  // ---- processes ------------------------------------------------------------------------------

  addProcess(init: {
    pid: number;
    ppid: number;
    euid: number;
    execname: string;
    contract: number;
    privileges: Iterable<Privilege>;
    pgid?: number;
  }): SimProcess {
    const process: SimProcess = {
      pid: init.pid,
      ppid: init.ppid,
      pgid: init.pgid ?? init.pid,
      euid: init.euid,
      privileges: new Set(init.privileges),
      execname: init.execname,
      alive: true,
      contract: init.contract,
      lwps: new Map([[1, newLwp(1)]]),
      nextLwp: 2,
      held: new Set(),
      pbundles: {},
      real: undefined,
      lastSender: undefined,
    };
    this.processes.set(process.pid, process);
    return process;
  }

  /**
   * `process`'s bundle queue of `type`, created if it has none (contract_type_pbundle). The kernel
   * creates it when the process creates a contract (contract_process_create,
   * contract_device_create), adopts one (contract_adopt) or opens `<type>/pbundle`, so critical
   * events published before a later open are there for a reset to find.
   */
  processBundle(process: SimProcess, type: ContractType): EventQueue<SimEvent> {
    const existing = process.pbundles[type];
    if (existing !== undefined) return existing;
    const queue = new EventQueue<SimEvent>('pbundle', this.acks);
    process.pbundles[type] = queue;
    return queue;
  }

  allocatePid(): number {
    while (this.processes.has(this.nextPid)) this.nextPid++;
    return this.nextPid++;
  }

  livingProcess(pid: number): SimProcess | undefined {
    const process = this.processes.get(pid);
    return process?.alive === true ? process : undefined;
  }

  hasPrivilege(process: SimProcess, privilege: Privilege): boolean {
    return process.privileges.has(privilege);
  }

  /** Whether `sender` may signal `target` (same euid, or PRIV_PROC_OWNER). */
  canSignal(sender: SimProcess | undefined, target: SimProcess): boolean {
    if (sender === undefined) return true;
    return sender.euid === 0 || sender.euid === target.euid || sender.privileges.has('proc_owner');
  }

  // ---- contracts ------------------------------------------------------------------------------

  private createProcessContractRaw(
    ownerPid: number,
    ownerEuid: number,
    creator: string,
    fmri: string,
    terms: Partial<Pick<SimContract, 'param' | 'critical' | 'informative' | 'fatal'>>,
  ): SimContract {
    const id = this.nextCtid++;
    const contract = this.newContract(
      id,
      'process',
      { pid: ownerPid, euid: ownerEuid },
      {
        critical: CT_PR_EV_EMPTY,
        ...terms,
        svcFmri: fmri,
        svcCtid: id,
        svcCreator: creator,
      },
    );
    const owner = this.processes.get(ownerPid);
    if (owner !== undefined) {
      this.processBundle(owner, 'process');
      owner.held.add(id);
    }
    return contract;
  }

  /**
   * A new contract, owned by its author, with the terms given; a term not given (those of the other
   * type among them) is 0, empty or false.
   */
  private newContract(
    id: number,
    type: ContractType,
    author: { readonly pid: number; readonly euid: number },
    terms: Partial<Pick<SimContract, ContractTerm>>,
  ): SimContract {
    const contract: SimContract = {
      id,
      type,
      state: CTS_OWNED,
      ownerPid: author.pid,
      ownerEuid: author.euid,
      authorPid: author.pid,
      regent: 0,
      ...NO_TERMS,
      ...terms,
      authorEuid: author.euid,
      authorProcOwner: this.processes.get(author.pid)?.privileges.has('proc_owner') === true,
      members: new Set(),
      inherited: new Set(),
      negotiation: undefined,
      queue: new EventQueue<SimEvent>('contract', this.acks),
      unacked: new Map(),
      refs: 0,
    };
    this.contracts.set(id, contract);
    return contract;
  }

  /** Drops one reference (fd close, latest slot replaced); a DEAD contract disappears at 0. */
  release(contract: SimContract): void {
    contract.refs--;
    if (contract.refs <= 0 && contract.state === CTS_DEAD) this.contracts.delete(contract.id);
  }

  private setLatest(lwp: SimLwp, type: ContractType, contract: SimContract): void {
    const previous = lwp.latest[type];
    lwp.latest[type] = contract.id;
    contract.refs++;
    if (previous !== undefined) {
      const old = this.contracts.get(previous);
      if (old !== undefined) this.release(old);
    }
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * Publishes an event of `type` on `contract` if its sets ask for it (or `forced`, for device
   * breaks and NEGEND, which are always critical): to the contract's queue, the type bundle and
   * the owner's pbundle (cte_publish_all). Critical events of an ORPHAN or DEAD contract are born
   * acknowledged.
   */
  publish(
    contract: SimContract,
    type: number,
    payload: EventPayload,
    forced = false,
    negotiation = false,
  ): SimEvent | undefined {
    const critical = forced || (contract.critical & type) !== 0;
    if (!critical && (contract.informative & type) === 0) return undefined;
    const evid = ++this.evids[contract.type];
    const event: SimEvent = {
      evid,
      ctid: contract.id,
      contractType: contract.type,
      type,
      critical,
      negotiation,
      acked: critical && (contract.state === CTS_ORPHAN || contract.state === CTS_DEAD),
      negotiationEnded: false,
      ownerEuid: contract.ownerEuid,
      authorEuid: contract.authorEuid,
      payload,
    };
    if (critical && !event.acked) contract.unacked.set(evid, event);
    contract.queue.publish(event);
    this.bundles[contract.type].publish(event);
    if (contract.state === CTS_OWNED) {
      this.processes.get(contract.ownerPid)?.pbundles[contract.type]?.publish(event);
    }
    return event;
  }

  /** ct_ctl_ack's effect: acknowledges an unacked critical event. */
  acknowledge(contract: SimContract, event: SimEvent): void {
    event.acked = true;
    contract.unacked.delete(event.evid);
    this.acks.acknowledged();
  }

  private acknowledgeAll(contract: SimContract): void {
    if (contract.unacked.size === 0) return;
    for (const event of contract.unacked.values()) event.acked = true;
    contract.unacked.clear();
    this.acks.acknowledged();
  }

  // ---- process life ---------------------------------------------------------------------------

  /**
   * fork(2) by `parent`'s LWP: with an active process template (or `template` when given), a new
   * contract owned by the parent holds the child; otherwise the child joins the parent's contract.
   */
  fork(
    parent: SimProcess,
    lwp: SimLwp,
    options: { pid?: number; template?: TemplateState | null; real?: RealProcessLink; execname?: string },
  ): number {
    const template = options.template === undefined ? lwp.active.process : (options.template ?? undefined);
    const pid = options.pid ?? this.allocatePid();
    const child = this.addProcess({
      pid,
      ppid: parent.pid,
      pgid: parent.pgid,
      euid: parent.euid,
      execname: options.execname ?? parent.execname,
      contract: 0,
      privileges: parent.privileges,
    });
    child.real = options.real;
    let contract: SimContract;
    if (template === undefined) {
      const joined = this.contracts.get(parent.contract);
      if (joined === undefined) throw new Error(`simulated process ${parent.pid} is in no contract`);
      contract = joined;
    } else {
      contract = this.createFromProcessTemplate(parent, template);
      this.setLatest(lwp, 'process', contract);
    }
    child.contract = contract.id;
    contract.members.add(pid);
    this.publish(contract, CT_PR_EV_FORK, { pid, ppid: parent.pid });
    if (template !== undefined && (template.param & CT_PR_KEEP_EXEC) !== 0) this.abandon(contract);
    return pid;
  }

  private createFromProcessTemplate(author: SimProcess, template: TemplateState): SimContract {
    this.processBundle(author, 'process');
    const id = this.nextCtid++;
    const parentContract = this.contracts.get(author.contract);
    const inheritFmri = template.svcFmri === undefined;
    const contract = this.newContract(id, 'process', author, {
      cookie: template.cookie,
      critical: template.critical,
      informative: template.informative,
      param: template.param,
      fatal: template.fatal,
      svcFmri: inheritFmri ? (parentContract?.svcFmri ?? '') : (template.svcFmri ?? ''),
      svcCtid: inheritFmri ? (parentContract?.svcCtid ?? id) : id,
      svcCreator: author.execname,
      svcAux: template.svcAux,
    });
    author.held.add(id);
    if (template.transfer !== 0) this.subsume(author, contract, template.transfer);
    return contract;
  }

  /** The transfer term: `successor` takes the inherited contracts of the author's old regent. */
  private subsume(author: SimProcess, successor: SimContract, oldId: number): void {
    const old = this.contracts.get(oldId);
    if (old?.type !== 'process' || old.ownerPid !== author.pid || old.members.size > 0) return;
    for (const ctid of old.inherited) {
      const inherited = this.contracts.get(ctid);
      if (inherited === undefined) continue;
      inherited.regent = successor.id;
      successor.inherited.add(ctid);
    }
    old.inherited.clear();
    this.abandon(old);
  }

  /**
   * Device contract creation (ct_tmpl_create, or open of a minor node under a template):
   * contract_device_create. The device's state is not tested against the A-set: a contract can
   * start with its device outside it, and hears of the device's next change like any other.
   */
  createDeviceContract(author: SimProcess, lwp: SimLwp, template: TemplateState, device: SimDevice): SimContract {
    this.processBundle(author, 'device');
    const contract = this.newContract(this.nextCtid++, 'device', author, {
      cookie: template.cookie,
      critical: template.critical,
      informative: template.informative,
      aset: template.aset,
      noneg: template.noneg,
      minor: device.path,
    });
    author.held.add(contract.id);
    device.contracts.add(contract.id);
    this.setLatest(lwp, 'device', contract);
    return contract;
  }

  /** A member exits with wait(2) status `status`. */
  exit(process: SimProcess, status: number): void {
    if (!process.alive) return;
    process.alive = false;
    // contract_exit: the contracts it holds are inherited or abandoned, its pbundles drained.
    for (const ctid of [...process.held]) {
      const contract = this.contracts.get(ctid);
      if (contract !== undefined) this.ownerExit(process, contract);
    }
    process.held.clear();
    for (const lwp of process.lwps.values()) {
      for (const type of ['process', 'device'] as const) {
        const latest = lwp.latest[type];
        lwp.latest[type] = undefined;
        const contract = latest === undefined ? undefined : this.contracts.get(latest);
        if (contract !== undefined) this.release(contract);
      }
    }
    for (const type of ['process', 'device'] as const) process.pbundles[type]?.drain();
    const contract = this.contracts.get(process.contract);
    if (contract !== undefined) {
      contract.members.delete(process.pid);
      this.publish(contract, CT_PR_EV_EXIT, { pid: process.pid, exitStatus: status });
      if (contract.members.size === 0) {
        this.publish(contract, CT_PR_EV_EMPTY, { pid: process.pid });
        if (contract.state === CTS_ORPHAN) this.destroy(contract);
      }
    }
    this.processes.delete(process.pid);
    this.onProcessExit?.(process.pid);
  }

  /** exit(2) with `code`. */
  exitWithCode(process: SimProcess, code: number): void {
    this.exit(process, exitedStatus(code));
  }

  /**
   * Delivers a fatal `signal`: CORE (for core-default signals) and SIGNAL (if sent from outside
   * the contract by someone other than its holder) as subscribed, then the fatal set, then exit.
   */
  killBySignal(process: SimProcess, signal: number, sender: SignalSender, core?: CoreFiles): void {
    if (!process.alive) return;
    const contract = this.contracts.get(process.contract);
    let occurred = 0;
    let coreWritten = false;
    if (contract !== undefined) {
      if (CORE_SIGNALS.has(signal) || core !== undefined) {
        occurred |= CT_PR_EV_CORE;
        const payload: EventPayload = { pid: process.pid };
        if (core?.process !== undefined) payload.pcorefile = core.process;
        if (core?.global !== undefined) payload.gcorefile = core.global;
        if (core?.zone !== undefined) payload.zcorefile = core.zone;
        coreWritten = core !== undefined && Object.values(core).some((path) => path !== undefined);
        this.publish(contract, CT_PR_EV_CORE, payload);
      }
      const senderProcess = sender.pid === undefined ? undefined : this.processes.get(sender.pid);
      const fromInside =
        sender.kernel === true ||
        (sender.pid !== undefined && (contract.members.has(sender.pid) || contract.ownerPid === sender.pid));
      if (!fromInside) {
        occurred |= CT_PR_EV_SIGNAL;
        const payload: EventPayload = { pid: process.pid, signal };
        if (sender.pid !== undefined) {
          payload.sender = sender.pid;
          if (senderProcess !== undefined) payload.senderCtid = senderProcess.contract;
        }
        this.publish(contract, CT_PR_EV_SIGNAL, payload);
      }
    }
    const victims = contract === undefined ? [] : this.fatalVictims(contract, process, occurred);
    this.exit(process, signaledStatus(signal, coreWritten));
    for (const victim of victims) this.kernelKill(victim);
  }

  /** An uncorrectable hardware error kills `process`: HWERR, then the fatal set, then exit. */
  hardwareError(process: SimProcess): void {
    if (!process.alive) return;
    const contract = this.contracts.get(process.contract);
    let victims: SimProcess[] = [];
    if (contract !== undefined) {
      this.publish(contract, CT_PR_EV_HWERR, { pid: process.pid });
      victims = this.fatalVictims(contract, process, CT_PR_EV_HWERR);
    }
    this.exit(process, signaledStatus(SIGKILL, false));
    for (const victim of victims) this.kernelKill(victim);
  }

  /** Members to SIGKILL after fatal events `occurred` on `offender` (PGRPONLY and permission scoping). */
  private fatalVictims(contract: SimContract, offender: SimProcess, occurred: number): SimProcess[] {
    const fatal = contract.fatal & occurred;
    if (fatal === 0) return [];
    const checkPermission = (fatal & CT_PR_EV_HWERR) === 0;
    const victims: SimProcess[] = [];
    for (const pid of contract.members) {
      if (pid === offender.pid || pid === this.selfPid) continue;
      const member = this.processes.get(pid);
      if (member === undefined) continue;
      if ((contract.param & CT_PR_PGRPONLY) !== 0 && member.pgid !== offender.pgid) continue;
      if (checkPermission && !this.canKill(contract, member, offender)) continue;
      victims.push(member);
    }
    return victims;
  }

  /**
   * contract_process_cankill: the credentials the contract was created with (conp_cred, taken
   * from its creator at creation, not its current owner's) may signal `target`, or else the
   * process whose event triggered the kill may (none for a NOORPHAN abandon).
   */
  private canKill(contract: SimContract, target: SimProcess, offender: SimProcess | undefined): boolean {
    const creator = contract.authorEuid === 0 || contract.authorEuid === target.euid || contract.authorProcOwner;
    return creator || (offender !== undefined && this.canSignal(offender, target));
  }

  /** SIGKILL sent by the kernel (fatal set, NOORPHAN): no SIGNAL event. */
  kernelKill(process: SimProcess): void {
    if (!process.alive) return;
    if (process.real !== undefined) {
      process.lastSender = { pid: 0, ctid: 0 };
      process.real.kill(SIGKILL);
      return;
    }
    this.killBySignal(process, SIGKILL, { kernel: true });
  }

  /**
   * A signal from `sender` (undefined = unknown) reaches `process`. Signals whose default action
   * does not terminate are ignored; real processes are signalled for real and die later.
   */
  signal(process: SimProcess, signal: number, sender: SimProcess | undefined): void {
    if (signal === 0 || !process.alive) return;
    if (process.real !== undefined) {
      process.lastSender = sender === undefined ? undefined : { pid: sender.pid, ctid: sender.contract };
      process.real.kill(signal);
      return;
    }
    if (NON_FATAL_SIGNALS.has(signal) || process.pid === this.selfPid) return;
    this.killBySignal(process, signal, sender === undefined ? {} : { pid: sender.pid });
  }

  // ---- ownership ------------------------------------------------------------------------------

  /** Implicit abandon at owner exit: INHERIT + a REGENT owner contract → INHERITED, else abandon. */
  private ownerExit(owner: SimProcess, contract: SimContract): void {
    const regent = this.contracts.get(owner.contract);
    if (
      contract.type === 'process' &&
      (contract.param & CT_PR_INHERIT) !== 0 &&
      regent !== undefined &&
      (regent.param & CT_PR_REGENT) !== 0 &&
      regent.state !== CTS_DEAD
    ) {
      owner.pbundles.process?.dropContract(contract.id);
      contract.state = CTS_INHERITED;
      contract.ownerPid = 0;
      contract.ownerEuid = undefined;
      contract.regent = regent.id;
      regent.inherited.add(contract.id);
      return;
    }
    this.abandon(contract);
  }

  /**
   * Abandon (explicit, or implicit without inheritance): purge from the owner's pbundle, auto-ack,
   * then device → destroyed; process → destroyed if empty, else NOORPHAN kill and orphaned.
   */
  abandon(contract: SimContract): void {
    const owner = contract.state === CTS_OWNED ? this.processes.get(contract.ownerPid) : undefined;
    if (owner !== undefined) {
      owner.held.delete(contract.id);
      owner.pbundles[contract.type]?.dropContract(contract.id);
    }
    if (contract.state === CTS_INHERITED) this.contracts.get(contract.regent)?.inherited.delete(contract.id);
    this.acknowledgeAll(contract);
    contract.ownerPid = 0;
    contract.ownerEuid = undefined;
    contract.regent = 0;
    if (contract.type === 'device' || contract.members.size === 0) {
      this.destroy(contract);
      return;
    }
    contract.state = CTS_ORPHAN;
    if ((contract.param & CT_PR_NOORPHAN) !== 0) {
      for (const pid of [...contract.members]) {
        const member = this.processes.get(pid);
        if (member !== undefined && pid !== this.selfPid && this.canKill(contract, member, undefined)) {
          this.kernelKill(member);
        }
      }
    }
  }

  /** Destroys `contract`: DEAD, bundle purged, own queue drained, inherited contracts abandoned. */
  destroy(contract: SimContract): void {
    if (contract.state === CTS_DEAD) return;
    if (contract.state === CTS_INHERITED) this.contracts.get(contract.regent)?.inherited.delete(contract.id);
    if (contract.state === CTS_OWNED) {
      const owner = this.processes.get(contract.ownerPid);
      owner?.held.delete(contract.id);
      owner?.pbundles[contract.type]?.dropContract(contract.id);
    }
    contract.state = CTS_DEAD;
    contract.ownerPid = 0;
    contract.ownerEuid = undefined;
    // contract_destroy: the contract's own queue is drained (its critical events acknowledged on
    // the way) and dies, then the type bundle is trimmed of its events.
    this.acknowledgeAll(contract);
    contract.queue.drain();
    this.bundles[contract.type].dropContract(contract.id);
    for (const ctid of [...contract.inherited]) {
      const inherited = this.contracts.get(ctid);
      contract.inherited.delete(ctid);
      if (inherited !== undefined) this.abandon(inherited);
    }
    if (contract.type === 'device') {
      const device = this.devices.get(contract.minor);
      device?.contracts.delete(contract.id);
      contract.negotiation = undefined;
      if (device?.pending !== undefined) {
        device.pending.participants.delete(contract.id);
        this.maybeFinishNegotiation(device);
      }
    }
    if (contract.refs <= 0) this.contracts.delete(contract.id);
  }

  /** ct_ctl_adopt by `process`. */
  adopt(process: SimProcess, contract: SimContract): number {
    if (contract.state !== CTS_INHERITED || contract.regent !== process.contract) return Errno.EINVAL;
    this.contracts.get(contract.regent)?.inherited.delete(contract.id);
    contract.state = CTS_OWNED;
    contract.ownerPid = process.pid;
    contract.ownerEuid = process.euid;
    contract.regent = 0;
    process.held.add(contract.id);
    // cte_copy: the unacknowledged critical events go to the end of the new owner's pbundle, which
    // contract_adopt created first if it had to.
    const bundle = this.processBundle(process, contract.type);
    for (const event of contract.unacked.values()) bundle.append(event);
    return 0;
  }

  // ---- devices --------------------------------------------------------------------------------

  /**
   * Moves a device to `target`, publishing as contract_device_publish does. Only ONLINE ↔
   * DEGRADED (asynchronous) and ONLINE/DEGRADED → OFFLINE (synchronous: negotiated) are
   * transitions contracts hear of (is_sync_neg); any other change (OFFLINE → ONLINE, say)
   * publishes nothing. A device contract has no "broken" state: every change is judged against
   * its A-set and its event sets anew. Returns what happened.
   */
  changeDeviceState(device: SimDevice, target: number): 'changed' | 'negotiating' | 'blocked' | 'busy' {
    if (device.pending !== undefined) return 'busy';
    if (device.state === target) return 'changed';
    const sync = negotiated(device.state, target);
    const contracts = [...device.contracts].flatMap((id) => {
      const contract = this.contracts.get(id);
      return contract === undefined || contract.state === CTS_DEAD ? [] : [contract];
    });
    if (sync === undefined) {
      device.state = target;
      return 'changed';
    }
    if (!sync) {
      // Asynchronous: a contract whose A-set lacks the new state hears of it as a critical event,
      // subscribed or not; the others as their event sets say.
      device.state = target;
      for (const contract of contracts) this.publish(contract, target, {}, (contract.aset & target) === 0);
      return 'changed';
    }
    // Synchronous: a breaking contract negotiates (a CTE_NEG event), unless it is non-negotiable,
    // which NACKs in advance and hears nothing; a contract the change does not break hears of it
    // now, once, if subscribed, whatever the outcome.
    const deadline = this.now + CT_DEV_ACKTIME * 1000;
    const participants = new Set<number>();
    let nacked = false;
    for (const contract of contracts) {
      if ((contract.aset & target) !== 0) {
        this.publish(contract, target, {});
      } else if (contract.noneg) {
        nacked = true;
      } else {
        const event = this.publish(contract, target, {}, true, true);
        if (event !== undefined) contract.negotiation = { evid: event.evid, deadline, answer: 'none' };
        participants.add(contract.id);
      }
    }
    if (participants.size === 0) {
      // wait_for_acks has nobody to wait for, and no NEGEND follows (devi_ct_neg is clear).
      if (nacked) return 'blocked';
      device.state = target;
      return 'changed';
    }
    // With a non-negotiable contract among them the outcome is already a NACK
    // (contract_device_offline → contract_device_negend with CT_EV_FAILURE), but the others
    // still get to answer, up to the timeout, before their NEGEND.
    device.pending = { target, deadline, participants, nacked };
    return 'negotiating';
  }

  /** Records a holder's answer to the negotiation of event `evid`; finishes when all have answered. */
  answerNegotiation(contract: SimContract, answer: 'ack' | 'nack'): void {
    if (contract.negotiation === undefined) return;
    contract.negotiation.answer = answer;
    const device = this.devices.get(contract.minor);
    if (device !== undefined) this.maybeFinishNegotiation(device);
  }

  private maybeFinishNegotiation(device: SimDevice): void {
    const pending = device.pending;
    if (pending === undefined) return;
    const participants = [...pending.participants].flatMap((id) => {
      const contract = this.contracts.get(id);
      return contract?.negotiation === undefined ? [] : [contract];
    });
    const timedOut = this.now >= pending.deadline;
    if (!timedOut && participants.some((contract) => contract.negotiation?.answer === 'none')) return;
    device.pending = undefined;
    const blocked = pending.nacked || participants.some((contract) => contract.negotiation?.answer === 'nack');
    if (!blocked) device.state = pending.target;
    // contract_device_negend: NEGEND, always critical, to each contract that negotiated; newct is
    // 0 when the change happened, the contract's own id when it was blocked.
    for (const contract of participants) {
      const negotiation = contract.negotiation;
      if (negotiation === undefined) continue;
      const event = contract.unacked.get(negotiation.evid);
      if (event !== undefined) event.negotiationEnded = true;
      contract.negotiation = undefined;
      this.publish(contract, CT_EV_NEGEND, { nevid: negotiation.evid, newct: blocked ? contract.id : 0 }, true);
    }
  }

  /** Simulated milliseconds since the simulator was created. */
  get now(): number {
    return this.clock.now();
  }

  /** Ends the negotiations whose 60 s have passed (the simulator calls it when a deadline falls due). */
  expireNegotiations(): void {
    for (const device of this.devices.values()) {
      if (device.pending !== undefined && device.pending.deadline <= this.now) this.maybeFinishNegotiation(device);
    }
  }

  /**
   * Seconds left in `contract`'s negotiation (status ntime and qtime, get_time_left): -1 for a
   * process contract, which never negotiates; 0 for an idle device contract, whose timers hold the
   * 60 s total but no start (contract_device_create sets ctm_start to -1, so the time has run out).
   */
  negotiationSecondsLeft(contract: SimContract): number {
    if (contract.negotiation === undefined) return contract.type === 'device' ? 0 : -1;
    return Math.max(0, Math.ceil((contract.negotiation.deadline - this.now) / 1000));
  }
}

function newLwp(id: number): SimLwp {
  return { id, active: { process: undefined, device: undefined }, latest: { process: undefined, device: undefined } };
}

/** A new LWP of `process` (lwp_create): a copy of `creator`'s active templates, no latest. */
export function createLwp(process: SimProcess, creator: SimLwp | undefined): SimLwp {
  const lwp = newLwp(process.nextLwp++);
  if (creator !== undefined) {
    lwp.active.process = creator.active.process === undefined ? undefined : { ...creator.active.process };
    lwp.active.device = creator.active.device === undefined ? undefined : { ...creator.active.device };
  }
  process.lwps.set(lwp.id, lwp);
  return lwp;
}

export { CTS_DEAD, CTS_INHERITED, CTS_ORPHAN, CTS_OWNED };

/**
 * is_sync_neg: whether contracts negotiate a device's move from `from` to `to` (true), hear of it
 * without negotiation (false), or do not hear of it at all (undefined).
 */
function negotiated(from: number, to: number): boolean | undefined {
  if (to === CT_DEV_EV_OFFLINE) return from === CT_DEV_EV_ONLINE || from === CT_DEV_EV_DEGRADED ? true : undefined;
  if (from === CT_DEV_EV_ONLINE && to === CT_DEV_EV_DEGRADED) return false;
  if (from === CT_DEV_EV_DEGRADED && to === CT_DEV_EV_ONLINE) return false;
  return undefined;
}
