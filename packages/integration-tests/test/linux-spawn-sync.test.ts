// Synchronous children under a template on the Linux backend: code written for illumos_contract
// that sets a template and calls execSync, execFileSync or spawnSync gets a contract holding the
// whole tree, as with spawn (on illumos the template applies to every fork of the LWP). The kernel
// is the judge: /proc/<pid>/cgroup of Node and of the child while it runs, cgroup membership of
// the double-forked daemon, and whether it is still alive after sigsend or a fatal event.
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as compat from '@sysbind/contract/compat';
import { alive, killAll, linuxSkipReason, until } from './support/linux-host.ts';

const skip = linuxSkipReason();
const pids = new Set<number>();
const contracts = new Set<compat.Contract>();

afterAll(() => {
  for (const contract of contracts) {
    try {
      contract.sigsend(9);
    } catch {
      // gone already
    }
  }
  killAll(pids);
});

// Prints the daemon's pid; its stdio is closed so the shell's stdout ends when the shell exits
// (execSync waits for that, not for the daemon).
const DAEMON = 'setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $!';

type Event = { type: string; evid: string; pid?: number; exitstatus?: number };

function membersOf(contract: compat.Contract): number[] {
  return Object.values((contract.status()['pr_members'] ?? {}) as Record<string, number>);
}

/** Resolves with the named events of `contract` until pr_empty. */
function eventsUntilEmpty(contract: compat.Contract): Promise<Event[]> {
  const seen: Event[] = [];
  return new Promise((resolve) => {
    for (const name of ['pr_exit', 'pr_fork', 'pr_signal', 'pr_empty']) {
      contract.on(name, (event: Event) => {
        seen.push({ ...event, type: name });
        if (name === 'pr_empty') {
          contract.ack(event.evid);
          resolve(seen);
        }
      });
    }
  });
}

function latestUnder(template: Record<string, unknown>, run: () => void): compat.Contract {
  compat.set_template({ type: 'process', critical: { pr_empty: true }, ...template });
  try {
    run();
  } finally {
    compat.clear_template();
  }
  const contract = compat.latest();
  contracts.add(contract);
  return contract;
}

