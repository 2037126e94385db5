import { constants as fsConstants } from 'node:fs';
import {
  CTFS_ROOT,
  CTS_INHERITED,
  CTS_OWNED,
  type ContractType,
  type EventEndpointKind,
  type EventQueue,
  type QueueListener,
} from '@sysbind/contract-interface';
import { Errno } from './errno.ts';
import type { ContractEngine } from './engine.ts';
import type { SimContract, SimDevice, SimProcess } from './model.ts';
import type { SimEvent } from './event.ts';
import { defaultTemplate, type TemplateState } from './template-state.ts';

/** open(2) flags as the simulator reads them (the host's values). */
export const OpenFlags = {
  /** Read only. */
  O_RDONLY: fsConstants.O_RDONLY,
  /** Write only. */
  O_WRONLY: fsConstants.O_WRONLY,
  /** Read and write. */
  O_RDWR: fsConstants.O_RDWR,
  /** Non-blocking reads. */
  O_NONBLOCK: fsConstants.O_NONBLOCK,
  /** Close on exec (Linux's value; ctfs never sees it). */
  O_CLOEXEC: 0o2000000,
} as const;

const ACCESS_MODE = 3;
// Flags that ctfs's exact-equality check never sees: close-on-exec (kept by the fd layer) and the
// large-file flag 64-bit processes get implicitly. (Whether illumos accepts O_CLOEXEC is unverified;
// the simulator accepts it and says so in its guide.)
const IGNORED_FLAGS = OpenFlags.O_CLOEXEC | 0o100000;

/** Root of devfs, where device minor nodes are opened. */
export const DEVICES_ROOT = '/devices';

/** What an fd refers to. */
export type OpenFile =
  | { readonly kind: 'directory'; readonly pid: number }
  | { readonly kind: 'template'; readonly pid: number; readonly template: TemplateState }
  | { readonly kind: 'status'; readonly pid: number; readonly contract: SimContract }
  | { readonly kind: 'ctl'; readonly pid: number; readonly contract: SimContract }
  | EndpointFile
  | { readonly kind: 'device'; readonly pid: number; readonly device: SimDevice };

/** An open event endpoint. */
export interface EndpointFile {
  readonly kind: 'endpoint';
  readonly pid: number;
  readonly endpoint: EventEndpointKind;
  readonly type: ContractType;
  readonly ctid: number | undefined;
  readonly contract: SimContract | undefined;
  readonly queue: EventQueue<SimEvent>;
  listener: QueueListener<SimEvent> | undefined;
  readonly nonblocking: boolean;
  readiness: ((readable: boolean) => void) | undefined;
}

/** The simulator's file descriptor table (fds of every simulated process, tagged with the opener). */
export class OpenFileTable {
  readonly files = new Map<number, OpenFile>();
  private nextFd = 3;

  private readonly engine: ContractEngine;
  constructor(engine: ContractEngine) {
    this.engine = engine;
  }

  private add(file: OpenFile): number {
    const fd = this.nextFd++;
    this.files.set(fd, file);
    return fd;
  }

  /** The file behind `fd` if `pid` opened it. */
  get(pid: number, fd: number): OpenFile | undefined {
    const file = this.files.get(fd);
    return file?.pid === pid ? file : undefined;
  }

  /** close(2). */
  close(pid: number, fd: number): number {
    const file = this.get(pid, fd);
    if (file === undefined) return Errno.EBADF;
    this.files.delete(fd);
    if (file.kind === 'endpoint') {
      file.readiness = undefined;
      if (file.listener !== undefined) file.queue.unlisten(file.listener);
      if (file.contract !== undefined) this.engine.release(file.contract);
    } else if (file.kind === 'status' || file.kind === 'ctl') {
      this.engine.release(file.contract);
    }
    return 0;
  }

  /** Closes every fd of an exited process. */
  closeAll(pid: number): void {
    for (const [fd, file] of this.files) if (file.pid === pid) this.close(pid, fd);
  }

