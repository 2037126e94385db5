// The unprivileged path on the real kernel: a cgroup chowned to uid 65534 (as systemd's
// Delegate=yes would hand one over), a node script run as that user inside it, and the removal
// of the cgroup and whatever the backend created below it, by path of the cgroup we made.
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { probeLinuxContractHost } from '@sysbind/contract-native';
import { until } from './linux-host.ts';

/** What a script run as the unprivileged user printed, and how it ended. */
export interface UnprivilegedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A cgroup delegated to uid 65534. */
export interface DelegatedCgroup {
  /** Its path under the cgroup2 mount. */
  readonly path: string;
  /**
   * Runs `node <args>` as uid/gid 65534 inside the cgroup; `onPid` learns the shell's pid (which
   * becomes node's) so the caller can kill it by id whatever happens.
   */
  runNode(args: readonly string[], onPid?: (pid: number) => void): Promise<UnprivilegedRun>;
  /** Kills what is left in it (the sentinel), then removes the backend's cgroups and its own. */
  remove(): Promise<void>;
}

const DELEGATED_FILES = ['', 'cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control'];

/** Creates a cgroup named after `label`, this process and the time, delegated to uid 65534. */
export function createDelegatedCgroup(label: string): DelegatedCgroup {
  const mount = probeLinuxContractHost().cgroupMount ?? '';
  const delegated = path.join(mount, `${label}-${process.pid}-${Date.now()}`);
  mkdirSync(delegated);
  for (const file of DELEGATED_FILES) chownSync(path.join(delegated, file), 65534, 65534);
  const registry = path.join(delegated, 'sysbind.contracts');
  return {
    path: delegated,
    runNode(args, onPid) {
      const script =
        `echo $$ > ${path.join(delegated, 'cgroup.procs')} && ` +
        `exec setpriv --reuid=65534 --regid=65534 --clear-groups ${process.execPath} ${args.join(' ')}`;
      return new Promise((resolve) => {
        const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        if (child.pid !== undefined) onPid?.(child.pid);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('close', (code) => {
          resolve({ code, stdout, stderr });
        });
      });
    },
    async remove() {
      writeFileSync(path.join(delegated, 'cgroup.kill'), '1');
      await until(() => {
        try {
          // The backend's contract and probe cgroups, then its registry.
          for (const name of readdirSync(registry))
            if (name.startsWith('ct.') || name.startsWith('probe.')) rmdirSync(path.join(registry, name));
          rmdirSync(registry);
        } catch {
          // not there, or not empty yet
        }
        try {
          rmdirSync(delegated);
          return true;
        } catch {
          return false;
        }
      }, 5000);
    },
  };
}
