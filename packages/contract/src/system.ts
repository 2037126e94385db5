import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { constants } from 'node:os';
import { createNativeContractBackend } from '@sysbind/contract-native';
import {
  ContractError,
  isContractError,
  type ContractBackend,
  type ContractStatusHandle,
  type ContractTemplateHandle,
  type ContractType,
  type DeviceNodeHandle,
} from '@sysbind/contract-interface';
import { Contract, OBSERVER_CHECK_INTERVAL } from './contract.ts';
import { closedError, invalidArgType, invalidArgValue } from './errors.ts';
import { ProcessBundleRouter } from './router.ts';
import { startThreadPoolOutsideWindow } from './template-window.ts';
import {
  compileTemplate,
  openCompiledTemplate,
  type CompiledTemplate,
  type ContractTemplate,
  type DeviceTemplate,
  type ProcessTemplate,
} from './template.ts';
import {
  validateBoolean,
  validateContractType,
  validateCtid,
  validateKeys,
  validateObject,
  validateString,
} from './validate.ts';
import { ContractWatcher } from './watcher.ts';

/** Options of {@link createContractSystem}. */
export interface ContractSystemOptions {
  /**
   * The implementation of contract(5) to use. Default: the native addon, loaded on first use
   * (off illumos that use throws ContractError `ERR_UNSUPPORTED_PLATFORM`; tests pass
   * `createContractSimulator().backend()` from @sysbind/testing-fakes instead).
   */
  readonly backend?: ContractBackend;
}

/** Options of {@link ContractSystem.spawn}: node:child_process spawn options plus the template. */
export type ContractSpawnOptions = SpawnOptions & {
  /** Terms of the new process contract (default: the process template defaults). */
  readonly template?: ProcessTemplate;
};

/** What {@link ContractSystem.spawn} returns. */
export interface ContractSpawnResult {
  /** The child, as node:child_process returns it. */
  readonly child: ChildProcess;
  /** The new contract the child is the only member of, held by this process. */
  readonly contract: Contract;
}

/** A template kept active (Manta-style) until cleared. */
export interface ActiveTemplate extends Disposable {
  /** The template's type. */
  readonly type: ContractType;
  /** Clears the calling thread's active template of this type; idempotent. */
  clear(): void;
}

/** What {@link ContractSystem.openDevice} returns. */
export interface OpenedDevice {
  /** The open minor node; close it when done. */
  readonly node: DeviceNodeHandle;
  /** The device contract created for it, held by this process. */
  readonly contract: Contract;
}

/** Flags of {@link ContractSystem.openDevice}. */
export interface DeviceOpenFlags {
  /** Open with O_NDELAY (do not wait for the device, e.g. for carrier on a serial line). */
  readonly ndelay?: boolean;
  /** Open with O_NOCTTY (a terminal device does not become the controlling terminal). */
  readonly noctty?: boolean;
}

/** Options of {@link ContractSystem.observe} and {@link ContractSystem.watch}. */
export interface ObserveOptions {
  /** Start at the head of the queue (events still retained) rather than at the tail. */
  readonly fromHead?: boolean;
}

/**
 * Entry point of the contract API: creates and finds contracts. All template work happens
 * synchronously on the calling (main) thread, because templates and "latest" are per thread.
 */
export class ContractSystem {
  private chosenBackend: ContractBackend | undefined;
  private readonly routers = new Map<ContractType, ProcessBundleRouter>();
  private readonly observed = new Set<Contract>();
  // Checks the observers' contracts for death while there are observers (unref'd: it never keeps
  // the process alive by itself).
  private observerChecks: ReturnType<typeof setInterval> | undefined;
  private readonly watchers = new Set<ContractWatcher>();
  private isClosed = false;

  /** Use {@link createContractSystem}. */
  constructor(options: ContractSystemOptions = {}) {
    const checked = validateObject(options, 'options');
    validateKeys(checked, ['backend'], 'options');
    const backend: unknown = checked['backend'];
    if (backend !== undefined && (typeof backend !== 'object' || backend === null)) {
      throw invalidArgType('options.backend', 'a ContractBackend object', backend);
    }
    this.chosenBackend = options.backend;
  }

  /** The backend (loading the native one on first use if none was given). */
  get backend(): ContractBackend {
    if (this.isClosed) throw closedError('the contract system');
    this.chosenBackend ??= createNativeContractBackend();
    return this.chosenBackend;
  }

