import {
  CTFS_ROOT,
  CTD_COMMON,
  ContractError,
  type ContractBackend,
  type ContractControlHandle,
  type ContractEventEndpoint,
  type ContractEventListener,
  type ContractStatusHandle,
  type ContractTemplateHandle,
  type ContractType,
  type DeviceNodeHandle,
  type EventEndpointKind,
  type RawContractEvent,
  type RawContractStatus,
  type StatusDetail,
  type TemplateTerm,
  type TemplateTermValues,
  templateTermFunctions,
  type SimulatedLibcontract,
  type TemplateFunctionName,
  type SimulatedOut as Out,
} from '@sysbind/contract-interface';
import { Errno } from './errno.ts';

import { DEVICES_ROOT, OpenFlags } from './open-files.ts';
import type { SimulatorForNativeBackend } from '@sysbind/contract-interface';

/** Options of a simulator backend. */
export interface SimulatorBackendOptions {
  /** The simulated process the backend acts as (default: the simulator's self). */
  readonly pid?: number;
  /** The LWP it acts from (default 1, the main thread). */
  readonly lwp?: number;
}

const CLOEXEC = OpenFlags.O_CLOEXEC;

function check(errno: number, syscall: string, extra: { ctid?: number; path?: string } = {}): void {
  if (errno !== 0) throw ContractError.fromErrno(errno, syscall, extra);
}

function value<T>(result: Out<T>, syscall: string, extra: { ctid?: number } = {}): T {
  if (typeof result === 'number') throw ContractError.fromErrno(result, syscall, extra);
  return result.value;
}

/**
 * Runs `call` later, as the native backend runs a blocking call on a thread-pool thread: the
 * promise settles in a later turn of the event loop. The simulator never blocks, so the call
 * itself runs on the JS thread, from an immediate.
 */
function later<T>(call: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(call());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/**
 * The fd of a handle while blocking calls use it: `close()` meanwhile marks the handle closed and
 * leaves the fd open until the last call ends, as the native binding does.
 */
class InFlight {
  private count = 0;
  private pendingClose: (() => void) | undefined;
  begin(): void {
    this.count++;
  }
  end(): void {
    if (--this.count > 0) return;
    const close = this.pendingClose;
    this.pendingClose = undefined;
    close?.();
  }
  /** Closes now, or when the last call ends. */
  close(close: () => void): void {
    if (this.count > 0) this.pendingClose = close;
    else close();
  }
}

/** Keeps the event loop alive while some watching endpoint is ref'd (a uv_poll handle would). */
class KeepAlive {
  private count = 0;
  // One timer per backend, ref'd and unref'd rather than recreated: holds toggle on every
  // contract that gains or loses a consumer, which is a hot path.
  private timer: ReturnType<typeof setInterval> | undefined;
  hold(): void {
    if (this.count++ > 0) return;
    this.timer ??= setInterval(() => undefined, 1 << 30);
    this.timer.ref();
  }
  release(): void {
    if (--this.count === 0) this.timer?.unref();
  }
  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.count = 0;
  }
}

/**
 * A ContractBackend built on the simulator's libcontract-level API (open/ioctl-shaped calls on
 * simulated fds), so it follows exactly the rules the native addon meets over the same simulator.
 * Acts as one simulated process and LWP; events are drained in a microtask after the endpoint fd
 * polls readable.
 */
