// The Linux backend on the real kernel, through the facade with no backend argument: each case is
// a contract(5) rule (the illumos function that implements it is named) checked against what the
// kernel itself says about the processes (/proc, cgroup.procs, wait statuses from libuv), never
// against the backend's own bookkeeping alone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContractSystem, isContractError, type Contract } from '@sysbind/contract';
import { createLinuxContractBackend, probeLinuxContractHost } from '@sysbind/contract-native';
import { runSelfTest } from '@sysbind/contract-native/selftest';
import { alive, collect, killAll, linuxSkipReason, membersOf, nameOf, until } from './support/linux-host.ts';

const skip = linuxSkipReason();
const system = skip === undefined ? createContractSystem() : undefined;
const spawned = new Set<number>();
const contracts = new Set<Contract>();

afterAll(() => {
  for (const contract of contracts) {
    try {
      if (membersOf(contract).length > 0) contract.signal('SIGKILL');
    } catch {
      // already gone
    }
  }
  killAll(spawned);
  system?.close();
});

/** Spawns `script` under `template`; the daemons the script reports on stdout (one pid a line). */
function run(script: string, template: Parameters<NonNullable<typeof system>['spawn']>[2] = {}) {
  if (system === undefined) throw new Error(skip);
  const { child, contract } = system.spawn('sh', ['-c', script], {
    ...template,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  contracts.add(contract);
  if (child.pid !== undefined) spawned.add(child.pid);
  const daemons = new Promise<number[]>((resolve) => {
    let text = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stdout?.on('end', () => {
      const pids = text.split('\n').filter(Boolean).map(Number);
      for (const pid of pids) spawned.add(pid);
      resolve(pids);
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    }),
  );
  return { child, contract, daemons, exited, ...collect(contract) };
}

// A shell that double-forks a setsid'd daemon and tells its pid (the daemon's stdio is closed so
// the shell's stdout ends when the shell exits).
const DAEMON = 'sh -c "setsid sleep 60 </dev/null >/dev/null 2>&1 & echo \\$!"';

describe.skipIf(skip !== undefined)(
  `Linux backend on the real kernel${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('is the default backend on this host, and the probe lists nothing required as missing', () => {
      expect(system?.backend.name).toBe('linux');
      const capabilities = probeLinuxContractHost();
      expect(capabilities.missing.filter((entry) => entry.required)).toEqual([]);
      expect(createLinuxContractBackend().name).toBe('linux');
    });

    it('the real-process conformance cases (the self-test of @sysbind/contract-native) pass on the Linux backend', async () => {
      const report = await runSelfTest(createLinuxContractBackend);
      expect(report.failed, report.text).toBe(0);
      expect(report.passed).toBeGreaterThanOrEqual(5);
      // Skipped ones say why (the adoption case needs a contract left by another process).
      for (const result of report.results.filter((entry) => entry.status === 'skip'))
        expect(result.detail).not.toBe('');
    }, 60_000);

    it("contract_process_fork: spawn under a template makes a new contract; child.pid is the command's, 'exit' unchanged", async () => {
      const { child, contract, exited, empty, events } = run('exit 7', {
        template: { informative: ['pr_exit'] },
      });
      expect(child.pid).toBeGreaterThan(0);
      expect(system?.latest().id).toBe(contract.id);
      expect(await exited).toEqual({ code: 7, signal: null });
      await empty;
      const exit = events.find((event) => nameOf(event) === 'pr_exit');
      expect(exit).toMatchObject({ pid: child.pid, exitStatus: 7 << 8 });
      expect(events.map(nameOf)).toEqual(['pr_exit', 'pr_empty']);
      contract.abandon();
      // A spawn without a template makes no contract: latest stays.
      const plain = spawn('true');
      await new Promise((resolve) => {
        plain.on('exit', resolve);
      });
      expect(system?.latest().id).toBe(contract.id);
    });

    it('membership by fork: a double-forked, setsid daemon stays a member; sigsend reaches it; pr_empty follows every exit', async () => {
      const { contract, daemons, empty, events } = run(DAEMON, {
        template: { informative: ['pr_fork', 'pr_exit'] },
      });
      const [daemon] = await daemons;
      expect(daemon).toBeGreaterThan(0);
      // Reparented away from our child, in another session: still in the contract.
      expect(await until(() => membersOf(contract).includes(daemon ?? 0))).toBe(true);
      expect(alive(daemon as number)).toBe(true);
      contract.signal('SIGTERM');
      const last = await empty;
      expect(alive(daemon as number)).toBe(false);
      const exits = events.filter((event) => nameOf(event) === 'pr_exit');
      expect(exits.find((event) => event.pid === daemon)?.exitStatus).toBe(15);
      // pr_empty comes after the exit of every member, and names the last one.
      expect(events.indexOf(last)).toBe(events.length - 1);
      expect(last.pid).toBe(exits.at(-1)?.pid);
      expect(membersOf(contract)).toEqual([]);
      contract.abandon();
    });

    it('pr_fork carries the parent; pr_exit the wait status of a grandchild its own parent reaped', async () => {
      const { child, empty, events, contract } = run('(exit 3); sh -c "exit 4"', {
        template: { informative: ['pr_fork', 'pr_exit'] },
      });
      await empty;
      const [created, ...forks] = events.filter((event) => nameOf(event) === 'pr_fork');
      // contract_process_fork publishes the creating fork too: the child, forked by this process.
      expect(created).toMatchObject({ pid: child.pid, ppid: process.pid });
      expect(events.indexOf(created as (typeof events)[number])).toBe(0);
      expect(forks.length).toBeGreaterThanOrEqual(2);
      for (const fork of forks) expect(fork.ppid).toBe(child.pid);
      const statuses = events.filter((event) => nameOf(event) === 'pr_exit').map((event) => event.exitStatus);
      expect(statuses).toEqual(expect.arrayContaining([3 << 8, 4 << 8]));
      contract.abandon();
    });

    it('contract_process_core / fatal set: a core-dumping member makes pr_core, and the fatal set kills the others', async () => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'sysbind-core-'));
      try {
        const { empty, events, daemons, contract } = run(`ulimit -c 0; ${DAEMON}; kill -SEGV $$`, {
          template: { informative: ['pr_core', 'pr_exit'], fatal: ['pr_core'] },
          cwd,
        });
        const [daemon] = await daemons;
        await empty;
        expect(events.map(nameOf)).toContain('pr_core');
        expect(alive(daemon as number)).toBe(false);
        const daemonExit = events.find((event) => nameOf(event) === 'pr_exit' && event.pid === daemon);
        expect(daemonExit?.exitStatus).toBe(9);
        contract.abandon();
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it("contract_process_sig: a signal from outside the machinery makes pr_signal (sender unknown); the holder's sigsend does not", async () => {
      const outside = run(DAEMON, { template: { informative: ['pr_signal', 'pr_exit'] } });
      const [daemon] = await outside.daemons;
      // Another process sends it.
      await new Promise((resolve) => {
        spawn('kill', ['-USR1', String(daemon)]).on('exit', resolve);
      });
      await outside.empty;
      const signal = outside.events.find((event) => nameOf(event) === 'pr_signal');
      expect(signal).toMatchObject({ pid: daemon, signal: 10 });
      expect(signal?.sender).toBeUndefined();
      outside.contract.abandon();

      const holder = run(DAEMON, { template: { informative: ['pr_signal', 'pr_exit'] } });
      await holder.daemons;
      holder.contract.signal('SIGUSR1');
      await holder.empty;
      expect(holder.events.map(nameOf)).not.toContain('pr_signal');
      holder.contract.abandon();
    });

    it('pr_hwerr is never generated (unavailable on Linux): a SIGBUS death gives pr_core, even with pr_hwerr subscribed', async () => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'sysbind-bus-'));
      try {
        const { empty, events, contract } = run('ulimit -c 0; kill -BUS $$', {
          template: { critical: ['pr_empty', 'pr_hwerr'], informative: ['pr_core', 'pr_exit'] },
          cwd,
        });
        await empty;
        const names = events.map(nameOf);
        expect(names).toContain('pr_core');
        expect(names).not.toContain('pr_hwerr');
        expect(events.find((event) => nameOf(event) === 'pr_exit')?.exitStatus).toBe(7);
        contract.abandon();
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it('cte_publish / contract_ack: pr_empty is critical and counted in nevents until acknowledged', async () => {
      const { contract, empty } = run('exit 0');
      const event = await empty;
      expect(event.critical).toBe(true);
      expect(contract.status().nevents).toBe(1);
      contract.ack(event.evid);
      expect(contract.status().nevents).toBe(0);
      expect(() => {
        contract.ack(event.evid);
      }).toThrow(expect.objectContaining({ code: 'ESRCH' }));
      const registry = probeLinuxContractHost().registry ?? '';
      const folderOf = (): string | undefined =>
        readdirSync(registry).find(
          (name) =>
            name.startsWith('ct.') &&
            statSync(path.join(registry, name), { throwIfNoEntry: false })?.ino === contract.id,
        );
      expect(folderOf()).toBeDefined();
      contract.abandon();
      // Destroyed (an empty contract abandoned): the cgroup is gone; the contract stays readable,
      // dead, while this thread's latest slot refers to it (as ctfs keeps a dead contract).
      expect(folderOf()).toBeUndefined();
      expect(contract.status().state).toBe('dead');
    });

    it('status(): members, state, holder, cookie, parameters, fatal set, creator', async () => {
      const { contract, daemons } = run(DAEMON, {
        template: { cookie: 0xfeedn, params: ['noorphan'], fatal: ['pr_core', 'pr_hwerr'], svcAux: 'aux' },
      });
      const [daemon] = await daemons;
      // The shell exits right after telling the daemon's pid: wait until the daemon is alone.
      await until(() => membersOf(contract).length === 1 && membersOf(contract)[0] === daemon);
      const status = contract.status();
      expect(status).toMatchObject({
        ctid: contract.id,
        state: 'owned',
        holder: process.pid,
        cookie: 0xfeedn,
        type: 'process',
        params: ['noorphan'],
        fatal: ['pr_core', 'pr_hwerr'],
        svcAux: 'aux',
        svcCreator: 'node',
      });
      expect(status.type === 'process' ? status.members : []).toEqual([daemon]);
      // NOORPHAN on abandon (contract_abandon): every member is killed.
      contract.abandon();
      expect(await until(() => !alive(daemon as number), 1000)).toBe(true);
    });

    it('contract_abandon without NOORPHAN: the members live on as an orphan, and its cgroup goes once they exit', async () => {
      const { contract, daemons } = run(DAEMON);
      const [daemon] = await daemons;
      await until(() => membersOf(contract).includes(daemon ?? 0));
      const id = contract.id;
      contract.abandon();
      expect(alive(daemon as number)).toBe(true);
      const observer = system?.observe(id);
      expect(observer?.status()).toMatchObject({ state: 'orphan', holder: 0 });
      killAll([daemon as number]);
      expect(await until(() => observer?.status().state === 'dead')).toBe(true);
      observer?.close();
      // Once nothing refers to it any more (latest moves on), the contract is gone.
      const next = run('exit 0');
      await next.empty;
      next.contract.abandon();
      expect(() => system?.observe(id)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    });

    it('bad input: device contracts are ENOTSUP, unknown ctids ENOENT, ack on nobody ESRCH-free EINVAL paths', () => {
      expect(() => system?.activateTemplate({ type: 'device' })).toThrow(expect.objectContaining({ code: 'ENOTSUP' }));
      expect(() => system?.observe(2 ** 31 - 1)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => system?.adopt(2 ** 31 - 1)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => system?.observe(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      const thrown = (() => {
        try {
          system?.spawn('sh', [], { template: { transfer: 5 } });
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      // ctmpl_process_set (CTPP_SUBSUME): a ctid that is no process contract is ESRCH; one the
      // kernel would accept is ENOTSUP on Linux (linux-terms.test.ts compares every case).
      expect(isContractError(thrown, 'ESRCH')).toBe(true);
    });

    it('bad input to the backend itself: TypeError/RangeError with a code, as the native addon gives', () => {
      const backend = createLinuxContractBackend();
      const template = backend.openTemplate('process');
      const cases: [() => unknown, string][] = [
        [() => backend.openStatus('1' as unknown as number), 'ERR_INVALID_ARG_TYPE'],
        [() => backend.openStatus(-1), 'ERR_OUT_OF_RANGE'],
        [() => backend.openControl(2 ** 31), 'ERR_OUT_OF_RANGE'],
        [() => backend.openEvents(1.5), 'ERR_OUT_OF_RANGE'],
        [
          () => {
            backend.sigsend(1, 'SIGTERM' as unknown as number);
          },
          'ERR_INVALID_ARG_TYPE',
        ],
        [
          () => {
            backend.sigsend(1, 2 ** 31);
          },
          'ERR_OUT_OF_RANGE',
        ],
        [() => backend.openTemplate('other' as 'process'), 'ERR_INVALID_ARG_VALUE'],
        [
          () => {
            template.set('critical', 'all' as unknown as number);
          },
          'ERR_INVALID_ARG_TYPE',
        ],
        [
          () => {
            template.set('critical', -1);
          },
          'ERR_OUT_OF_RANGE',
        ],
        [
          () => {
            template.set('cookie', 1 as unknown as bigint);
          },
          'ERR_INVALID_ARG_TYPE',
        ],
        [
          () => {
            template.set('cookie', 2n ** 64n);
          },
          'ERR_OUT_OF_RANGE',
        ],
        [
          () => {
            template.set('nonsense' as 'cookie', 1n);
          },
          'EINVAL',
        ],
        [
          () => {
            template.set('critical', 0x40);
          },
          'EINVAL',
        ],
        [
          () => {
            template.set('minor', '/pseudo/x@0:a');
          },
          'EINVAL',
        ],
      ];
      for (const [action, code] of cases) expect(action, code).toThrow(expect.objectContaining({ code }));
      template.close();
      expect(() => {
        template.activate();
      }).toThrow(expect.objectContaining({ code: 'EBADF' }));
    });

    it("libuv's own children all get their 'exit' beside busy contracts", async () => {
      const busy = Array.from({ length: 5 }, () =>
        run('for i in 1 2 3 4 5 6 7 8; do (sleep 0.0$i; exit $i) & done; wait', {
          template: { informative: ['pr_fork', 'pr_exit'] },
        }),
      );
      const plain: Promise<number | null>[] = [];
      for (let index = 0; index < 60; index++) {
        const child: ChildProcess = spawn('sh', ['-c', `exit ${index % 50}`]);
        plain.push(
          new Promise((resolve) => {
            child.on('exit', (code) => {
              resolve(code);
            });
          }),
        );
      }
      const codes = await Promise.all(plain);
      expect(codes).toEqual(Array.from({ length: 60 }, (_, index) => index % 50));
      for (const contract of busy) {
        await contract.empty;
        // Every member seen forking (the direct child by the creating fork) is seen exiting: nothing lost.
        const count = (name: string): number => contract.events.filter((event) => nameOf(event) === name).length;
        expect(count('pr_fork')).toBeGreaterThanOrEqual(9);
        expect(count('pr_exit')).toBe(count('pr_fork'));
        contract.contract.abandon();
      }
    });
  },
);

describe.skipIf(skip !== undefined)(`Linux backend faults${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  it('a probe cgroup left by a process that died mid-probe is removed by the next probe (by its pid)', () => {
    const registry = probeLinuxContractHost().registry;
    expect(registry).toBeDefined();
    if (registry === undefined) return;
    // A pid that is no process: past the kernel's pid_max.
    const stale = path.join(registry, `probe.${2 ** 22 + 1}.0`);
    mkdirSync(stale);
    try {
      // The probe runs once per process (its answer is kept): a new process does it again.
      execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        "(await import('@sysbind/contract-native')).probeLinuxContractHost();",
      ]);
      expect(readdirSync(registry)).not.toContain(path.basename(stale));
    } finally {
      try {
        rmdirSync(stale);
      } catch {
        // removed by the probe, as expected
      }
    }
  });

  it('a member that moves itself out of the cgroup stops being a member; pr_empty still comes', async () => {
    const root = path.join(probeLinuxContractHost().cgroupMount ?? '', 'cgroup.procs');
    const { contract, daemons, empty } = run(
      `sh -c 'echo $$ > ${root}; exec sleep 60' </dev/null >/dev/null 2>&1 & echo $!`,
      { template: { informative: ['pr_exit'] } },
    );
    const [escaped] = await daemons;
    await empty;
    // The kernel agrees: it lives on, outside the contract.
    expect(alive(escaped ?? 0)).toBe(true);
    expect(membersOf(contract)).toEqual([]);
    killAll([escaped ?? 0]);
    contract.abandon();
  });

  it('a cgroup removed from outside ends the contract (state dead)', async () => {
    const { contract, empty } = run('exit 0');
    await empty;
    const registry = probeLinuxContractHost().registry ?? '';
    const folder = readdirSync(registry).find(
      (name) =>
        name.startsWith('ct.') && statSync(path.join(registry, name), { throwIfNoEntry: false })?.ino === contract.id,
    );
    expect(folder).toBeDefined();
    rmdirSync(path.join(registry, folder ?? ''));
    expect(contract.status().state).toBe('dead');
    expect(() => {
      contract.signal('SIGTERM');
    }).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    contract.abandon();
  });
});
