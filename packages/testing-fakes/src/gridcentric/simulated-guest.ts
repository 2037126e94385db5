import { readFileSync, rmSync } from 'node:fs';
import type { GridcentricBackend } from '@sysbind/gridcentric-interface';
import { CallJournal, createJournaledBackend, type CloneImage } from './call-journal.ts';
import { connectToController } from './clone-channel.ts';
import { CLONE_IMAGE_VARIABLE } from './clone-protocol.ts';
import { createReplayingBackend } from './clone-replay.ts';
import type { CloneProcessOptions } from './clone-processes.ts';
import {
  createGridcentricSimulator,
  type GridcentricSimulator,
  type GridcentricSimulatorOptions,
} from './simulator.ts';

/** Options of {@link openSimulatedGuest}: the simulator's, used in the master process only. */
export interface SimulatedGuestOptions extends Omit<GridcentricSimulatorOptions, 'cloneProcesses'> {
  /** How clone processes start (default: this program's entry point, arguments and Node options). */
  readonly cloneProcesses?: CloneProcessOptions;
}

/** The Gridcentric guest this process is, in a simulated cluster whose clones are processes. */
export interface SimulatedGuest extends AsyncDisposable {
  /** `'master'` in the process that runs the simulator, `'clone'` in a clone's process. */
  readonly role: 'master' | 'clone';
  /** This process's VM. */
  readonly vmid: number;
  /** The backend of this VM: give it to `createGridcentric({ backend })` or the compat `useBackend`. */
  readonly backend: GridcentricBackend;
  /** The simulator (its world controls, `inspect()`), in the master process only. */
  readonly simulator: GridcentricSimulator | undefined;
  /**
   * Master: closes the simulator and kills every clone process (by pid), resolving once they have
   * exited. Clone: rejects the calls in flight and lets the IPC channel go. Idempotent.
   */
  close(): Promise<void>;
}

/** How long a clone process may replay before it warns that it has not reached its clone point. */
const STUCK_MS = 10_000;

// A process is one VM: the clone side is attached once, whoever asks.
let attached: SimulatedGuest | undefined;

/**
 * The guest of a simulated cluster whose clones are real processes, in the spirit of
 * `cluster.fork()`: the same call works in both copies of the program.
 *
 * - In the first process it starts a simulator with process-level clones and returns its master
 *   VM's backend.
 * - In a process the simulator started for a clone, it returns that clone's backend: the program,
 *   run again from its entry point, gets the parent's answers to the calls it had made before the
 *   clone point, the same `clone()` call returns 0 (the facade's `{ role: 'clone' }`), `myIp()` is
 *   the clone's from then on, and every later call is made as the clone VM.
 *
 * So code written for a real guest runs unchanged on it, provided the path to each clone call is
 * the same in the copy: decided by Gridcentric answers and by the program's own code, not by input
 * the copy does not get (see the simulation guide).
 */
export function openSimulatedGuest(options: SimulatedGuestOptions = {}): SimulatedGuest {
  const imagePath = process.env[CLONE_IMAGE_VARIABLE];
  if (imagePath !== undefined && process.send !== undefined) {
    attached ??= attachClone(imagePath);
    return attached;
  }
  const simulator = createGridcentricSimulator({ ...options, cloneProcesses: options.cloneProcesses ?? true });
  return {
    role: 'master',
    vmid: simulator.masterVmid,
    backend: simulator.backend(),
    simulator,
    close: () => simulator[Symbol.asyncDispose](),
    [Symbol.asyncDispose]: () => simulator[Symbol.asyncDispose](),
  };
}

/**
 * Drops what the program writes to stdout until it reaches its clone point: the parent printed it
 * already, and a real clone, a copy of memory, would not print it again. stderr stays, so a copy
 * that fails on its way there is seen.
 */
function muteStandardOutput(): () => void {
  const stdout = process.stdout;
  // Restored as it was: an own property if the stream had one, the prototype's otherwise.
  const own = Object.getOwnPropertyDescriptor(stdout, 'write');
  const muted = function (...args: unknown[]): boolean {
    const callback = args.find((arg): arg is (error?: Error | null) => void => typeof arg === 'function');
    if (callback !== undefined) process.nextTick(callback);
    return true;
  } as typeof stdout.write;
  stdout.write = muted;
  return () => {
    if (stdout.write !== muted) return;
    if (own === undefined) Reflect.deleteProperty(stdout, 'write');
    else Object.defineProperty(stdout, 'write', own);
  };
}

function attachClone(imagePath: string): SimulatedGuest {
  const image = JSON.parse(readFileSync(imagePath, 'utf8')) as CloneImage;
  // Read once; the variable must not reach the processes this program starts itself.
  rmSync(imagePath, { force: true });
  Reflect.deleteProperty(process.env, CLONE_IMAGE_VARIABLE);
  const channel = connectToController(image);
  // The simulator that runs this VM is gone: so is the VM, and the program with it.
  process.once('disconnect', () => {
    process.exit(137);
  });
  const replaying = createReplayingBackend(image, channel.backend);
  // A copy that takes another path than its parent never gets to its clone point; say so rather
  // than leave a silent process behind.
  const stuck = setTimeout(() => {
    process.emitWarning(
      `clone ${image.vmid}: the program has not reached its clone point after ${STUCK_MS / 1000} s; ` +
        'the path to its clone() call differs from the parent run (see the Gridcentric simulation guide)',
      { code: 'SYSBIND_GC_CLONE_POINT_NOT_REACHED' },
    );
  }, STUCK_MS).unref();
  const unmute = muteStandardOutput();
  void replaying.clonePointReached.then(() => {
    clearTimeout(stuck);
    unmute();
  });
  // This program's own calls, replayed ones included: the image of the clones it makes.
  const journal: CallJournal = new CallJournal((clonePoint, vmid, ticket) => {
    channel.sendImage({ vmid, parentVmid: image.vmid, ticket, entries: journal.snapshot(), clonePoint });
  });
  let closed = false;
  const close = (): Promise<void> => {
    if (!closed) {
      closed = true;
      channel.close();
    }
    return Promise.resolve();
  };
  return {
    role: 'clone',
    vmid: image.vmid,
    backend: createJournaledBackend(replaying.backend, journal),
    simulator: undefined,
    close,
    [Symbol.asyncDispose]: close,
  };
}
