// Where the Linux backend keeps its contracts, and what this host lets it do. A contract is a
// leaf cgroup in a registry folder, `<this process's cgroup>/sysbind.contracts`, so root and a
// delegated user (systemd-run --user --scope -p Delegate=yes) work the same way; contracts of
// other processes are found in their registries (the caller's, and the one under the cgroup2 root).
import {
  accessSync,
  constants as fsConstants,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { release } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { ContractError } from '@sysbind/contract-interface';
import { loadLinuxAddon } from './addon.ts';
import { spawnSyncUnavailable } from './spawn-sync-binding.ts';

/** Name of the registry folder inside a cgroup. */
export const REGISTRY_NAME = 'sysbind.contracts';

/** One thing the host lacks, what it costs, and how to get it. */
export interface MissingFeature {
  /** Short name: `cgroup2`, `delegation`, `cgroup.kill`, `cgroup.freeze`, `xattr`, `connector`, `pidfd-exit-info`, `spawn-sync`. */
  readonly feature: string;
  /** What does not work without it. */
  readonly consequence: string;
  /** How to get it. */
  readonly remedy: string;
  /** True if the backend cannot run at all without it (false: a documented degradation). */
  readonly required: boolean;
}

/** What {@link probeLinuxContractHost} found. */
export interface LinuxContractCapabilities {
  /** True when the real Linux backend can run here. */
  readonly supported: boolean;
  /** Kernel release (`uname -r`). */
  readonly kernel: string;
  /** The cgroup2 mount point, if any. */
  readonly cgroupMount: string | undefined;
  /** This process's cgroup folder, if found. */
  readonly ownCgroup: string | undefined;
  /** The registry folder contracts are created in, when usable. */
  readonly registry: string | undefined;
  /** True when fork, exit (with wait status) and core facts come from the process-events connector. */
  readonly connector: boolean;
  /**
   * True when exit statuses can be read from pidfds (Linux 6.15+, PIDFD_INFO_EXIT): without the
   * connector, members seen in cgroup.procs still get their pr_exit.
   */
  readonly pidfdExit: boolean;
  /** Everything missing, required or not. Empty on a fully capable host. */
  readonly missing: readonly MissingFeature[];
}

const DELEGATE_REMEDY =
  'run as root, or start Node in a delegated cgroup: `systemd-run --user --scope -p Delegate=yes node app.js` ' +
  '(or a unit with Delegate=yes); in a container, mount /sys/fs/cgroup read-write (a private cgroup namespace)';

/** The cgroup2 mount point from /proc/self/mountinfo. */
export function findCgroup2Mount(mountinfo = readText('/proc/self/mountinfo')): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const fields = line.slice(0, separator).split(' ');
    const fsType = line.slice(separator + 3).split(' ')[0];
    if (fsType === 'cgroup2' && fields[4] !== undefined) return unescapeMountPath(fields[4]);
  }
  return undefined;
}

