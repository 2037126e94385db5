import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import type { GridcentricBackend } from '@sysbind/gridcentric-interface';
import { serializeError, type CloneImage, type JournalOutcome } from './call-journal.ts';
import {
  CLONE_IMAGE_VARIABLE,
  fromClone,
  toClone,
  type CloneImageRequest,
  type CloneToController,
  type ControllerToClone,
} from './clone-protocol.ts';
import type { Termination } from './engine.ts';
import { isLive, type DomainRecord } from './model.ts';

/** How clone processes are started (the simulator option `cloneProcesses`). */
export interface CloneProcessOptions {
  /**
   * The program each clone runs again (default `process.argv[1]`, the entry point of this one).
   * Name it when this process is not `node program` (under a test runner, the entry point is the
   * runner's).
   */
  readonly entry?: string;
  /** Its arguments (default `process.argv.slice(2)`). */
  readonly args?: readonly string[];
  /** Node's options for it (default `process.execArgv`). */
  readonly execArgv?: readonly string[];
  /** Its environment (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Its working directory (default this process's). */
  readonly cwd?: string;
  /** Its standard streams (default `'inherit'`, so a clone's output shows with its parent's). */
  readonly stdio?: 'inherit' | 'ignore' | 'pipe';
}

/** One clone process, as the simulator's `cloneProcesses()` lists it. */
export interface CloneProcessInfo {
  /** The clone VM it runs. */
  readonly vmid: number;
  /** Its OS process id. */
  readonly pid: number;
  /** The process handle (its streams when `stdio` is `'pipe'`). */
  readonly child: ChildProcess;
}

/** What the host needs from the simulator. */
export interface CloneProcessWorld {
  /** The backend of one VM, whose calls the host runs for the clone's process. */
  backend(vmid: number): GridcentricBackend;
  /** The domain with `vmid`. */
  domain(vmid: number): DomainRecord | undefined;
  /** Ends a live domain. */
  terminate(domain: DomainRecord, how: Termination, code: number): void;
  /** What `version()` answers in every VM. */
  readonly version: string;
}

interface Running {
  readonly vmid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Set when the VM ended first and the host killed the process: its exit is not the VM's. */
  killedForVm: boolean;
  readonly waits: Map<number, AbortController>;
}

/**
 * Runs every clone made by a journaled program as a real OS process: when the clone VM turns
 * ONLINE, its program is started again ({@link CloneProcessOptions.entry}) with the image of its
 * parent's journal (a temporary file named by an environment variable, read once at start), and
 * the host answers that process's calls as the clone VM over the IPC channel.
 *
 * Lifecycles are tied both ways: the process ending makes the VM exit (exit code c: EXITED with
 * code c; killed by a signal: CRASHED with code 128 + the signal number), and the VM ending
 * (killed, crashed, its parent gone, the simulator closed) kills the process with SIGKILL. As
 * with `cluster.fork()`, running clone processes keep this process alive until they end or the
 * simulator closes.
 */
export class CloneProcessHost {
  readonly #options: CloneProcessOptions;
  readonly #world: CloneProcessWorld;
  readonly #images = new Map<number, CloneImageRequest>();
  readonly #online = new Set<number>();
  readonly #running = new Map<number, Running>();
  #directory: string | undefined;
  #closed = false;

  constructor(options: CloneProcessOptions, world: CloneProcessWorld) {
    this.#options = options;
    this.#world = world;
  }

  /** The processes running now. */
  processes(): CloneProcessInfo[] {
    return [...this.#running.values()].flatMap((running) =>
      running.child.pid === undefined ? [] : [{ vmid: running.vmid, pid: running.child.pid, child: running.child }],
    );
  }

