// The per-process state of the Linux backend: the contracts this process creates, holds or
// watches, the facts the monitor reports about their members, and the contract(5) rules that
// turn those facts into events (critical/informative, acknowledgement, fatal sets, pr_empty only
// after the exit statuses it follows). One per JS thread, like a process's contract state.
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import {
  CTS_DEAD,
  CTS_ORPHAN,
  CTS_OWNED,
  CT_PR_EV_CORE,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  CT_PR_EV_SIGNAL,
  CT_PR_NOORPHAN,
  CT_PR_PGRPONLY,
  AckLedger,
  ContractError,
  EventQueue,
  type RawContractStatus,
  type StatusDetail,
} from '@sysbind/contract-interface';
import { Fact, loadLinuxAddon, sentinelPath, type LinuxContractAddon, type LinuxMonitor } from './addon.ts';
import {
  listContractFolders,
  processGroup,
  processStartTime,
  readCgroupEvents,
  isZombie,
  readMembers,
  systemError,
  writeControl,
} from './cgroup-files.ts';
import { LinuxEventEndpoint, type EndpointHost, type QueuedEvent } from './event-queue.ts';
import { REGISTRY_NAME, type LinuxContractCapabilities } from './host.ts';
import { DEFAULT_TERMS, type ProcessTerms } from './terms.ts';

const { errno } = constants;

// Signals whose default action dumps core: illumos reports pr_core for a member that dumped core
// or would have (RLIMIT_CORE 0); Linux sets WCOREDUMP only for a written core.
const CORE_SIGNALS = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);
const SIGKILL = 9;
/** How long a signal the machinery sent explains a member's death by that signal. */
const OWN_SIGNAL_WINDOW_MS = 2000;
/** How long pr_empty waits for exit facts still in flight before resynchronising. */
const EMPTY_GRACE_MS = 50;
/** Without the connector: how often cgroup.procs is read for members to follow through pidfds. */
const MEMBER_SCAN_MS = 100;
/**
 * Without the connector, a member's status comes through its pidfd when it is reaped, which an
 * init that reaps lazily (some container inits take seconds) can delay: pr_empty waits this long
 * for members that are still zombies, then reports without them.
 */
const REAP_GRACE_MS = 10_000;

/** One contract this process knows about (holds, held, or watches). */
export interface LinuxContract {
  readonly ctid: number;
  readonly path: string;
  readonly terms: ProcessTerms;
  /** Held by this process. */
  ownedHere: boolean;
  /** CTS_OWNED, CTS_ORPHAN or CTS_DEAD, as far as this process knows. */
  state: number;
  /** Members as this process follows them (pid → process group when known). */
  readonly members: Map<number, number | undefined>;
  /** Unacknowledged critical events (owner only). */
  readonly unacked: Map<bigint, QueuedEvent>;
  /** The contract's own event queue (CTEL_CONTRACT), which its `events` endpoints listen to. */
  readonly queue: EventQueue<QueuedEvent>;
  /** Monitored here (inotify watch, members tracked). */
  monitored: boolean;
  /** cgroup.events said `populated 0`. */
  unpopulated: boolean;
  emptied: boolean;
  lastExited: number | undefined;
  /** Signals this process's contract machinery sent, with when. */
  readonly sentSignals: { signal: number; at: number }[];
  emptyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Open endpoints and status handles that keep this record alive. */
  references: number;
}

/** Owner identity written on each cgroup: pid, start time and uid, so a reused pid is not mistaken. */
function identityOf(pid: number): string | undefined {
  const start = processStartTime(pid);
  return start === undefined ? undefined : `${pid}:${start}`;
}

function ownerAlive(owner: string): boolean {
  const [pid] = owner.split(':');
  return pid !== undefined && identityOf(Number(pid)) === owner.split(':').slice(0, 2).join(':');
}

let folderIds = -1;

export class LinuxContractHost implements EndpointHost {
  readonly addon: LinuxContractAddon;
  readonly registry: string;
  readonly ownCgroup: string;
  readonly registries: string[];
  readonly connector: boolean;
  /** No connector, but exit statuses from pidfds (PIDFD_INFO_EXIT): members are found by scanning. */
  readonly exitsFromPidfds: boolean;
  readonly privileged: boolean;
  readonly uid: number;
  readonly identity: string;
  private readonly monitor: LinuxMonitor;
  private readonly contracts = new Map<number, LinuxContract>();
  private readonly endpoints = new Set<LinuxEventEndpoint>();
  /** Told of every acknowledgement, so the queues look again at the critical events they keep. */
  private readonly acks = new AckLedger();
  /** This process's bundle queue of process contracts (CTEL_PBUNDLE): the contracts it holds. */
  private readonly pbundle = new EventQueue<QueuedEvent>('pbundle', this.acks);
  /** The bundle queue (CTEL_BUNDLE): every contract this process follows. */
  private readonly bundle = new EventQueue<QueuedEvent>('bundle', this.acks);
  private nextEvid = 0n;
  private sequence = 0;
  private holds = 0;
  private sentinelFd: number | undefined;
  private bundleFolders = new Map<number, string>();
  /** The process template active on this thread, if any. */
  active: ProcessTerms | undefined;
  private latestContract: LinuxContract | undefined;
  private scanTimer: ReturnType<typeof setInterval> | undefined;

