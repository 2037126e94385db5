// Synchronous children under an active process template. spawnSync, execSync and execFileSync
// all end in one call of Node's spawn_sync binding (execSync and execFileSync through a function
// private to node:child_process, so wrapping the module's exports would miss them, and would miss
// functions imported before the wrap). The binding object is shared with node:child_process, so a
// wrapper on its `spawn` sees every synchronous spawn of this thread.
//
// Node blocks inside that call until the child ends, so it cannot move itself into the contract
// for the fork as the asynchronous hook does (it would stay a member for the whole run). Instead
// the command is started through the enter helper, which joins the contract's cgroup and execs
// the command: the pid spawnSync reports is the command's own, and Node never joins the cgroup.
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import path from 'node:path';
import { enterHelperPath } from './addon.ts';
import type { LinuxContractHost } from './contract-host.ts';
import { spawnSyncBinding, type SpawnSyncOptions, type SpawnSyncResult } from './spawn-sync-binding.ts';

let installedFor: LinuxContractHost | undefined;

function executable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The file libuv would execute for `file` (uv__execvpe): a name with a slash as it is (relative
 * to the child's cwd), else the first executable match along the child's PATH (libuv's default
 * path when the child's environment has none).
 */
function resolveCommand(options: SpawnSyncOptions): string | undefined {
  const base = path.resolve(options.cwd ?? process.cwd());
  if (options.file.includes('/')) {
    const candidate = path.resolve(base, options.file);
    return executable(candidate) ? candidate : undefined;
  }
  const entry = options.envPairs?.find((pair) => pair.startsWith('PATH='));
  const search = entry === undefined ? '/usr/bin:/bin' : entry.slice('PATH='.length);
  for (const folder of search.split(':')) {
    const candidate = path.resolve(base, folder, options.file);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Routes synchronous children made while `host` has an active template into new contracts (once
 * per thread). Where this Node refuses the binding nothing is installed; the host probe lists it.
 */
export function installSpawnSyncHook(host: LinuxContractHost): void {
  if (installedFor !== undefined) return;
  installedFor = host;
  const binding = spawnSyncBinding();
  if (typeof binding === 'string') return;
  const original = binding.spawn;
  binding.spawn = function spawnSyncIntoContract(this: unknown, options: SpawnSyncOptions): SpawnSyncResult {
    const terms = host.active;
    // A command libuv cannot find makes no process: its own error is left to it, unchanged.
    const command = terms === undefined ? undefined : resolveCommand(options);
    if (terms === undefined || command === undefined) return original.call(this, options);
    const contract = host.createContract(terms);
    let result: SpawnSyncResult;
    try {
      const { uid, gid, ...rest } = options;
      // The caller's options object is left as it was: node:child_process names options.file in
      // its error messages.
      result = original.call(this, {
        ...rest,
        file: enterHelperPath(),
        args: [
          'sysbind-contract-enter',
          path.join(contract.path, 'cgroup.procs'),
          uid === undefined ? '-' : String(uid),
          gid === undefined ? '-' : String(gid),
          command,
          ...options.args,
        ],
      });
    } catch (error) {
      host.discard(contract);
      throw error;
    }
    const pid = result.pid ?? 0;
    if (pid <= 0) {
      host.discard(contract);
      return result;
    }
    host.latest = contract;
    // The command has ended and been reaped: without the connector its status is the one
    // spawnSync returned, reported from the event loop as the connector's would be (so that
    // whoever opens the contract after the call still sees it).
    if (!host.bornInto(contract, pid, true)) {
      const signal = (result.signal ?? null) as NodeJS.Signals | null;
      const status = result.status ?? null;
      setImmediate(() => {
        host.exitedWithoutConnector(contract, pid, status, signal);
      });
    }
    host.settle(contract);
    return result;
  };
}