  private router(type: ContractType): ProcessBundleRouter {
    let router = this.routers.get(type);
    if (router === undefined) {
      router = new ProcessBundleRouter(this.backend, type);
      this.routers.set(type, router);
    }
    router.open();
    return router;
  }

  private compile(template: unknown, type: ContractType | undefined, name = 'template'): CompiledTemplate {
    const compiled = compileTemplate(template, name);
    if (type !== undefined && compiled.type !== type) {
      throw invalidArgValue(`${name}.type`, compiled.type, `must be '${type}' here`);
    }
    return compiled;
  }

  /**
   * Spawns `command` in a new process contract: activate the template, spawn, read latest and
   * clear, all synchronously, so no other fork can slip in between.
   *
   * If no process could be forked (fork(2) failed with EAGAIN, for example when the project's
   * `project.max-contracts` is reached, or uv_spawn had no descriptor left), this throws a
   * ContractError with code `ERR_CONTRACT_FORK_FAILED` (syscall `'fork'`) instead of returning the
   * older contract that latest still names; the child's own `'error'` event, which Node emits a tick
   * later, is consumed. A command that fails to exec is no such failure: the fork happened, the
   * contract exists, and its member exits with status 127 (the child emits `'error'` as usual).
   */
  spawn(command: string, args: readonly string[] = [], options: ContractSpawnOptions = {}): ContractSpawnResult {
    validateString(command, 'command');
    if (!Array.isArray(args)) throw invalidArgType('args', 'an instance of Array', args);
    const { template = {}, ...spawnOptions } = validateObject(options, 'options') as ContractSpawnOptions;
    const compiled = this.compile(template, 'process', 'options.template');
    const router = this.router('process');
    const handle = openCompiledTemplate(this.backend, compiled);
    try {
      // What latest names before the fork: if the fork fails, latest still names it, and that
      // older contract must not be handed out as the child's.
      const previous = this.latestId('process');
      // The window is the spawn itself: latest is read after the clear (clearing the template
      // leaves this thread's latest alone), so nothing else runs while the template is active.
      startThreadPoolOutsideWindow();
      handle.activate();
      let child: ChildProcess;
      try {
        child = spawnChild(command, args, spawnOptions);
      } finally {
        handle.clear();
      }
      // No pid: either exec failed after the fork (the contract exists; its member exits 127),
      // or no fork happened (fork(2) failed with EAGAIN, e.g. project.max-contracts reached in
      // contract_process_fork, or uv_spawn had no descriptor left for its pipes).
      if (child.pid === undefined && this.latestId('process') === previous) throw forkFailed(command, child);
      return { child, contract: this.claimLatest('process', router) };
    } finally {
      handle.close();
    }
  }

  // The id of the contract `type`/latest names now, or undefined if none (ESRCH).
  private latestId(type: ContractType): number | undefined {
    let status: ContractStatusHandle;
    try {
      status = this.backend.openLatest(type);
    } catch (error) {
      if (isContractError(error, 'ESRCH')) return undefined;
      throw error;
    }
    const { ctid } = status;
    status.close();
    return ctid;
  }