  constructor(capabilities: LinuxContractCapabilities) {
    const registry = capabilities.registry;
    const own = capabilities.ownCgroup;
    if (registry === undefined || own === undefined) throw new Error('unsupported host');
    this.addon = loadLinuxAddon();
    this.registry = registry;
    this.ownCgroup = own;
    const rootRegistry =
      capabilities.cgroupMount === undefined ? undefined : path.join(capabilities.cgroupMount, REGISTRY_NAME);
    this.registries = [...new Set([registry, ...(rootRegistry === undefined ? [] : [rootRegistry])])];
    this.connector = capabilities.connector;
    this.exitsFromPidfds = !capabilities.connector && capabilities.pidfdExit;
    this.uid = process.geteuid?.() ?? -1;
    this.privileged = this.uid === 0;
    this.identity = `${identityOf(process.pid) ?? `${process.pid}:0`}:${this.uid}`;
    this.monitor = new this.addon.Monitor((facts) => {
      this.onFacts(facts);
    }, this.connector);
    mkdirSync(registry, { recursive: true, mode: 0o755 });
    this.sweep();
  }

  /** The contract this thread created last (kept readable, even dead, as illumos keeps it). */
  get latest(): LinuxContract | undefined {
    return this.latestContract;
  }

  set latest(contract: LinuxContract | undefined) {
    if (contract !== undefined) this.reference(contract);
    const previous = this.latestContract;
    this.latestContract = contract;
    if (previous !== undefined) this.unreference(previous);
  }

  // ---- start-up sweep ------------------------------------------------------------------------

  /** Removes contracts left by owners that are gone: NOORPHAN ones are killed first. */
  private sweep(): void {
    for (const { path: folder } of listContractFolders(this.registry)) {
      const owner = this.xattr(folder, 'owner');
      if (owner === undefined) continue; // being created, or not ours to judge
      if (ownerAlive(owner)) continue;
      const params = Number(this.xattr(folder, 'params') ?? '0');
      const events = readCgroupEvents(folder);
      if (events?.populated === true && (params & CT_PR_NOORPHAN) !== 0 && this.xattr(folder, 'state') !== 'orphan') {
        try {
          writeControl(path.join(folder, 'cgroup.kill'), '1', 'cgroup.kill', 0);
        } catch {
          // not ours to kill (another user): left alone
        }
      }
      if (events?.populated !== true) this.removeFolder(folder);
    }
  }

  private removeFolder(folder: string): boolean {
    try {
      rmdirSync(folder);
      return true;
    } catch (error) {
      return (error as { code?: string }).code === 'ENOENT';
    }
  }

  // ---- xattrs ----------------------------------------------------------------------------------

  xattr(folder: string, name: string): string | undefined {
    const value = this.addon.getXattr(folder, `user.sysbind.${name}`);
    return typeof value === 'string' ? value : undefined;
  }

  private setXattr(folder: string, name: string, value: string, ctid: number): void {
    const result = this.addon.setXattr(folder, `user.sysbind.${name}`, value);
    if (result !== 0) throw ContractError.fromErrno(result, 'setxattr', { ctid });
  }

  // ---- creation (the spawn path) --------------------------------------------------------------

