import { ChildProcess } from 'node:child_process';

/** Something that wants to hear about every real fork made while it is registered. */
export interface ForkCapturer {
  /**
   * Called right after ChildProcess#spawn returned, with what it returned: 0, or libuv's negative
   * error (the child's pid is then undefined).
   */
  captureFork(child: ChildProcess, spawnResult: number): void;
}

// ChildProcess.prototype is shared by the whole Node process, so the list of capturers has to be
// too. The wrapper is installed while at least one capturer is registered and removed after the
// last one leaves; the most recently registered capturer gets the fork (one thread, one template).
const capturers: ForkCapturer[] = [];
type SpawnMethod = (this: ChildProcess, options: unknown) => unknown;
// ChildProcess#spawn exists at run time but is not part of the published typings.
const prototype = ChildProcess.prototype as unknown as { spawn: SpawnMethod };
let originalSpawn: SpawnMethod | undefined;

function install(): void {
  if (originalSpawn !== undefined) return;
  const original = prototype.spawn;
  originalSpawn = original;
  prototype.spawn = function spawnUnderContractTemplate(this: ChildProcess, options: unknown) {
    const result = original.call(this, options);
    capturers.at(-1)?.captureFork(this, typeof result === 'number' ? result : 0);
    return result;
  };
}

function uninstall(): void {
  if (originalSpawn === undefined) return;
  prototype.spawn = originalSpawn;
  originalSpawn = undefined;
}

/** Starts delivering real forks to `capturer`. */
export function registerForkCapturer(capturer: ForkCapturer): void {
  if (!capturers.includes(capturer)) capturers.push(capturer);
  install();
}

/** Stops delivering real forks to `capturer`; unwraps ChildProcess#spawn after the last one. */
export function unregisterForkCapturer(capturer: ForkCapturer): void {
  const index = capturers.indexOf(capturer);
  if (index >= 0) capturers.splice(index, 1);
  if (capturers.length === 0) uninstall();
}