  /**
   * Runs `fn` with `template` active on this thread, so that every fork it makes (any
   * node:child_process call) creates a contract; call {@link latest} inside `fn` right after a
   * spawn to get it. The template is cleared when `fn` returns or throws. `fn` must do its forks
   * synchronously: a template must not stay active across an await.
   *
   * A thread created while the template is active inherits a copy of it (illumos's
   * lwp_ctmpl_copy), and every process it forks later gets a contract: `fn` must not start a
   * Worker. libuv's thread pool is started before the template is activated, so fs, dns or crypto
   * calls inside `fn` start no thread. The same holds for {@link activateTemplate} until it is
   * cleared. {@link spawn} keeps the window to the spawn alone.
   */
  withTemplate<Result>(template: ContractTemplate, fn: () => Result): Result {
    if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn);
    const active = this.activateTemplate(template);
    try {
      return fn();
    } finally {
      active.clear();
    }
  }

  /**
   * Activates `template` until cleared (every fork of this thread then creates a contract, as
   * with the original module's set_template); the returned object clears it.
   */
  activateTemplate(template: ContractTemplate): ActiveTemplate {
    const compiled = this.compile(template, undefined);
    if (compiled.type === 'process') this.router('process');
    else this.router('device');
    const handle: ContractTemplateHandle = openCompiledTemplate(this.backend, compiled);
    try {
      startThreadPoolOutsideWindow();
      handle.activate();
    } catch (error) {
      handle.close();
      throw error;
    }
    let cleared = false;
    const clear = (): void => {
      if (cleared) return;
      cleared = true;
      try {
        handle.clear();
      } finally {
        handle.close();
      }
    };
    return { type: compiled.type, clear, [Symbol.dispose]: clear };
  }

  /** The contract of `type` this thread created last (ESRCH if none), held by this process. */
  latest(type: ContractType = 'process'): Contract {
    const checked = validateContractType(type);
    return this.claimLatest(checked, this.router(checked));
  }

  private claimLatest(type: ContractType, router: ProcessBundleRouter): Contract {
    const status = this.backend.openLatest(type);
    return this.claimOwned(status, router);
  }

  // `status` identifies a contract this process holds; it is closed here, since owners keep no
  // descriptor of their own (see ContractHandles).
  private claimOwned(status: ContractStatusHandle, router: ProcessBundleRouter): Contract {
    const { ctid, type } = status;
    status.close();
    const existing = router.get(ctid);
    if (existing !== undefined) return existing;
    const contract = new Contract(this, ctid, type, 'owner', { status: undefined, events: undefined });
    router.claim(contract);
    return contract;
  }

  /** Adopts an inherited contract (ct_ctl_adopt); its unacknowledged critical events follow. */
  adopt(ctid: number): Contract {
    validateCtid(ctid);
    const status = this.backend.openStatus(ctid);
    let router: ProcessBundleRouter;
    try {
      // The pbundle must exist before the adopt: that is where the contract's pending critical
      // events are copied to.
      router = this.router(status.type);
      const control = this.backend.openControl(ctid);
      try {
        control.adopt();
      } finally {
        control.close();
      }
    } catch (error) {
      status.close();
      throw error;
    }
    return this.claimOwned(status, router);
  }

  /** Observes a contract without holding it (its `events` file): read-only. */
  observe(ctid: number, options: ObserveOptions = {}): Contract {
    validateCtid(ctid);
    const fromHead = this.fromHead(options);
    const status = this.backend.openStatus(ctid);
    let events;
    try {
      events = this.backend.openEvents(ctid);
      if (fromHead) events.reset();
    } catch (error) {
      events?.close();
      status.close();
      throw error;
    }
    const contract = new Contract(this, ctid, status.type, 'observer', { status, events });
    this.observed.add(contract);
    this.observerChecks ??= setInterval(() => {
      for (const observer of [...this.observed]) observer.checkAlive();
    }, OBSERVER_CHECK_INTERVAL).unref();
    return contract;
  }

  private fromHead(options: ObserveOptions): boolean {
    const checked = validateObject(options, 'options');
    validateKeys(checked, ['fromHead'], 'options');
    return checked['fromHead'] === undefined ? false : validateBoolean(checked['fromHead'], 'options.fromHead');
  }

  /**
   * Creates a device contract directly from a template naming its minor node (ct_tmpl_create).
   * The creation runs off the JS thread: it waits for a negotiation under way on the device, up to
   * 60 s (ct_barrier_acquire in contract_device_create).
   */
  async createDeviceContract(template: DeviceTemplate): Promise<Contract> {
    const { handle, router } = this.deviceTemplate(template);
    let ctid: number;
    try {
      ctid = await handle.createAsync();
    } finally {
      handle.close();
    }
    return this.claimOwned(this.backend.openStatus(ctid), router);
  }

  /**
   * @internal ct_tmpl_create on the calling thread, which it may block for up to 60 s: for compat's
   * create(), whose callers read latest() right after (latest is per thread). Prefer
   * {@link createDeviceContract}.
   */
  createDeviceContractBlocking(template: DeviceTemplate): Contract {
    const { handle, router } = this.deviceTemplate(template);
    let ctid: number;
    try {
      ctid = handle.create();
    } finally {
      handle.close();
    }
    return this.claimOwned(this.backend.openStatus(ctid), router);
  }

  private deviceTemplate(template: DeviceTemplate): { handle: ContractTemplateHandle; router: ProcessBundleRouter } {
    const compiled = this.compile(template, 'device');
    if (!compiled.terms.some(([term]) => term === 'minor')) {
      throw invalidArgValue('template.minor', undefined, 'is required to create a device contract');
    }
    const router = this.router('device');
    return { handle: openCompiledTemplate(this.backend, compiled), router };
  }

  /**
   * Opens a device minor node under a device template, which creates a device contract for it
   * (the template's minor term is ignored). The node stays open until you close it. The open runs
   * off the JS thread, with the template active on the thread that opens (templates are per
   * thread): it waits for a negotiation under way on the device, up to 60 s
   * (contract_device_open). `options.ndelay` and `options.noctty` add O_NDELAY and O_NOCTTY.
   */
  async openDevice(
    path: string,
    template: DeviceTemplate = { type: 'device' },
    options: DeviceOpenFlags = {},
  ): Promise<OpenedDevice> {
    validateString(path, 'path');
    const flags = validateObject(options, 'options');
    validateKeys(flags, ['ndelay', 'noctty'], 'options');
    const ndelay = flags['ndelay'] === undefined ? false : validateBoolean(flags['ndelay'], 'options.ndelay');
    const noctty = flags['noctty'] === undefined ? false : validateBoolean(flags['noctty'], 'options.noctty');
    const compiled = this.compile(template, 'device');
    const router = this.router('device');
    const handle = openCompiledTemplate(this.backend, compiled);
    let opened;
    try {
      opened = await this.backend.openDeviceNodeAsync(path, { template: handle, ndelay, noctty });
    } finally {
      handle.close();
    }
    const { node, ctid } = opened;
    try {
      if (ctid === undefined) throw ContractError.fromErrno(constants.errno.ESRCH, 'open', { path: `/devices${path}` });
      return { node, contract: this.claimOwned(this.backend.openStatus(ctid), router) };
    } catch (error) {
      node.close();
      throw error;
    }
  }

  /** Watches every visible event of a contract type (the type bundle). */
  watch(type: ContractType = 'process', options: ObserveOptions = {}): ContractWatcher {
    validateContractType(type);
    const fromHead = this.fromHead(options);
    const endpoint = this.backend.openBundle(type);
    if (fromHead) endpoint.reset();
    const watcher = new ContractWatcher(type, endpoint);
    this.watchers.add(watcher);
    watcher.once('close', () => this.watchers.delete(watcher));
    return watcher;
  }

  /** @internal A contract was closed. */
  forget(contract: Contract, abandoned: boolean): void {
    if (contract.role === 'observer') {
      this.observed.delete(contract);
      if (this.observed.size === 0) this.stopObserverChecks();
    } else {
      this.routers.get(contract.type)?.forget(contract, abandoned);
    }
  }

  private stopObserverChecks(): void {
    if (this.observerChecks !== undefined) clearInterval(this.observerChecks);
    this.observerChecks = undefined;
  }

  /** @internal An owned contract starts or stops keeping the event loop alive. */
  pinOwned(contract: Contract, pinned: boolean): void {
    this.routers.get(contract.type)?.pin(contract, pinned);
  }

  /** True after close(). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Closes every contract, watcher and endpoint this system opened; idempotent. */
  close(): void {
    if (this.isClosed) return;
    for (const watcher of [...this.watchers]) watcher.close();
    for (const contract of [...this.observed]) contract.close();
    this.stopObserverChecks();
    for (const router of this.routers.values()) {
      for (const contract of router.contracts()) contract.close();
      router.close();
    }
    this.routers.clear();
    this.isClosed = true;
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

// The error of a spawn that forked no child. Node reports the errno a tick later as the child's
// 'error' event; the child is not handed out, so that event is consumed here and this error,
// thrown at once, stands for it.
function forkFailed(command: string, child: ChildProcess): ContractError {
  child.on('error', () => undefined);
  return new ContractError(
    `spawn ${command}: no process was forked, so no contract was created (fork(2) failed, e.g. EAGAIN ` +
      'when project.max-contracts or a process limit is reached, or no descriptor was left for the pipes)',
    { code: 'ERR_CONTRACT_FORK_FAILED', syscall: 'fork' },
  );
}

/** Creates a contract system over `options.backend` (default: the native addon, loaded lazily). */
export function createContractSystem(options: ContractSystemOptions = {}): ContractSystem {
  return new ContractSystem(options);
}
