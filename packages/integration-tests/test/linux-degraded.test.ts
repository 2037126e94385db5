// The Linux backend on a host without the process-events connector (containers, unprivileged
// before 6.6), forced with SYSBIND_CONTRACT_CONNECTOR=off in a child process: exit statuses then
// come from pidfds (PIDFD_INFO_EXIT, Linux 6.15+) for the direct child and for members seen in
// cgroup.procs, and pr_empty still comes last. The truth is what the scripts say about
// themselves (their own pids via $!, their exit codes) and libuv's and spawnSync's statuses.
import { spawn } from 'node:child_process';
import { release } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDriver, type ChildOutcome } from './support/contract-child.ts';
import { killAll, linuxSkipReason } from './support/linux-host.ts';

const skip = linuxSkipReason();
const [major = 0, minor = 0] = release().split('.').map(Number);
const pidfdExit = major > 6 || (major === 6 && minor >= 15);
const pids = new Set<number>();
let driver = '';

beforeAll(async () => {
  if (skip === undefined) driver = await bundleDriver('linux-degraded');
}, 60_000);

afterAll(() => {
  killAll(pids);
});

type Seen = { name: string; pid?: number; exitStatus?: number; signal?: number };
interface Report {
  connector: boolean;
  pidfdExit: boolean;
  missing: string[];
  async: { pid: number; exitCode: number; children: number[]; events: Seen[] };
  sync: { pid: number; status: number; child: number; events: Seen[] };
  fatal: { daemons: number[]; events: Seen[]; secondAlive: boolean };
}

/** Runs the driver with the connector turned off; its pid is recorded for the clean-up. */
function runWithoutConnector(): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SYSBIND_CONTRACT_CONNECTOR: 'off' },
    });
    if (child.pid !== undefined) pids.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function exitOf(events: readonly Seen[], pid: number): number | undefined {
  return events.find((event) => event.name === 'pr_exit' && event.pid === pid)?.exitStatus;
}

describe.skipIf(skip !== undefined)(
  `Linux backend without the connector${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it.skipIf(!pidfdExit)(
      'PIDFD_INFO_EXIT gives pr_exit for the direct child and the members seen in cgroup.procs, then pr_empty (needs Linux 6.15+)',
      async () => {
        const outcome = await runWithoutConnector();
        const report = JSON.parse(outcome.stdout.trim().split('\n').at(-1) ?? 'null') as Report | null;
        for (const pid of [
          report?.async.pid,
          ...(report?.async.children ?? []),
          report?.sync.pid,
          report?.sync.child,
          ...(report?.fatal.daemons ?? []),
        ])
          if (pid !== undefined) pids.add(pid);
        expect(outcome.code, outcome.stderr).toBe(0);
        if (report === null) throw new Error('no report');
        expect(report.connector).toBe(false);
        expect(report.pidfdExit).toBe(true);
        expect(report.missing).toContain('connector');
        // spawn: the shell (exit 3, as libuv saw it), and the two children it left: sleep (0) and
        // a subshell (exit 5).
        const { async: spawned, sync } = report;
        expect(spawned.exitCode).toBe(3);
        expect(exitOf(spawned.events, spawned.pid)).toBe(3 << 8);
        expect(spawned.children).toHaveLength(2);
        expect(exitOf(spawned.events, spawned.children[0] ?? 0)).toBe(0);
        expect(exitOf(spawned.events, spawned.children[1] ?? 0)).toBe(5 << 8);
        expect(spawned.events.at(-1)?.name).toBe('pr_empty');
        expect(spawned.events.filter((event) => event.name === 'pr_empty')).toHaveLength(1);
        // Without the connector the only fork known is the one that created the contract
        // (contract_process_fork's pr_fork of the shell itself); the shell's own forks are not.
        expect(spawned.events.filter((event) => event.name === 'pr_fork').map((event) => event.pid)).toEqual([
          spawned.pid,
        ]);
        // spawnSync: the shell's status as spawnSync returned it, and the subshell it left (exit 4).
        expect(sync.status).toBe(2);
        expect(exitOf(sync.events, sync.pid)).toBe(2 << 8);
        expect(exitOf(sync.events, sync.child)).toBe(4 << 8);
        expect(sync.events.at(-1)?.name).toBe('pr_empty');
        // The fatal set: the daemon killed with SIGTERM from outside the contract machinery (its
        // status from its pidfd: signal 15) gives pr_signal and kills the other daemon.
        const { fatal } = report;
        expect(fatal.daemons).toHaveLength(2);
        expect(exitOf(fatal.events, fatal.daemons[0] ?? 0)).toBe(15);
        expect(fatal.events.find((event) => event.name === 'pr_signal')).toMatchObject({
          pid: fatal.daemons[0],
          signal: 15,
        });
        expect(exitOf(fatal.events, fatal.daemons[1] ?? 0)).toBe(9);
        expect(fatal.secondAlive).toBe(false);
        expect(fatal.events.at(-1)?.name).toBe('pr_empty');
      },
      60_000,
    );
  },
);
