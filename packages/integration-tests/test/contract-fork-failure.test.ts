// Issue 12 item 15: when the fork fails, spawn returns no stale contract; the failure is an error.
// The fork fails for real: the driver runs inside a cgroup whose pids limit is reached, so fork(2)
// answers EAGAIN, as it does on illumos when contract_process_fork finds project.max-contracts
// reached. Needs a writable cgroup v1 pids controller (root in a container, as here and in CI).
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';

const PIDS_ROOT = '/sys/fs/cgroup/pids';

// The pids cgroup this process is in (cgroup v1), if the controller is mounted and writable.
function homeCgroup(): string | undefined {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[1]?.split(',').includes('pids'));
    const home = path.join(PIDS_ROOT, line?.split(':')[2] ?? '/');
    const probe = path.join(home, `sysbind-probe-${process.pid}`);
    mkdirSync(probe);
    rmdirSync(probe);
    return home;
  } catch {
    return undefined;
  }
}

const home = homeCgroup();

interface ForkFailureReport {
  readonly firstId: number;
  readonly returned: number | null;
  readonly error: { name: string; code: string; syscall: string } | null;
  readonly isContractError: boolean;
  readonly latestAfter: number;
  readonly contractsSame: boolean;
  readonly uncaught: readonly string[];
}

describe.skipIf(home === undefined)('item 15: a failed fork (needs a writable cgroup v1 pids controller)', () => {
  for (const kind of ['fake', 'native'] as const) {
    it(`item 15: spawn throws ERR_CONTRACT_FORK_FAILED and returns no stale contract (${kind} backend)`, async () => {
      const limited = path.join(home ?? PIDS_ROOT, `sysbind-item15-${process.pid}-${kind}`);
      mkdirSync(limited);
      try {
        const outcome = await runNode(await bundleDriver('contract-fork-failure'), [kind, limited, home ?? PIDS_ROOT]);
        expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
          code: 0,
          signal: null,
          stderr: '',
        });
        const report = reportOf(outcome) as ForkFailureReport;
        expect(report.returned).toBeNull();
        expect(report.error).toEqual({ name: 'ContractError', code: 'ERR_CONTRACT_FORK_FAILED', syscall: 'fork' });
        expect(report.isContractError).toBe(true);
        // No contract was made: latest still names the first one, and the simulator has no new one.
        expect(report.latestAfter).toBe(report.firstId);
        expect(report.contractsSame).toBe(true);
        expect(report.uncaught).toEqual([]);
      } finally {
        rmdirSync(limited);
      }
    }, 60_000);
  }
});
