// Loading the Linux flavor of the addon (native/linux) and finding the sentinel executable next to
// it: a prebuilt copy shipped in prebuilds/<platform>-<arch>, else the one built from source into
// build/linux. Never at import time.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractError } from '@sysbind/contract-interface';

/** The monitor of members and cgroups (native/linux/monitor.h). */
export interface LinuxMonitor {
  track(pid: number, ctid: number): void;
  untrack(pid: number): void;
  /** Follows `pid`'s exit status through a pidfd (no connector): 0, or -errno (-ESRCH: already reaped). */
  watchExit(pid: number, ctid: number): number;
  /** 0, or a negative errno. */
  watchFile(ctid: number, path: string): number;
  /** 0, or a negative errno. */
  watchFolder(id: number, path: string): number;
  unwatch(id: number): void;
  drain(): Float64Array;
  ref(): void;
  unref(): void;
  close(): void;
  /** 0 when the process-events connector works, else the errno that stopped it. */
  connectorError(): number;
  /**
   * For tests only: sets the connector socket's receive buffer (0: the default), returning the
   * size the kernel settled on, or a negative errno.
   */
  setConnectorBuffer(bytes: number): number;
}

/** What the Linux flavor exports. */
export interface LinuxContractAddon {
  readonly flavor: 'linux';
  readonly Monitor: new (callback: (facts: Float64Array) => void, useConnector: boolean) => LinuxMonitor;
  getXattr(path: string, name: string): string | number;
  setXattr(path: string, name: string, value: string): number;
  startSentinel(executable: string, args: readonly string[]): number;
  closeFd(fd: number): void;
  acquireSpawnLock(tag: number, timeoutMs: number): boolean;
  releaseSpawnLock(tag: number): void;
}

/** Kinds of the monitor's fact records (native/linux/monitor.h). */
export const Fact = { Fork: 1, Exit: 2, Core: 3, Cgroup: 4, Overflow: 5, Removed: 6, Folder: 7 } as const;

const PACKAGE_NAME = '@sysbind/contract-native';
let loaded: LinuxContractAddon | undefined;
let root: string | undefined;

function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
      return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package folder`);
    dir = parent;
  }
}

/** The folders the Linux build may be in, best first. */
export function linuxBuildFolders(): string[] {
  const base = packageRoot();
  // The sanitizer job's instrumented build (SYSBIND_SANITIZE=1), never a shipped one.
  if (process.env['SYSBIND_SANITIZE'] === '1') return [path.join(base, 'build', 'linux-asan', 'Release')];
  return [path.join(base, 'prebuilds', `linux-${process.arch}`), path.join(base, 'build', 'linux', 'Release')];
}

function buildFolder(): string {
  const folders = linuxBuildFolders();
  const found = folders.find(
    (folder) =>
      existsSync(path.join(folder, 'contract.node')) &&
      existsSync(path.join(folder, 'sysbind-contract-sentinel')) &&
      existsSync(path.join(folder, 'sysbind-contract-enter')),
  );
  if (found === undefined) {
    throw new ContractError(
      `the Linux build of ${PACKAGE_NAME} is missing (looked in ${folders.join(' and ')}): there is no prebuilt ` +
        `binary for linux-${process.arch}, and building it at install needs cmake and a C++17 compiler ` +
        '(reinstall the package once they are present)',
      { code: 'ERR_ADDON_NOT_BUILT', path: folders.at(-1) ?? '' },
    );
  }
  return found;
}

/** Loads the Linux addon (first use only). */
export function loadLinuxAddon(): LinuxContractAddon {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    throw new ContractError(`the Linux contract backend runs on Linux only, and this is ${process.platform}`, {
      code: 'ERR_UNSUPPORTED_PLATFORM',
    });
  }
  const file = path.join(buildFolder(), 'contract.node');
  loaded = createRequire(import.meta.url)(file) as LinuxContractAddon;
  return loaded;
}

/** Path of the sentinel executable that goes with the loaded addon. */
export function sentinelPath(): string {
  return path.join(buildFolder(), 'sysbind-contract-sentinel');
}

/** Path of the helper a synchronous child is started through (native/linux/enter/main.cc). */
export function enterHelperPath(): string {
  return path.join(buildFolder(), 'sysbind-contract-enter');
}