export function createSimulatorBackend(
  sim: SimulatorForNativeBackend,
  options: SimulatorBackendOptions = {},
): ContractBackend {
  const pid = options.pid ?? sim.self.pid;
  const api = sim.library(pid, options.lwp ?? 1);
  const keepAlive = new KeepAlive();
  const open = new Set<{ close(): void }>();

  function openFd(path: string, flags: number): number {
    const fd = api.open(path, flags | CLOEXEC);
    if (fd < 0) throw ContractError.fromErrno(-fd, 'open', { path });
    return fd;
  }

  /** Opens `<type>/<ctid>/<file>`, trying process then device: the path that exists gives the type. */
  function openTyped(ctid: number, file: string, flags: number): { fd: number; type: ContractType } {
    const asProcess = api.open(`${CTFS_ROOT}/process/${ctid}/${file}`, flags | CLOEXEC);
    if (asProcess >= 0) return { fd: asProcess, type: 'process' };
    if (asProcess !== -Errno.ENOENT)
      throw ContractError.fromErrno(-asProcess, 'open', { path: `${CTFS_ROOT}/process/${ctid}/${file}` });
    return { fd: openFd(`${CTFS_ROOT}/device/${ctid}/${file}`, flags), type: 'device' };
  }

  function statusFromFd(fd: number, path: string): ContractStatusHandle {
    const status = api.ct_status_read(fd, CTD_COMMON);
    if (typeof status === 'number') {
      api.close(fd);
      throw ContractError.fromErrno(status, 'ct_status_read', { path });
    }
    return new SimStatus(api, fd, open, status.ctid, status.type);
  }

  const backend: ContractBackend = {
    name: 'simulator',
    pid,
    openTemplate(type) {
      return new SimTemplate(api, openFd(`${CTFS_ROOT}/${type}/template`, OpenFlags.O_RDWR), open, type);
    },
    openLatest(type) {
      const path = `${CTFS_ROOT}/${type}/latest`;
      return statusFromFd(openFd(path, OpenFlags.O_RDONLY), path);
    },
    openStatus(ctid) {
      const path = `${CTFS_ROOT}/all/${ctid}/status`;
      return statusFromFd(openFd(path, OpenFlags.O_RDONLY), path);
    },
    openControl(ctid) {
      const { fd, type } = openTyped(ctid, 'ctl', OpenFlags.O_WRONLY);
      return new SimControl(api, fd, open, ctid, type);
    },
    openEvents(ctid) {
      const { fd, type } = openTyped(ctid, 'events', OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
      return new SimEndpoint(api, fd, open, 'events', type, ctid, keepAlive);
    },
    openBundle(type) {
      const fd = openFd(`${CTFS_ROOT}/${type}/bundle`, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
      return new SimEndpoint(api, fd, open, 'bundle', type, undefined, keepAlive);
    },
    openProcessBundle(type) {
      const fd = openFd(`${CTFS_ROOT}/${type}/pbundle`, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
      return new SimEndpoint(api, fd, open, 'pbundle', type, undefined, keepAlive);
    },
    openDeviceNode(path) {
      return new SimDeviceNode(api, openFd(`${DEVICES_ROOT}${path}`, OpenFlags.O_RDONLY), open, path);
    },
    openDeviceNodeAsync(path, openOptions = {}) {
      const template = openOptions.template;
      if (template !== undefined && !(template instanceof SimTemplate)) {
        throw Object.assign(
          new TypeError('The "options.template" argument must be a template handle of this backend'),
          { code: 'ERR_INVALID_ARG_TYPE' },
        );
      }
      // The simulator backend acts as one LWP: the template is activated on it around the open,
      // and its latest names the contract made. O_NDELAY and O_NOCTTY change nothing here.
      template?.beginBlocking('ct_tmpl_activate');
      return later(() => {
        try {
          // By fd: a close() meanwhile takes effect when this call ends.
          if (template !== undefined) check(api.ct_tmpl_activate(template.fd), 'ct_tmpl_activate');
          let node: DeviceNodeHandle;
          let ctid: number | undefined;
          try {
            node = backend.openDeviceNode(path);
            if (template !== undefined) {
              const latest = api.open(`${CTFS_ROOT}/device/latest`, OpenFlags.O_RDONLY | CLOEXEC);
              if (latest >= 0) {
                const status = api.ct_status_read(latest, CTD_COMMON);
                if (typeof status !== 'number') ctid = status.ctid;
                api.close(latest);
              }
            }
          } finally {
            if (template !== undefined) api.ct_tmpl_clear(template.fd);
          }
          return { node, ctid };
        } finally {
          template?.endBlocking();
        }
      });
    },
    sigsend(ctid, signal) {
      check(api.sigsend(ctid, signal), 'sigsend', { ctid });
    },
    close() {
      for (const handle of [...open]) handle.close();
      keepAlive.dispose();
    },
  };
  return backend;
}

/**
 * What every handle over a simulated fd shares: the fd, the libcontract it was opened through, and
 * its place in the backend's registry of open handles (which closes what is left when the backend
 * closes). Closing is idempotent, and waits for blocking calls still using the fd.
 */
abstract class SimFile {
  protected closed = false;
  protected readonly api: SimulatedLibcontract;
  /** The simulated fd (newct passes a template's). */
  readonly fd: number;
  private readonly registry: Set<{ close(): void }>;
  protected readonly inFlight = new InFlight();

  constructor(api: SimulatedLibcontract, fd: number, registry: Set<{ close(): void }>) {
    this.api = api;
    this.fd = fd;
    this.registry = registry;
    registry.add(this);
  }

  /** The fd, or a ContractError EBADF once closed. */
  protected live(syscall: string): number {
    if (this.closed) throw ContractError.fromErrno(Errno.EBADF, syscall);
    return this.fd;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.registry.delete(this);
    this.inFlight.close(() => this.api.close(this.fd));
  }
}

/** A file of one contract: its status or its ctl. */
abstract class SimContractFile extends SimFile {
  readonly ctid: number;
  readonly type: ContractType;
  constructor(
    api: SimulatedLibcontract,
    fd: number,
    registry: Set<{ close(): void }>,
    ctid: number,
    type: ContractType,
  ) {
    super(api, fd, registry);
    this.ctid = ctid;
    this.type = type;
  }

  protected override live(syscall: string): number {
    if (this.closed) throw ContractError.fromErrno(Errno.EBADF, syscall, { ctid: this.ctid });
    return this.fd;
  }
}

class SimStatus extends SimContractFile implements ContractStatusHandle {
  read(detail: StatusDetail): RawContractStatus {
    const status = this.api.ct_status_read(this.live('ct_status_read'), detail);
    if (typeof status === 'number') throw ContractError.fromErrno(status, 'ct_status_read', { ctid: this.ctid });
    return status;
  }
}

class SimDeviceNode extends SimFile implements DeviceNodeHandle {
  readonly path: string;
  constructor(api: SimulatedLibcontract, fd: number, registry: Set<{ close(): void }>, path: string) {
    super(api, fd, registry);
    this.path = path;
  }
}

class SimTemplate extends SimFile implements ContractTemplateHandle {
  readonly type: ContractType;
  constructor(api: SimulatedLibcontract, fd: number, registry: Set<{ close(): void }>, type: ContractType) {
    super(api, fd, registry);
    this.type = type;
  }

  set<Term extends TemplateTerm>(term: Term, termValue: TemplateTermValues[Term]): void {
    const api = this.api;
    const fd = this.live(templateTermFunctions(term)?.set ?? 'ct_tmpl_set');
    const given: unknown = termValue;
    const functions = templateTermFunctions(term);
    if (functions !== undefined) {
      const call = api as unknown as Record<TemplateFunctionName, (fd: number, ...args: unknown[]) => number>;
      if (functions.clear !== undefined) {
        // noneg: set or clear, each a function of its own.
        const name = given === true ? functions.set : functions.clear;
        check(call[name](fd), name);
      } else {
        // A value of the wrong type reaches libcontract as an invalid number, as C would see it.
        const argument = functions.kind === 'number' && typeof given !== 'number' ? Number.NaN : given;
        check(call[functions.set](fd, argument), functions.set);
      }
      return;
    }
    throw ContractError.fromErrno(Errno.EINVAL, 'ct_tmpl_set');
  }

  get<Term extends TemplateTerm>(term: Term): TemplateTermValues[Term] {
    const api = this.api;
    const fd = this.live(templateTermFunctions(term)?.get ?? 'ct_tmpl_get');
    const read = (): unknown => {
      const functions = templateTermFunctions(term);
      if (functions === undefined) throw ContractError.fromErrno(Errno.EINVAL, 'ct_tmpl_get');
      const call = api as unknown as Record<TemplateFunctionName, (fd: number) => Out<unknown>>;
      const result = value(call[functions.get](fd), functions.get);
      // ct_dev_tmpl_get_noneg answers 1 or 0; the backend interface speaks booleans.
      return functions.clear !== undefined ? result === 1 : result;
    };
    return read() as TemplateTermValues[Term];
  }

  activate(): void {
    check(this.api.ct_tmpl_activate(this.live('ct_tmpl_activate')), 'ct_tmpl_activate');
  }

  clear(): void {
    check(this.api.ct_tmpl_clear(this.live('ct_tmpl_clear')), 'ct_tmpl_clear');
  }

  create(): number {
    return value(this.api.ct_tmpl_create(this.live('ct_tmpl_create')), 'ct_tmpl_create');
  }

  createAsync(): Promise<number> {
    const fd = this.live('ct_tmpl_create');
    this.inFlight.begin();
    return later(() => {
      try {
        return value(this.api.ct_tmpl_create(fd), 'ct_tmpl_create');
      } finally {
        this.inFlight.end();
      }
    });
  }

  /** @internal The fd for a call that runs later (openDeviceNodeAsync); end it with endBlocking. */
  beginBlocking(syscall: string): number {
    const fd = this.live(syscall);
    this.inFlight.begin();
    return fd;
  }

  /** @internal */
  endBlocking(): void {
    this.inFlight.end();
  }
}

class SimControl extends SimContractFile implements ContractControlHandle {
  private run(syscall: string, call: (fd: number) => number): void {
    check(call(this.live(syscall)), syscall, { ctid: this.ctid });
  }

  adopt(): void {
    this.run('ct_ctl_adopt', (fd) => this.api.ct_ctl_adopt(fd));
  }
  abandon(): void {
    this.run('ct_ctl_abandon', (fd) => this.api.ct_ctl_abandon(fd));
  }
  abandonAsync(): Promise<void> {
    const fd = this.live('ct_ctl_abandon');
    this.inFlight.begin();
    return later(() => {
      try {
        check(this.api.ct_ctl_abandon(fd), 'ct_ctl_abandon', { ctid: this.ctid });
      } finally {
        this.inFlight.end();
      }
    });
  }
  ack(evid: bigint): void {
    this.run('ct_ctl_ack', (fd) => this.api.ct_ctl_ack(fd, evid));
  }
  nack(evid: bigint): void {
    this.run('ct_ctl_nack', (fd) => this.api.ct_ctl_nack(fd, evid));
  }
  qack(evid: bigint): void {
    this.run('ct_ctl_qack', (fd) => this.api.ct_ctl_qack(fd, evid));
  }
  newct(evid: bigint, template: ContractTemplateHandle): void {
    const templateFd = template instanceof SimTemplate ? template.fd : -1;
    this.run('ct_ctl_newct', (fd) => this.api.ct_ctl_newct(fd, evid, templateFd));
  }
}

class SimEndpoint extends SimFile implements ContractEventEndpoint {
  private listener: ContractEventListener | undefined;
  private scheduled = false;
  private refd = false;
  private holding = false;
  readonly kind: EventEndpointKind;
  readonly type: ContractType;
  readonly ctid: number | undefined;
  private readonly keepAlive: KeepAlive;

  constructor(
    api: SimulatedLibcontract,
    fd: number,
    registry: Set<{ close(): void }>,
    kind: EventEndpointKind,
    type: ContractType,
    ctid: number | undefined,
    keepAlive: KeepAlive,
  ) {
    super(api, fd, registry);
    this.kind = kind;
    this.type = type;
    this.ctid = ctid;
    this.keepAlive = keepAlive;
    api.setReadinessListener(fd, (readable) => {
      if (readable) this.schedule();
    });
  }

  private readWith(syscall: 'ct_event_read' | 'ct_event_read_critical'): RawContractEvent | undefined {
    const fd = this.live(syscall);
    const event = syscall === 'ct_event_read' ? this.api.ct_event_read(fd) : this.api.ct_event_read_critical(fd);
    if (typeof event !== 'number') return event;
    if (event === Errno.EAGAIN) return undefined;
    throw ContractError.fromErrno(event, syscall, this.ctid === undefined ? {} : { ctid: this.ctid });
  }

  read(): RawContractEvent | undefined {
    return this.readWith('ct_event_read');
  }

  readCritical(): RawContractEvent | undefined {
    return this.readWith('ct_event_read_critical');
  }

  reset(): void {
    check(this.api.ct_event_reset(this.live('ct_event_reset')), 'ct_event_reset');
    if (this.api.poll(this.fd) === 1) this.schedule();
  }

  reliable(): void {
    check(this.api.ct_event_reliable(this.live('ct_event_reliable')), 'ct_event_reliable');
  }

  listen(listener: ContractEventListener | undefined): void {
    this.live('poll');
    this.listener = listener;
    this.updateHold();
    if (listener !== undefined && this.api.poll(this.fd) === 1) this.schedule();
  }

  ref(): void {
    this.refd = true;
    this.updateHold();
  }

  unref(): void {
    this.refd = false;
    this.updateHold();
  }

  override close(): void {
    if (this.closed) return;
    this.listener = undefined;
    this.updateHold();
    this.api.setReadinessListener(this.fd, undefined);
    super.close();
  }

  private updateHold(): void {
    const hold = this.refd && this.listener !== undefined && !this.closed;
    if (hold === this.holding) return;
    this.holding = hold;
    if (hold) this.keepAlive.hold();
    else this.keepAlive.release();
  }

  private schedule(): void {
    if (this.scheduled || this.listener === undefined || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    for (;;) {
      const listener = this.listener;
      if (listener === undefined || this.closed) return;
      const event = this.api.ct_event_read(this.fd);
      if (typeof event !== 'number') {
        listener.onEvent(event);
        continue;
      }
      if (event === Errno.EAGAIN) return;
      this.listener = undefined;
      this.updateHold();
      listener.onError(
        ContractError.fromErrno(event, 'ct_event_read', this.ctid === undefined ? {} : { ctid: this.ctid }),
      );
      return;
    }
  }
}