  /** open(2) of a ctfs or devfs path: the fd, or the negated errno. */
  open(caller: SimProcess, lwpId: number, path: string, flags: number): number {
    const effective = flags & ~IGNORED_FLAGS;
    const access = effective & ACCESS_MODE;
    const nonblocking = (effective & OpenFlags.O_NONBLOCK) !== 0;
    const rest = effective & ~(ACCESS_MODE | OpenFlags.O_NONBLOCK);
    if (path.startsWith(DEVICES_ROOT + '/')) return this.openDevice(caller, lwpId, path.slice(DEVICES_ROOT.length));
    if (path !== CTFS_ROOT && !path.startsWith(CTFS_ROOT + '/')) return -Errno.ENOENT;
    const parts = splitPath(path.slice(CTFS_ROOT.length));
    const readOnlyExactly = rest === 0 && !nonblocking && access === OpenFlags.O_RDONLY;
    const endpointMode = rest === 0 && access === OpenFlags.O_RDONLY;
    const [first, second, third, extra] = parts;
    if (first === undefined) return readOnlyExactly ? this.add({ kind: 'directory', pid: caller.pid }) : -Errno.EINVAL;
    if (extra !== undefined) return -Errno.ENOENT;
    const type = first === 'process' || first === 'device' ? first : undefined;
    if (type === undefined && first !== 'all') return -Errno.ENOENT;
    if (second === undefined) return readOnlyExactly ? this.add({ kind: 'directory', pid: caller.pid }) : -Errno.EINVAL;
    if (type !== undefined && third === undefined) {
      switch (second) {
        case 'template':
          if (rest !== 0 || nonblocking || access !== OpenFlags.O_RDWR) return -Errno.EINVAL;
          return this.add({ kind: 'template', pid: caller.pid, template: defaultTemplate(type) });
        case 'latest': {
          if (!readOnlyExactly) return -Errno.EINVAL;
          const lwp = caller.lwps.get(lwpId);
          const ctid = lwp?.latest[type];
          const contract = ctid === undefined ? undefined : this.engine.contracts.get(ctid);
          if (contract === undefined) return -Errno.ESRCH;
          contract.refs++;
          return this.add({ kind: 'status', pid: caller.pid, contract });
        }
        case 'bundle':
        case 'pbundle': {
          if (!endpointMode) return -Errno.EINVAL;
          let queue: EventQueue<SimEvent>;
          // ctfs_create_pbundle creates the process's queue if nothing has yet.
          if (second === 'bundle') queue = this.engine.bundles[type];
          else queue = this.engine.processBundle(caller, type);
          return this.addEndpoint(caller, second, type, undefined, queue, nonblocking);
        }
      }
    }
    const ctid = parseCtid(second);
    const contract = ctid === undefined ? undefined : this.engine.contracts.get(ctid);
    if (contract === undefined || (type !== undefined && contract.type !== type)) return -Errno.ENOENT;
    if (third === undefined) return readOnlyExactly ? this.add({ kind: 'directory', pid: caller.pid }) : -Errno.EINVAL;
    switch (third) {
      case 'status':
        if (!readOnlyExactly) return -Errno.EINVAL;
        contract.refs++;
        return this.add({ kind: 'status', pid: caller.pid, contract });
      case 'ctl': {
        if (rest !== 0 || nonblocking || access !== OpenFlags.O_WRONLY) return -Errno.EINVAL;
        const owns = contract.state === CTS_OWNED && contract.ownerPid === caller.pid;
        const inheritedByMine = contract.state === CTS_INHERITED && contract.regent === caller.contract;
        if (!owns && !inheritedByMine) return -Errno.EACCES;
        contract.refs++;
        return this.add({ kind: 'ctl', pid: caller.pid, contract });
      }
      case 'events': {
        if (!endpointMode) return -Errno.EINVAL;
        const allowed =
          caller.privileges.has('contract_observer') ||
          caller.euid === contract.authorEuid ||
          (contract.ownerEuid !== undefined && caller.euid === contract.ownerEuid);
        if (!allowed) return -Errno.EACCES;
        contract.refs++;
        return this.addEndpoint(caller, 'events', contract.type, contract, contract.queue, nonblocking);
      }
      default:
        return -Errno.ENOENT;
    }
  }

  private addEndpoint(
    caller: SimProcess,
    endpoint: EventEndpointKind,
    type: ContractType,
    contract: SimContract | undefined,
    queue: EventQueue<SimEvent>,
    nonblocking: boolean,
  ): number {
    const file: EndpointFile = {
      kind: 'endpoint',
      pid: caller.pid,
      endpoint,
      type,
      ctid: contract?.id,
      contract,
      queue,
      listener: undefined,
      nonblocking,
      readiness: undefined,
    };
    const observer = caller.privileges.has('contract_observer');
    const euid = caller.euid;
    const filter =
      endpoint === 'bundle' && !observer
        ? (event: { ownerEuid: number | undefined; authorEuid: number }) =>
            event.ownerEuid === euid || event.authorEuid === euid
        : undefined;
    file.listener = queue.listen(filter, (readable) => file.readiness?.(readable));
    return this.add(file);
  }

  private openDevice(caller: SimProcess, lwpId: number, minor: string): number {
    const device = this.engine.devices.get(minor);
    if (device === undefined) return -Errno.ENOENT;
    const lwp = caller.lwps.get(lwpId);
    const template = lwp?.active.device;
    // contract_device_open: no A-set test; the contract is made whatever the device's state.
    if (lwp !== undefined && template !== undefined) this.engine.createDeviceContract(caller, lwp, template, device);
    return this.add({ kind: 'device', pid: caller.pid, device });
  }
}

function splitPath(rest: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index <= rest.length; index++) {
    if (index === rest.length || rest.charCodeAt(index) === 47 /* / */) {
      if (index > start) parts.push(rest.slice(start, index));
      start = index + 1;
    }
  }
  return parts;
}

function parseCtid(text: string): number | undefined {
  if (text.length === 0 || text.length > 10 || text.charCodeAt(0) === 48 /* 0 */) return undefined;
  let value = 0;
  for (let index = 0; index < text.length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}