function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * This process's cgroup2 path (relative to the mount), from /proc/self/cgroup. Another thread of
 * this process may be forking into one of its contracts at that moment (the process sits in the
 * contract's cgroup for the fork): such a folder of this very process is not its own cgroup, the
 * one above the registry is.
 */
export function ownCgroupPath(text = readText('/proc/self/cgroup'), pid = process.pid): string | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith('0::')) continue;
    const own = line.slice(3).replace(/ \(deleted\)$/, '');
    const inside = own.lastIndexOf(`/${REGISTRY_NAME}/ct.${pid}.`);
    return inside >= 0 && !own.slice(inside + 1 + REGISTRY_NAME.length + 1).includes('/')
      ? own.slice(0, inside) || '/'
      : own;
  }
  return undefined;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function writable(file: string): boolean {
  try {
    accessSync(file, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function kernelAtLeast(major: number, minor: number): boolean {
  const match = /^(\d+)\.(\d+)/.exec(release());
  if (match === null) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have > major || (have === major && haveMinor >= minor);
}

let cached: LinuxContractCapabilities | undefined;

/**
 * What this host offers the Linux backend (cached after the first call). Loads the Linux addon to
 * try the process-events connector; off Linux it reports cgroup2 missing without loading anything.
 */
export function probeLinuxContractHost(): LinuxContractCapabilities {
  if (cached !== undefined) return cached;
  const missing: MissingFeature[] = [];
  const kernel = release();
  if (process.platform !== 'linux') {
    return (cached = {
      supported: false,
      kernel,
      cgroupMount: undefined,
      ownCgroup: undefined,
      registry: undefined,
      connector: false,
      pidfdExit: false,
      missing: [
        {
          feature: 'linux',
          consequence: `process contracts need illumos or Linux, and this is ${process.platform}`,
          remedy: 'use the simulator of @sysbind/testing-fakes (createContractSimulator().backend())',
          required: true,
        },
      ],
    });
  }
  const mount = findCgroup2Mount();
  const relative = ownCgroupPath();
  const own = mount === undefined || relative === undefined ? undefined : path.join(mount, relative);
  let registry: string | undefined;
  if (mount === undefined || own === undefined) {
    missing.push({
      feature: 'cgroup2',
      consequence: 'no cgroup v2 hierarchy is mounted, so there is nothing to hold a process tree',
      remedy: 'mount it (`mount -t cgroup2 none /sys/fs/cgroup`) or boot with systemd.unified_cgroup_hierarchy=1',
      required: true,
    });
  } else if (!writable(own) || !writable(path.join(own, 'cgroup.procs'))) {
    missing.push({
      feature: 'delegation',
      consequence: `this process may not create cgroups under its own (${own}) or move itself between them`,
      remedy: DELEGATE_REMEDY,
      required: true,
    });
  } else {
    registry = path.join(own, REGISTRY_NAME);
    const probe = path.join(registry, `probe.${process.pid}.${threadId}`);
    try {
      mkdirSync(registry, { recursive: true, mode: 0o755 });
      removeStaleProbes(registry);
      mkdirSync(probe, { mode: 0o755 });
      const addon = loadLinuxAddon();
      if (!statExists(path.join(probe, 'cgroup.kill'))) {
        missing.push({
          feature: 'cgroup.kill',
          consequence: 'members cannot be killed atomically (fatal events, SIGKILL, NOORPHAN)',
          remedy: 'Linux 5.14 or later',
          required: true,
        });
      }
      if (!statExists(path.join(probe, 'cgroup.freeze'))) {
        missing.push({
          feature: 'cgroup.freeze',
          consequence: 'a signal cannot reach every member without a fork escaping in between',
          remedy: 'Linux 5.2 or later',
          required: true,
        });
      }
      const xattr = addon.setXattr(probe, 'user.sysbind.probe', '1');
      if (xattr !== 0) {
        missing.push({
          feature: 'xattr',
          consequence: 'the terms and owner of a contract cannot be recorded on its cgroup',
          remedy: 'Linux 5.7 or later (user.* extended attributes on cgroupfs)',
          required: true,
        });
      }
    } catch (error) {
      missing.push({
        feature: 'delegation',
        consequence: `the registry folder ${registry} cannot be used (${(error as Error).message})`,
        remedy: DELEGATE_REMEDY,
        required: true,
      });
      registry = undefined;
    } finally {
      try {
        rmdirSync(probe);
      } catch {
        // never created
      }
    }
  }
  const pidfdExit = kernelAtLeast(6, 15);
  let connector = false;
  if (registry !== undefined && missing.every((entry) => !entry.required)) {
    // SYSBIND_CONTRACT_CONNECTOR=off runs the backend as on a host without the connector (the
    // degraded path, for tests and for hosts where its host-wide event stream costs too much).
    const disabled = process.env['SYSBIND_CONTRACT_CONNECTOR'] === 'off';
    let error = 0;
    if (!disabled) {
      const addon = loadLinuxAddon();
      const monitor = new addon.Monitor(() => undefined, true);
      error = monitor.connectorError();
      monitor.close();
    }
    connector = !disabled && error === 0;
    if (!connector) {
      const remedy = disabled
        ? 'unset SYSBIND_CONTRACT_CONNECTOR'
        : kernelAtLeast(6, 6)
          ? 'run in the initial user, pid and network namespaces (not in a container), or as root'
          : 'Linux 6.6 or later for an unprivileged process, or CAP_NET_ADMIN';
      missing.push({
        feature: 'connector',
        consequence: pidfdExit
          ? 'pr_fork is not reported; pr_exit, pr_core and pr_signal are reported for the direct child and for ' +
            'members seen in cgroup.procs (scanned every 100 ms and at each exit), from pidfds; a member that ' +
            'lives and dies between two scans goes unreported'
          : 'pr_fork, pr_exit, pr_core and pr_signal are not reported for members other than the direct child, ' +
            'and members are known from cgroup.procs only',
        remedy,
        required: false,
      });
    }
  }
  const syncSpawn = spawnSyncUnavailable();
  if (syncSpawn !== undefined) {
    missing.push({
      feature: 'spawn-sync',
      consequence: `children of spawnSync, execSync and execFileSync are not born in contracts: ${syncSpawn}`,
      remedy: 'run without the permission model, or use the asynchronous child_process functions',
      required: false,
    });
  }
  if (!pidfdExit) {
    missing.push({
      feature: 'pidfd-exit-info',
      consequence: connector
        ? 'nothing while the connector works; without it, only the direct child would get pr_exit'
        : 'without the connector, only the direct child gets pr_exit (from libuv)',
      remedy: 'Linux 6.15 or later',
      required: false,
    });
  }
  return (cached = {
    supported: registry !== undefined && missing.every((entry) => !entry.required),
    kernel,
    cgroupMount: mount,
    ownCgroup: own,
    registry,
    connector,
    pidfdExit,
    missing,
  });
}

function statExists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The error for a host that cannot run the Linux backend, naming what is missing and the fix. */
export function unsupportedHostError(capabilities: LinuxContractCapabilities): ContractError {
  const required = capabilities.missing.filter((entry) => entry.required);
  const lines = required.map((entry) => `- ${entry.feature}: ${entry.consequence}; to fix: ${entry.remedy}`);
  return new ContractError(
    `process contracts on Linux cannot run on this host:\n${lines.join('\n')}\n` +
      'Tests can use the simulator of @sysbind/testing-fakes instead.',
    { code: 'ERR_CONTRACT_HOST_UNSUPPORTED' },
  );
}

// A process that died in the middle of its probe (an abort while loading the addon, say) leaves
// its empty probe cgroup behind: remove those whose pid is gone, by that pid. rmdir never removes
// a populated cgroup, so a reused pid costs nothing but a failed rmdir.
function removeStaleProbes(registry: string): void {
  for (const name of readdirSync(registry)) {
    const pid = /^probe\.(\d+)\.\d+$/.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    try {
      rmdirSync(path.join(registry, name));
    } catch {
      // gone already, or not empty: left alone
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