describe.skipIf(skip !== undefined)(
  `spawnSync/execSync/execFileSync under a template on Linux${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('execSync: the double-forked daemon is a member, Node never joins the cgroup, sigsend kills it, pr_exit and pr_empty follow', async () => {
      const ownCgroup = readFileSync('/proc/self/cgroup', 'utf8');
      let output = '';
      // While the child runs it reports its own cgroup and Node's ($PPID: the helper exec'd the
      // shell, so the shell's parent is Node).
      const contract = latestUnder({ informative: { pr_exit: true, pr_fork: true } }, () => {
        output = execSync(`cat /proc/self/cgroup; echo; cat /proc/$PPID/cgroup; echo; ${DAEMON}`, {
          encoding: 'utf8',
        });
      });
      const [childCgroup, nodeCgroup, daemonText] = output.split('\n\n');
      const daemon = Number(daemonText?.trim());
      pids.add(daemon);
      try {
        expect(nodeCgroup?.trim()).toBe(ownCgroup.trim());
        expect(childCgroup).toContain('sysbind.contracts/ct.');
        expect(readFileSync('/proc/self/cgroup', 'utf8')).toBe(ownCgroup);
        expect(readFileSync(`/proc/${daemon}/cgroup`, 'utf8').trim()).toBe(childCgroup?.trim());
        expect(await until(() => membersOf(contract).includes(daemon))).toBe(true);
        expect(membersOf(contract)).toEqual([daemon]);
        const events = eventsUntilEmpty(contract);
        contract.sigsend(9);
        const seen = await events;
        expect(alive(daemon)).toBe(false);
        const exits = seen.filter((event) => event.type === 'pr_exit').map((event) => event.pid);
        // The shell execSync ran (its exit came before sigsend) and the daemon.
        expect(exits).toContain(daemon);
        expect(exits.length).toBeGreaterThanOrEqual(2);
        expect(seen.at(-1)?.type).toBe('pr_empty');
      } finally {
        killAll([daemon]);
        contract.abandon();
      }
    }, 30_000);

    it("spawnSync: result.pid is the command's own pid, its exit status is the command's, and latest() is its contract", async () => {
      const before = (() => {
        try {
          return compat.latest().ctid;
        } catch {
          return undefined;
        }
      })();
      let result: ReturnType<typeof spawnSync> | undefined;
      const contract = latestUnder({ informative: { pr_exit: true } }, () => {
        result = spawnSync('sh', ['-c', 'echo $$; exit 7'], { encoding: 'utf8' });
      });
      expect(contract.ctid).not.toBe(before);
      expect(result?.status).toBe(7);
      expect(Number(String(result?.stdout).trim())).toBe(result?.pid);
      const seen = await eventsUntilEmpty(contract);
      const exit = seen.find((event) => event.type === 'pr_exit');
      expect(exit?.pid).toBe(result?.pid);
      expect(exit?.exitstatus).toBe(7 << 8);
      contract.abandon();
    }, 30_000);

    it('execFileSync: the fatal set kills every member when one dies of a signal nobody in the contract machinery sent', async () => {
      let output = '';
      const contract = latestUnder({ fatal: { pr_signal: true } }, () => {
        output = execFileSync('sh', ['-c', `${DAEMON}; ${DAEMON}`], { encoding: 'utf8' });
      });
      const [first, second] = output.trim().split('\n').map(Number);
      if (first === undefined || second === undefined) throw new Error(`no daemons in ${output}`);
      pids.add(first);
      pids.add(second);
      try {
        expect(await until(() => membersOf(contract).length === 2)).toBe(true);
        expect(membersOf(contract).sort()).toEqual([first, second].sort());
        const empty = eventsUntilEmpty(contract);
        process.kill(first, 'SIGTERM');
        await empty;
        expect(alive(second)).toBe(false);
      } finally {
        killAll([first, second]);
        contract.abandon();
      }
    }, 30_000);

    it("a uid option is taken on after the helper joined the contract (the cgroup is the caller's)", async () => {
      let result: ReturnType<typeof spawnSync> | undefined;
      const contract = latestUnder({}, () => {
        result = spawnSync('sh', ['-c', 'id -u; cat /proc/self/cgroup'], { encoding: 'utf8', uid: 65534, gid: 65534 });
      });
      const [uid, ...cgroup] = String(result?.stdout).trim().split('\n');
      expect(result?.status).toBe(0);
      expect(uid).toBe('65534');
      expect(cgroup.join('\n')).toContain('sysbind.contracts/ct.');
      await eventsUntilEmpty(contract);
      contract.abandon();
    }, 30_000);

    it('a command that cannot be found fails exactly as without a template, and makes no contract', () => {
      const without = (() => {
        try {
          execFileSync('sysbind-no-such-command', ['x']);
        } catch (error) {
          return error as NodeJS.ErrnoException & { spawnargs?: string[] };
        }
        return undefined;
      })();
      const before = (() => {
        try {
          return compat.latest().ctid;
        } catch {
          return undefined;
        }
      })();
      let under: (NodeJS.ErrnoException & { spawnargs?: string[] }) | undefined;
      compat.set_template({ type: 'process' });
      try {
        execFileSync('sysbind-no-such-command', ['x']);
      } catch (error) {
        under = error as NodeJS.ErrnoException & { spawnargs?: string[] };
      } finally {
        compat.clear_template();
      }
      expect(without?.code).toBe('ENOENT');
      expect(under).toMatchObject({
        code: without?.code,
        errno: without?.errno,
        syscall: without?.syscall,
        path: without?.path,
        spawnargs: without?.spawnargs,
        message: without?.message,
      });
      const after = (() => {
        try {
          return compat.latest().ctid;
        } catch {
          return undefined;
        }
      })();
      expect(after).toBe(before);
    });
  },
);