  /** Makes the cgroup of a new contract with `terms`, watched before any member can exist. */
  createContract(terms: ProcessTerms): LinuxContract {
    this.ensureSentinel();
    // Named by pid, thread and a sequence number; a name left by an earlier process with the same
    // pid (an orphan still running) is skipped.
    let folder: string;
    for (;;) {
      folder = path.join(this.registry, `ct.${process.pid}.${threadId}.${++this.sequence}`);
      try {
        mkdirSync(folder, { mode: 0o755 });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== 'EEXIST') throw systemError(error, 'mkdir');
      }
    }
    let ctid: number;
    try {
      ctid = statSync(folder).ino;
      this.setXattr(folder, 'params', String(terms.param), ctid);
      this.setXattr(folder, 'terms', serializeTerms(terms), ctid);
      this.setXattr(folder, 'owner', this.identity, ctid);
    } catch (error) {
      this.removeFolder(folder);
      throw error instanceof ContractError ? error : systemError(error, 'stat');
    }
    const contract = this.record(ctid, folder, terms, true, CTS_OWNED);
    this.startMonitoring(contract, false);
    return contract;
  }

  private record(ctid: number, folder: string, terms: ProcessTerms, ownedHere: boolean, state: number): LinuxContract {
    const contract: LinuxContract = {
      ctid,
      path: folder,
      terms,
      ownedHere,
      state,
      members: new Map(),
      unacked: new Map(),
      queue: new EventQueue<QueuedEvent>('contract', this.acks),
      monitored: false,
      unpopulated: false,
      emptied: false,
      lastExited: undefined,
      sentSignals: [],
      emptyTimer: undefined,
      references: 0,
    };
    this.contracts.set(ctid, contract);
    return contract;
  }

  /**
   * `pid` is a member from now on (`reaped`: it has ended and been reaped already). True when its
   * exit will be reported (by the connector, or a pidfd opened before it was reaped); false when
   * the caller must supply it (the direct child's status from libuv or spawnSync).
   */
  addMember(contract: LinuxContract, pid: number, reaped = false): boolean {
    const group = (contract.terms.param & CT_PR_PGRPONLY) !== 0 ? processGroup(pid) : undefined;
    contract.members.set(pid, group);
    this.monitor.track(pid, contract.ctid);
    if (this.connector) return true;
    if (!this.exitsFromPidfds) return false;
    this.startScanning();
    // A pidfd for a pid already reaped (a synchronous child) could name a new process.
    return !reaped && this.monitor.watchExit(pid, contract.ctid) === 0;
  }

  // Without the connector nothing tells of forks: members are picked up from cgroup.procs, on a
  // timer (unreferenced) while a monitored contract may have members, and whenever one exits.
  private startScanning(): void {
    if (this.scanTimer !== undefined) return;
    this.scanTimer = setInterval(() => {
      let busy = false;
      for (const contract of this.contracts.values()) {
        if (!contract.monitored || contract.emptied) continue;
        busy = true;
        this.scanMembers(contract);
      }
      if (!busy) {
        clearInterval(this.scanTimer);
        this.scanTimer = undefined;
      }
    }, MEMBER_SCAN_MS);
    this.scanTimer.unref();
  }

  private scanMembers(contract: LinuxContract): void {
    if (!contract.monitored || contract.emptied || contract.unpopulated) return;
    for (const pid of readMembers(contract.path)) {
      // A pid that is reaped before its pidfd opens is not followed (its exit is unknown).
      if (!contract.members.has(pid) && !this.addMember(contract, pid)) contract.members.delete(pid);
    }
  }

  /**
   * The fork that created `contract` made `pid`, its first member: contract_process_fork
   * publishes pr_fork for it too (pid, and this process as the parent), before anything the
   * member itself does. Then as addMember (`reaped`, and what it returns).
   */
  bornInto(contract: LinuxContract, pid: number, reaped = false): boolean {
    this.publish(contract, CT_PR_EV_FORK, { pid, ppid: process.pid });
    return this.addMember(contract, pid, reaped);
  }

  /** After a spawn under a template: catch a contract that emptied before its watch could say so. */
  settle(contract: LinuxContract): void {
    setImmediate(() => {
      if (this.exitsFromPidfds) this.scanMembers(contract);
      this.checkPopulated(contract);
    });
  }

  private startMonitoring(contract: LinuxContract, seed: boolean): void {
    if (contract.monitored) return;
    const watched = this.monitor.watchFile(contract.ctid, path.join(contract.path, 'cgroup.events'));
    if (watched !== 0) throw ContractError.fromErrno(watched, 'inotify_add_watch', { ctid: contract.ctid });
    contract.monitored = true;
    if (seed) {
      for (const pid of readMembers(contract.path)) this.addMember(contract, pid);
      this.settle(contract);
    }
  }

  private stopMonitoring(contract: LinuxContract): void {
    if (!contract.monitored) return;
    contract.monitored = false;
    this.monitor.unwatch(contract.ctid);
    contract.members.clear();
    if (contract.emptyTimer !== undefined) clearTimeout(contract.emptyTimer);
    contract.emptyTimer = undefined;
  }

  // ---- the sentinel ------------------------------------------------------------------------------

  private ensureSentinel(): void {
    if (this.sentinelFd !== undefined) return;
    const fd = this.addon.startSentinel(sentinelPath(), [this.identity, this.registry]);
    if (fd < 0) throw ContractError.fromErrno(fd, 'sentinel');
    this.sentinelFd = fd;
  }

  // ---- facts from the monitor --------------------------------------------------------------------

  // Facts are handled strictly in the order the kernel reported them, even when handling one
  // reads more from the monitor (checkPopulated drains it): those wait in the queue.
  private readonly queued: Float64Array[] = [];
  private handling = false;

  private onFacts(facts: Float64Array): void {
    if (facts.length === 0) return;
    this.queued.push(facts);
    if (this.handling) return;
    this.handling = true;
    try {
      for (let batch = this.queued.shift(); batch !== undefined; batch = this.queued.shift()) this.handle(batch);
    } finally {
      this.handling = false;
    }
  }

  private handle(facts: Float64Array): void {
    let overflowed = false;
    for (let index = 0; index + 3 < facts.length; index += 4) {
      const kind = facts[index] as number;
      const id = facts[index + 1] as number;
      const pid = facts[index + 2] as number;
      const extra = facts[index + 3] as number;
      switch (kind) {
        case Fact.Fork:
          this.onFork(id, pid, extra);
          break;
        case Fact.Exit:
          this.onExit(id, pid, extra);
          break;
        case Fact.Cgroup:
          this.onCgroupEvents(id);
          break;
        case Fact.Removed:
          this.onRemoved(id);
          break;
        case Fact.Overflow:
          // Several in one batch (each ENOBUFS of one drain) are one gap: reported once.
          this.resynchronise(!overflowed);
          overflowed = true;
          break;
        case Fact.Folder:
          this.discover();
          break;
        default:
          // Fact.Core: the exit status that follows carries WCOREDUMP, which pr_core is built from.
          break;
      }
    }
  }

  private onFork(ctid: number, child: number, parent: number): void {
    const contract = this.contracts.get(ctid);
    if (contract === undefined || !contract.monitored) {
      this.monitor.untrack(child);
      return;
    }
    const group = (contract.terms.param & CT_PR_PGRPONLY) !== 0 ? processGroup(child) : undefined;
    contract.members.set(child, group);
    this.publish(contract, CT_PR_EV_FORK, { pid: child, ppid: parent });
  }

  /** The direct child's exit as libuv saw it, for hosts without the connector. */
  exitedWithoutConnector(
    contract: LinuxContract,
    pid: number,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    const number = signal === null ? 0 : constants.signals[signal];
    this.onExit(contract.ctid, pid, signal === null ? ((code ?? 0) & 0xff) << 8 : number);
  }

  private onExit(ctid: number, pid: number, status: number): void {
    const contract = this.contracts.get(ctid);
    if (contract === undefined) return;
    // Members forked since the last scan are still listed while their parent's exit is handled.
    if (this.exitsFromPidfds) this.scanMembers(contract);
    const group = contract.members.get(pid);
    contract.members.delete(pid);
    contract.lastExited = pid;
    this.publish(contract, CT_PR_EV_EXIT, { pid, exitStatus: status });
    const signal = status & 0x7f;
    const signaled = signal !== 0 && signal !== 0x7f;
    if (signaled) {
      const core = (status & 0x80) !== 0 || CORE_SIGNALS.has(signal);
      const ours = this.sentByUs(contract, signal);
      if (core) this.publish(contract, CT_PR_EV_CORE, { pid });
      if (!ours) this.publish(contract, CT_PR_EV_SIGNAL, { pid, signal });
      const fatal = contract.terms.fatal;
      if (((fatal & CT_PR_EV_CORE) !== 0 && core) || ((fatal & CT_PR_EV_SIGNAL) !== 0 && !ours)) {
        this.killForFatal(contract, group);
      }
    }
    // The kernel updates the cgroup before it announces the exit, so when the last member's exit
    // is in hand cgroup.events already says whether the contract emptied: no need to wait for
    // its notification, which the kernel rate-limits to one per 10 ms.
    if (contract.members.size === 0 && !contract.unpopulated) this.checkPopulated(contract);
    else this.maybeEmpty(contract);
  }

  private sentByUs(contract: LinuxContract, signal: number): boolean {
    const now = Date.now();
    const recent = contract.sentSignals.filter((sent) => now - sent.at <= OWN_SIGNAL_WINDOW_MS);
    contract.sentSignals.splice(0, contract.sentSignals.length, ...recent);
    return contract.sentSignals.some((sent) => sent.signal === signal);
  }

  /** A fatal event: SIGKILL every member, or with PGRPONLY the offender's process group only. */
  private killForFatal(contract: LinuxContract, group: number | undefined): void {
    contract.sentSignals.push({ signal: SIGKILL, at: Date.now() });
    try {
      if ((contract.terms.param & CT_PR_PGRPONLY) === 0) {
        writeControl(path.join(contract.path, 'cgroup.kill'), '1', 'cgroup.kill', contract.ctid);
      } else if (group !== undefined) {
        this.frozen(contract.ctid, contract.path, () => {
          for (const member of readMembers(contract.path)) {
            if (processGroup(member) === group) killQuietly(member, SIGKILL);
          }
        });
      }
    } catch {
      // The contract vanished meanwhile: nothing left to kill.
    }
  }

  private onCgroupEvents(ctid: number): void {
    const contract = this.contracts.get(ctid);
    if (contract !== undefined) this.checkPopulated(contract);
  }

  private checkPopulated(contract: LinuxContract): void {
    if (!contract.monitored || contract.emptied) return;
    const events = readCgroupEvents(contract.path);
    contract.unpopulated = events === undefined || !events.populated;
    if (!contract.unpopulated) return;
    // The last member's exit fact may still be in the connector socket (the kernel updates the
    // cgroup before it announces the exit): read what is there before deciding.
    this.onFacts(this.monitor.drain());
    this.maybeEmpty(contract);
  }

  private maybeEmpty(contract: LinuxContract): void {
    if (!contract.unpopulated || contract.emptied || !contract.monitored) return;
    if (contract.members.size === 0) {
      this.emitEmpty(contract);
      return;
    }
    if (contract.emptyTimer !== undefined) return;
    const since = Date.now();
    const check = (): void => {
      contract.emptyTimer = undefined;
      this.onFacts(this.monitor.drain());
      // Whoever is still listed without an exit fact left the cgroup or died unseen (a lost
      // connector message): it is no longer a member. Without the connector, a zombie's status
      // is still to come from its pidfd when it is reaped.
      const listed = new Set(readMembers(contract.path));
      let reaping = false;
      for (const pid of [...contract.members.keys()]) {
        if (listed.has(pid)) continue;
        if (this.exitsFromPidfds && Date.now() - since < REAP_GRACE_MS && isZombie(pid)) {
          reaping = true;
          continue;
        }
        contract.members.delete(pid);
        this.monitor.untrack(pid);
      }
      if (reaping && !contract.emptied) {
        contract.emptyTimer = setTimeout(check, EMPTY_GRACE_MS);
        return;
      }
      this.maybeEmpty(contract);
    };
    contract.emptyTimer = setTimeout(check, EMPTY_GRACE_MS);
  }

  private emitEmpty(contract: LinuxContract): void {
    contract.emptied = true;
    this.publish(contract, CT_PR_EV_EMPTY, contract.lastExited === undefined ? {} : { pid: contract.lastExited });
    if (contract.state === CTS_ORPHAN && contract.ownedHere) this.destroy(contract);
    // Nothing more can happen to an empty contract: its watch is freed (held ones stay cheap).
    else this.stopMonitoring(contract);
  }

  private onRemoved(ctid: number): void {
    const contract = this.contracts.get(ctid);
    if (contract === undefined) return;
    // Removed from outside (or by its owner elsewhere): what is known has been reported.
    contract.monitored = false;
    contract.members.clear();
    contract.state = CTS_DEAD;
    this.release(contract);
  }

  /** Overflows of the connector (or inotify) queue so far, and the contracts each resynchronised. */
  readonly overflows: { at: number; ctids: number[]; members: Map<number, number[]> }[] = [];

  /**
   * After a connector overflow (ENOBUFS) or an inotify queue overflow: facts were lost. Members
   * again from cgroup.procs (every one the kernel still knows is tracked again, so its exit will
   * be reported); exits and forks in the gap cannot be known any more. Reported as a process
   * warning (code SYSBIND_CONTRACT_EVENTS_LOST) naming the contracts concerned.
   */
  private resynchronise(report: boolean): void {
    const ctids: number[] = [];
    const members = new Map<number, number[]>();
    for (const contract of this.contracts.values()) {
      if (!contract.monitored) continue;
      ctids.push(contract.ctid);
      const listed = readMembers(contract.path);
      members.set(contract.ctid, listed);
      const live = new Set(listed);
      for (const pid of listed) if (!contract.members.has(pid)) this.addMember(contract, pid);
      for (const pid of [...contract.members.keys()]) {
        if (!live.has(pid)) {
          contract.members.delete(pid);
          this.monitor.untrack(pid);
        }
      }
      this.checkPopulated(contract);
    }
    if (!report || ctids.length === 0) return;
    // Bounded: a host that overflows all the time must not grow this without end.
    if (this.overflows.length >= 100) this.overflows.shift();
    this.overflows.push({ at: Date.now(), ctids, members });
    process.emitWarning(
      `process contract events were lost (the kernel's event queue overflowed); the members of ` +
        `${ctids.length === 1 ? 'contract' : 'contracts'} ${ctids.join(', ')} were read again from cgroup.procs`,
      {
        type: 'ContractEventsLostWarning',
        code: 'SYSBIND_CONTRACT_EVENTS_LOST',
        detail:
          'Forks and exits of members during the overflow are not reported (they cannot be known any more); ' +
          'every member still alive is followed again and its exit will be reported.',
      },
    );
  }

  /** For tests only: the connector socket's receive buffer (see LinuxMonitor.setConnectorBuffer). */
  setConnectorBufferForTesting(bytes: number): number {
    return this.monitor.setConnectorBuffer(bytes);
  }

  // ---- events --------------------------------------------------------------------------------------

  private publish(contract: LinuxContract, type: number, payload: QueuedEvent['payload']): void {
    const critical = (contract.terms.critical & type) !== 0;
    if (!critical && (contract.terms.informative & type) === 0) return;
    const event: QueuedEvent = {
      ctid: contract.ctid,
      evid: ++this.nextEvid,
      type,
      critical,
      // Critical events of a contract nobody holds are born acknowledged.
      acked: critical && !(contract.ownedHere && contract.state === CTS_OWNED),
      payload,
    };
    if (critical && !event.acked) contract.unacked.set(event.evid, event);
    // cte_publish_all: the contract's queue, the bundle and, while held here, the process bundle.
    contract.queue.publish(event);
    this.bundle.publish(event);
    if (contract.ownedHere && contract.state === CTS_OWNED) this.pbundle.publish(event);
  }

  /** Acknowledges every critical event of `contract` (abandon, destroy). */
  private acknowledgeAll(contract: LinuxContract): void {
    if (contract.unacked.size === 0) return;
    for (const event of contract.unacked.values()) event.acked = true;
    contract.unacked.clear();
    this.acks.acknowledged();
  }

  hold(delta: 1 | -1): void {
    this.holds += delta;
    if (this.holds === 1 && delta === 1) this.monitor.ref();
    if (this.holds === 0) this.monitor.unref();
  }

  detach(endpoint: LinuxEventEndpoint): void {
    this.endpoints.delete(endpoint);
    if (endpoint.ctid !== undefined) {
      const contract = this.contracts.get(endpoint.ctid);
      if (contract !== undefined) this.unreference(contract);
    }
  }

  /** Opens an endpoint; `events` endpoints start watching a contract held elsewhere. */
  openEndpoint(kind: 'events' | 'bundle' | 'pbundle', contract?: LinuxContract): LinuxEventEndpoint {
    const queue = contract?.queue ?? (kind === 'pbundle' ? this.pbundle : this.bundle);
    const endpoint = new LinuxEventEndpoint(this, kind, contract?.ctid, queue);
    if (contract !== undefined) {
      contract.references++;
      if (!contract.monitored && contract.state !== CTS_DEAD) this.startMonitoring(contract, true);
    }
    if (kind === 'bundle') this.startDiscovery();
    this.endpoints.add(endpoint);
    return endpoint;
  }

  // ---- the bundle: every contract this caller may see --------------------------------------------

  private startDiscovery(): void {
    if (this.bundleFolders.size > 0) return;
    for (const registry of this.registries) {
      const id = folderIds--;
      if (this.monitor.watchFolder(id, registry) === 0) this.bundleFolders.set(id, registry);
    }
    this.discover();
  }

  private discover(): void {
    if (![...this.endpoints].some((endpoint) => endpoint.kind === 'bundle')) return;
    for (const registry of this.registries) {
      for (const { path: folder, ino } of listContractFolders(registry)) {
        if (this.contracts.has(ino)) continue;
        const contract = this.foreign(ino, folder);
        if (contract === undefined || !this.mayObserve(folder)) continue;
        try {
          this.startMonitoring(contract, true);
        } catch {
          // gone meanwhile
        }
      }
    }
  }

  // ---- lookups ---------------------------------------------------------------------------------------

  /** The contract `ctid`, known here or found in a registry; undefined if there is none. */
  find(ctid: number): LinuxContract | undefined {
    const known = this.contracts.get(ctid);
    if (known !== undefined) return known;
    for (const registry of this.registries) {
      for (const { path: folder, ino } of listContractFolders(registry)) {
        if (ino === ctid) return this.foreign(ino, folder);
      }
    }
    return undefined;
  }

  private foreign(ctid: number, folder: string): LinuxContract | undefined {
    const owner = this.xattr(folder, 'owner');
    const terms = parseTerms(this.xattr(folder, 'terms'));
    if (owner === undefined || terms === undefined) return undefined;
    const state = owner === this.identity ? CTS_OWNED : CTS_ORPHAN;
    return this.record(ctid, folder, terms, owner === this.identity, state);
  }

  /** Current state and holder of a contract, re-read from its cgroup when held elsewhere. */
  private liveState(contract: LinuxContract): { state: number; holder: number } {
    if (contract.state === CTS_DEAD) return { state: CTS_DEAD, holder: 0 };
    if (contract.ownedHere) {
      // A cgroup removed from outside (possible once it is empty) ends the contract.
      if (readCgroupEvents(contract.path) === undefined) return { state: CTS_DEAD, holder: 0 };
      return { state: contract.state, holder: contract.state === CTS_OWNED ? process.pid : 0 };
    }
    const owner = this.xattr(contract.path, 'owner');
    if (owner === undefined) return { state: CTS_DEAD, holder: 0 };
    if (this.xattr(contract.path, 'state') !== 'orphan' && ownerAlive(owner)) {
      return { state: CTS_OWNED, holder: Number(owner.split(':')[0]) };
    }
    const populated = readCgroupEvents(contract.path)?.populated ?? false;
    return { state: populated ? CTS_ORPHAN : CTS_DEAD, holder: 0 };
  }

  /** The uid recorded as the contract's owner. */
  private ownerUid(folder: string): number | undefined {
    const owner = this.xattr(folder, 'owner');
    const uid = owner?.split(':')[2];
    return uid === undefined ? undefined : Number(uid);
  }

  /** Whether a template may name `ctid` to subsume (ctmpl_process_set, CTPP_SUBSUME): 0 or the errno. */
  subsumable(ctid: number): number {
    const contract = this.find(ctid);
    if (contract === undefined) return errno.ESRCH;
    if (!contract.ownedHere || this.liveState(contract).state !== CTS_OWNED) return errno.EACCES;
    return readMembers(contract.path).length > 0 ? errno.ENOTEMPTY : 0;
  }

  mayObserve(folder: string): boolean {
    return this.privileged || this.ownerUid(folder) === this.uid;
  }

  // ---- status ----------------------------------------------------------------------------------------

  status(contract: LinuxContract, detail: StatusDetail): RawContractStatus {
    const { state, holder } = this.liveState(contract);
    const terms = contract.terms;
    const common = {
      ctid: contract.ctid,
      zoneid: 0,
      type: 'process' as const,
      state,
      holder,
      nevents: contract.ownedHere ? contract.unacked.size : 0,
      ntime: -1,
      qtime: -1,
      nevid: 0n,
      cookie: terms.cookie,
      informative: terms.informative,
      critical: terms.critical,
      detail,
    };
    if (detail === 0) return common;
    const fixed = { ...common, param: terms.param, fatal: terms.fatal, svcFmri: terms.svcFmri ?? '', svcCtid: 0 };
    if (detail === 1) return fixed;
    const members = state === CTS_DEAD ? [] : readMembers(contract.path).sort((a, b) => a - b);
    return { ...fixed, members, contracts: [], svcAux: terms.svcAux, svcCreator: terms.creator };
  }

  /** A status handle keeps the record (and a dead contract's last state) readable. */
  reference(contract: LinuxContract): void {
    contract.references++;
  }

  unreference(contract: LinuxContract): void {
    contract.references--;
    if (!contract.ownedHere && contract.references <= 0 && !this.hasBundle()) {
      this.stopMonitoring(contract);
      this.contracts.delete(contract.ctid);
    }
    this.release(contract);
  }

  private hasBundle(): boolean {
    for (const endpoint of this.endpoints) if (endpoint.kind === 'bundle') return true;
    return false;
  }

  private release(contract: LinuxContract): void {
    if (contract.state === CTS_DEAD && contract.references <= 0) this.contracts.delete(contract.ctid);
  }

  // ---- control ---------------------------------------------------------------------------------------

  /** ct_ctl open: EACCES unless held here, or adoptable by this caller. */
  checkControl(contract: LinuxContract): void {
    if (contract.ownedHere && contract.state === CTS_OWNED) return;
    const { state } = this.liveState(contract);
    if (state === CTS_ORPHAN && this.mayObserve(contract.path)) return;
    throw ContractError.fromErrno(errno.EACCES, 'open', { ctid: contract.ctid });
  }

  /** Takes over a contract whose owner is gone (same user, or root). */
  adopt(contract: LinuxContract): void {
    if (contract.ownedHere && contract.state === CTS_OWNED)
      throw ContractError.fromErrno(errno.EINVAL, 'ct_ctl_adopt', { ctid: contract.ctid });
    const { state } = this.liveState(contract);
    if (!this.mayObserve(contract.path))
      throw ContractError.fromErrno(errno.EACCES, 'ct_ctl_adopt', { ctid: contract.ctid });
    // contract_adopt: a contract in any other state than the adoptable one is EINVAL.
    if (state !== CTS_ORPHAN) throw ContractError.fromErrno(errno.EINVAL, 'ct_ctl_adopt', { ctid: contract.ctid });
    this.ensureSentinel();
    this.setXattr(contract.path, 'owner', this.identity, contract.ctid);
    this.addon.setXattr(contract.path, 'user.sysbind.state', 'owned');
    contract.ownedHere = true;
    contract.state = CTS_OWNED;
    contract.emptied = false;
    this.startMonitoring(contract, true);
  }

  private requireOwned(contract: LinuxContract, syscall: string): void {
    if (!contract.ownedHere || contract.state !== CTS_OWNED)
      throw ContractError.fromErrno(errno.EINVAL, syscall, { ctid: contract.ctid });
  }

  abandon(contract: LinuxContract): void {
    this.requireOwned(contract, 'ct_ctl_abandon');
    // contract_abandon: the owner's process bundle is trimmed of the contract, then its critical
    // events are acknowledged.
    this.pbundle.dropContract(contract.ctid);
    this.acknowledgeAll(contract);
    const populated = readCgroupEvents(contract.path)?.populated ?? false;
    if (!populated && contract.members.size === 0) {
      this.destroy(contract, false);
      return;
    }
    contract.state = CTS_ORPHAN;
    this.addon.setXattr(contract.path, 'user.sysbind.state', 'orphan');
    if ((contract.terms.param & CT_PR_NOORPHAN) !== 0) {
      contract.sentSignals.push({ signal: SIGKILL, at: Date.now() });
      try {
        writeControl(path.join(contract.path, 'cgroup.kill'), '1', 'cgroup.kill', contract.ctid);
      } catch {
        // emptied meanwhile
      }
    }
    if (contract.emptied) this.destroy(contract);
  }

  ack(contract: LinuxContract, evid: bigint): void {
    // contract_ack looks the event up and nothing else (ownership was checked when the ctl file
    // was opened): after an abandon, which acknowledged everything, it is ESRCH.
    const event = contract.unacked.get(evid);
    if (event === undefined) throw ContractError.fromErrno(errno.ESRCH, 'ct_ctl_ack', { ctid: contract.ctid });
    event.acked = true;
    contract.unacked.delete(evid);
    this.acks.acknowledged();
  }

  /**
   * contract_destroy: the holder's process bundle is trimmed of the contract (unless an abandon
   * just did), the contract's own queue is drained (its critical events acknowledged) and dies,
   * then the bundle is trimmed of its events.
   */
  private destroy(contract: LinuxContract, held = contract.ownedHere && contract.state === CTS_OWNED): void {
    if (held) this.pbundle.dropContract(contract.ctid);
    this.acknowledgeAll(contract);
    contract.queue.drain();
    this.bundle.dropContract(contract.ctid);
    contract.state = CTS_DEAD;
    this.stopMonitoring(contract);
    this.removeFolder(contract.path);
    this.release(contract);
  }

  // ---- signals ---------------------------------------------------------------------------------------

  /** sigsend(P_CTID): SIGKILL through cgroup.kill; any other signal to a frozen cgroup. */
  sigsend(contract: LinuxContract, signal: number): void {
    const members = readMembers(contract.path);
    if (members.length === 0) throw ContractError.fromErrno(errno.ESRCH, 'sigsend', { ctid: contract.ctid });
    if (!this.privileged && this.ownerUid(contract.path) !== this.uid)
      throw ContractError.fromErrno(errno.EPERM, 'sigsend', { ctid: contract.ctid });
    if (signal === 0) return;
    contract.sentSignals.push({ signal, at: Date.now() });
    if (signal === SIGKILL) {
      writeControl(path.join(contract.path, 'cgroup.kill'), '1', 'sigsend', contract.ctid);
      return;
    }
    this.frozen(contract.ctid, contract.path, () => {
      for (const pid of readMembers(contract.path)) killQuietly(pid, signal);
    });
  }

  /** Runs `fn` with every member of the cgroup stopped, so none can fork meanwhile. */
  private frozen(ctid: number, folder: string, fn: () => void): void {
    writeControl(path.join(folder, 'cgroup.freeze'), '1', 'sigsend', ctid);
    try {
      const deadline = Date.now() + 1000;
      const sleeper = new Int32Array(new SharedArrayBuffer(4));
      while (readCgroupEvents(folder)?.frozen === false && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 0.2);
      fn();
    } finally {
      writeControl(path.join(folder, 'cgroup.freeze'), '0', 'sigsend', ctid);
    }
  }

  // ---- spawning into a contract ------------------------------------------------------------------

  /** Moves this process into `contract`'s cgroup (for one fork) or back into its own. */
  enter(contract: LinuxContract | undefined): void {
    const target = contract === undefined ? this.ownCgroup : contract.path;
    writeControl(path.join(target, 'cgroup.procs'), String(process.pid), 'cgroup.procs', contract?.ctid ?? 0);
  }

  /** Takes the process-wide lock around a fork into a contract (EBUSY if another thread keeps it). */
  lockSpawns(): void {
    if (!this.addon.acquireSpawnLock(threadId + 1, 2000)) throw ContractError.fromErrno(errno.EBUSY, 'fork');
  }

  unlockSpawns(): void {
    this.addon.releaseSpawnLock(threadId + 1);
  }

  /** Removes a contract whose fork never happened. */
  discard(contract: LinuxContract): void {
    if (readCgroupEvents(contract.path)?.populated === true) return;
    this.destroy(contract);
  }
}

function killQuietly(pid: number, signal: number): void {
  try {
    process.kill(pid, signal);
  } catch {
    // exited meanwhile
  }
}

function serializeTerms(terms: ProcessTerms): string {
  return JSON.stringify({ ...terms, cookie: terms.cookie.toString() });
}

function parseTerms(text: string | undefined): ProcessTerms | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return {
      ...DEFAULT_TERMS,
      ...(parsed as Partial<ProcessTerms>),
      cookie: BigInt(typeof parsed['cookie'] === 'string' ? parsed['cookie'] : '0'),
    };
  } catch {
    return undefined;
  }
}
