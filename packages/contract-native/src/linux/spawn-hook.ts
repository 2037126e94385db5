// Forks under an active process template. node:child_process spawns through ChildProcess#spawn
// (libuv's uv_spawn); while a template is active, this wrapper makes a new contract's cgroup,
// moves this process into it for the one fork, and back: the child is born in the contract, with
// its own pid and libuv's own 'exit', and every descendant it makes stays inside.
import { ChildProcess } from 'node:child_process';
import type { LinuxContractHost } from './contract-host.ts';

type SpawnMethod = (this: ChildProcess, options: unknown) => unknown;
const prototype = ChildProcess.prototype as unknown as { spawn: SpawnMethod };
let installedFor: LinuxContractHost | undefined;

/** Routes forks made while `host` has an active template into new contracts (once per thread). */
export function installSpawnHook(host: LinuxContractHost): void {
  if (installedFor !== undefined) return;
  installedFor = host;
  const original = prototype.spawn;
  prototype.spawn = function spawnIntoContract(this: ChildProcess, options: unknown): unknown {
    const terms = host.active;
    if (terms === undefined) return original.call(this, options);
    const contract = host.createContract(terms);
    let result: unknown;
    try {
      // The move concerns the whole process: other threads' forks must wait their turn.
      host.lockSpawns();
      try {
        host.enter(contract);
        try {
          result = original.call(this, options);
        } finally {
          host.enter(undefined);
        }
      } finally {
        host.unlockSpawns();
      }
    } catch (error) {
      host.discard(contract);
      throw error;
    }
    host.latest = contract;
    const pid = this.pid;
    if (pid !== undefined) {
      // Without the connector or a pidfd, the direct child's status comes from libuv's own 'exit'.
      if (!host.bornInto(contract, pid)) {
        this.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
          host.exitedWithoutConnector(contract, pid, code, signal);
        });
      }
    }
    host.settle(contract);
    return result;
  };
}