  /** A program made clone `image.vmid`: its process starts once the VM is ONLINE. */
  addImage(image: CloneImageRequest): void {
    if (this.#closed) return;
    this.#images.set(image.vmid, image);
    this.#startIfReady(image.vmid);
  }

  /** The VM turned ONLINE: its process starts if its image is there. */
  online(domain: DomainRecord): void {
    if (this.#closed) return;
    this.#online.add(domain.vmid);
    this.#startIfReady(domain.vmid);
  }

  /** The VM ended: its process is killed, if it still runs. */
  terminated(domain: DomainRecord): void {
    this.#images.delete(domain.vmid);
    this.#online.delete(domain.vmid);
    const running = this.#running.get(domain.vmid);
    if (running === undefined || running.child.exitCode !== null || running.child.signalCode !== null) return;
    running.killedForVm = true;
    running.child.kill('SIGKILL');
  }

  /** Tells the VM's process its interface was cut off or restored (what its `check()` reports). */
  detached(vmid: number, errno: string | undefined): void {
    const running = this.#running.get(vmid);
    if (running?.child.connected === true) this.#send(running, { type: 'detached', errno });
  }

  /** Kills every clone process (SIGKILL, by pid) and resolves once all have exited. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#images.clear();
    const all = [...this.#running.values()];
    for (const running of all) {
      running.killedForVm = true;
      if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    }
    await Promise.all(all.map((running) => running.exited));
    if (this.#directory !== undefined) rmSync(this.#directory, { recursive: true, force: true });
    this.#directory = undefined;
  }

  #startIfReady(vmid: number): void {
    const image = this.#images.get(vmid);
    if (image === undefined || !this.#online.has(vmid) || this.#running.has(vmid)) return;
    const domain = this.#world.domain(vmid);
    if (domain === undefined || !isLive(domain)) return;
    this.#images.delete(vmid);
    this.#directory ??= mkdtempSync(path.join(tmpdir(), 'sysbind-gc-clones-'));
    const imagePath = path.join(this.#directory, `clone-${vmid}.json`);
    const complete: CloneImage = { ...image, ip: domain.ip, version: this.#world.version };
    writeFileSync(imagePath, JSON.stringify(complete));
    const options = this.#options;
    const entry = options.entry ?? process.argv[1];
    if (entry === undefined) throw new Error('cloneProcesses: no entry point to run (pass cloneProcesses.entry)');
    const child = fork(entry, [...(options.args ?? process.argv.slice(2))], {
      execArgv: [...(options.execArgv ?? process.execArgv)],
      env: { ...(options.env ?? process.env), [CLONE_IMAGE_VARIABLE]: imagePath },
      stdio: options.stdio ?? 'inherit',
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    let markExited!: () => void;
    const running: Running = {
      vmid,
      child,
      exited: new Promise<void>((resolve) => {
        markExited = resolve;
      }),
      killedForVm: false,
      waits: new Map(),
    };
    this.#running.set(vmid, running);
    child.on('message', (message: unknown) => {
      const typed = fromClone(message);
      if (typed !== undefined) this.#serve(running, typed);
    });
    // A failed spawn reports 'error' and then 'exit' (or 'exit' alone): the VM is ended on 'exit'.
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      this.#running.delete(vmid);
      rmSync(imagePath, { force: true });
      for (const wait of running.waits.values()) wait.abort();
      if (!running.killedForVm) {
        const vm = this.#world.domain(vmid);
        if (vm !== undefined && isLive(vm)) {
          if (signal === null) this.#world.terminate(vm, 'EXITED', code ?? 0);
          else this.#world.terminate(vm, 'CRASHED', 128 + constants.signals[signal]);
        }
      }
      markExited();
    });
  }

  #serve(running: Running, message: CloneToController): void {
    if (message.type === 'image') {
      this.addImage(message.image);
      return;
    }
    if (message.type === 'abort') {
      running.waits.get(message.id)?.abort();
      running.waits.delete(message.id);
      return;
    }
    const { id, operation, args } = message;
    const backend = this.#world.backend(running.vmid);
    const waits = running.waits;
    const signalFor = (): AbortSignal => {
      const controller = new AbortController();
      waits.set(id, controller);
      return controller.signal;
    };
    let work: Promise<unknown>;
    try {
      work = ((): Promise<unknown> => {
        const [first = 0] = args;
        switch (operation) {
          case 'version':
            return Promise.resolve(backend.version());
          case 'check':
            backend.check();
            return Promise.resolve(undefined);
          case 'myIp':
            return Promise.resolve(backend.myIp());
          case 'requestTickets':
            return backend.requestTickets(first);
          case 'cancelTicket':
            return backend.cancelTicket(first);
          case 'makeTicketIndependent':
            return backend.makeTicketIndependent(first);
          case 'listTickets':
            return backend.listTickets();
          case 'clone':
            return backend.clone(first);
          case 'listCloneDomains':
            return backend.listCloneDomains();
          case 'listTicketDomains':
            return backend.listTicketDomains(first);
          case 'getDomainStatus':
            return backend.getDomainStatus(first);
          case 'waitDomain':
            return backend.waitDomain(first, signalFor());
          case 'waitAny':
            return backend.waitAny(signalFor());
          case 'syncTicket':
            return backend.syncTicket(first, signalFor());
          case 'killCloneDomain':
            return backend.killCloneDomain(first);
          case 'killallCloneDomains':
            return backend.killallCloneDomains();
          case 'killallTicketDomains':
            return backend.killallTicketDomains(first);
        }
      })();
    } catch (error) {
      // A quick call that failed (check() on a detached VM) travels like any other failure.
      work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const reply = (outcome: JournalOutcome): void => {
      waits.delete(id);
      if (running.child.connected) this.#send(running, { type: 'settled', id, outcome });
    };
    work.then(
      (value) => {
        reply({ kind: 'value', value });
      },
      (error: unknown) => {
        reply(
          error instanceof Error && error.name === 'AbortError'
            ? { kind: 'aborted' }
            : { kind: 'error', error: serializeError(error) },
        );
      },
    );
  }

  #send(running: Running, message: ControllerToClone): void {
    // The process may be gone between the check and the write: the callback swallows that, and
    // its exit handles the VM.
    running.child.send(toClone(message), () => {});
  }
}
