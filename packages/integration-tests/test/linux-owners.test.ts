// The Linux backend across processes and users, on the real kernel: illumos_contract code running
// unchanged (the acceptance case), NOORPHAN when the owner is SIGKILLed (contract_exit), an orphan
// adopted by another process of the same user (contract_adopt), and the unprivileged path as uid
// 65534 in a cgroup chowned to it, whose attempts on root's contract fail (ctfs_ctl open: EACCES;
// sigsend: EPERM). The kernel (/proc, the cgroup tree) is the judge of what survived.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContractSystem, type ContractSystem } from '@sysbind/contract';
import { probeLinuxContractHost } from '@sysbind/contract-native';
import { createDelegatedCgroup } from './support/delegated-cgroup.ts';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';
import { alive, collect, killAll, linuxSkipReason, membersOf, nameOf, until } from './support/linux-host.ts';

const skip = linuxSkipReason();
const pids = new Set<number>();
let driver = '';
let system: ContractSystem | undefined;

beforeAll(async () => {
  if (skip === undefined) {
    driver = await bundleDriver('linux-owner');
    system = createContractSystem();
  }
}, 60_000);

afterAll(() => {
  killAll(pids);
  system?.close();
});

/** The registry folder holding contract `ctid`, if it still exists. */
function folderOf(ctid: number): string | undefined {
  for (const registry of [probeLinuxContractHost().registry ?? '']) {
    for (const name of readdirSync(registry)) {
      if (name.startsWith('ct.') && statSync(path.join(registry, name), { throwIfNoEntry: false })?.ino === ctid)
        return path.join(registry, name);
    }
  }
  return undefined;
}

/** Starts the driver in `mode` and resolves with its first report line (it may keep running). */
function startOwner(mode: string): Promise<{ owner: ReturnType<typeof spawn>; report: Record<string, number> }> {
  const owner = spawn(process.execPath, [driver, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (owner.pid !== undefined) pids.add(owner.pid);
  return new Promise((resolve, reject) => {
    let text = '';
    owner.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) {
        const report = JSON.parse(line) as Record<string, number>;
        if (report['daemon'] !== undefined) pids.add(report['daemon']);
        resolve({ owner, report });
      }
    });
    owner.on('error', reject);
    owner.on('exit', () => {
      if (!text.includes('\n')) reject(new Error(`driver ${mode} exited without a report`));
    });
  });
}

describe.skipIf(skip !== undefined)(
  `Linux backend across processes${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('illumos_contract code unchanged: set_template, spawn, latest() sees the double-forked daemon, sigsend(9), pr_empty', async () => {
      const outcome = await runNode(driver, ['compat'], [], 20_000);
      expect(outcome.code, outcome.stderr).toBe(0);
      const report = reportOf(outcome) as {
        daemon: number;
        members: number[];
        seen: string[];
      };
      expect(report.members).toEqual([report.daemon]);
      expect(report.seen.at(-1)).toBe('pr_empty');
      expect(report.seen).toContain('pr_exit');
      expect(alive(report.daemon)).toBe(false);
    });

    it('NOORPHAN: when the owner is SIGKILLed every member dies within 1 s, and the cgroup goes', async () => {
      const { owner, report } = await startOwner('noorphan');
      const daemon = report['daemon'] ?? 0;
      const ctid = report['ctid'] ?? 0;
      expect(alive(daemon)).toBe(true);
      expect(folderOf(ctid)).toBeDefined();
      const killed = Date.now();
      owner.kill('SIGKILL');
      expect(await until(() => !alive(daemon), 1000)).toBe(true);
      const elapsed = Date.now() - killed;
      expect(elapsed).toBeLessThan(1000);
      expect(await until(() => folderOf(ctid) === undefined, 3000)).toBe(true);
    });

    it("watch('process') and observe(ctid) follow another process's contract; only its owner holds it", async () => {
      const { owner, report } = await startOwner('noorphan');
      const daemon = report['daemon'] ?? 0;
      const ctid = report['ctid'] ?? 0;
      const watcher = system?.watch('process');
      const seen: { name: string; ctid: number; pid: number | undefined }[] = [];
      watcher?.on('event', (event: { type: unknown; name: string; ctid: number; pid?: number }) => {
        seen.push({ name: nameOf(event), ctid: event.ctid, pid: event.pid });
      });
      const observer = system?.observe(ctid);
      try {
        expect(observer?.status()).toMatchObject({ state: 'owned', holder: owner.pid });
        expect(observer === undefined ? [] : membersOf(observer)).toEqual([daemon]);
        // Another process of the same user may look, not take: ctl is the owner's (EACCES).
        expect(() => system?.adopt(ctid)).toThrow(expect.objectContaining({ code: 'EACCES' }));
        process.kill(daemon, 'SIGKILL');
        expect(await until(() => seen.some((event) => event.ctid === ctid && event.name === 'pr_empty'))).toBe(true);
        // The default template makes pr_signal informative; this process, not the owner, sent it.
        expect(seen.filter((event) => event.ctid === ctid).map((event) => event.name)).toEqual([
          'pr_signal',
          'pr_empty',
        ]);
      } finally {
        observer?.close();
        watcher?.close();
        owner.kill('SIGKILL');
      }
    });

    it('worker threads run the backend too, and terminating one with an open monitor leaves the process sound', async () => {
      const workers = await bundleDriver('linux-workers');
      const outcome = await runNode(workers, [], [], 30_000);
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(reportOf(outcome)).toEqual({ terminated: 6, members: 6 });
    });

    it('without NOORPHAN the orphan lives on; another process of the same user adopts it and holds it', async () => {
      const { report } = await startOwner('orphan');
      const daemon = report['daemon'] ?? 0;
      const ctid = report['ctid'] ?? 0;
      const owner = report['owner'] ?? 0;
      expect(await until(() => !alive(owner))).toBe(true);
      expect(alive(daemon)).toBe(true);
      const observer = system?.observe(ctid);
      expect(observer?.status()).toMatchObject({ state: 'orphan', holder: 0 });
      observer?.close();
      const adopted = system?.adopt(ctid);
      if (adopted === undefined) throw new Error('adopt returned nothing');
      expect(adopted.status()).toMatchObject({ state: 'owned', holder: process.pid });
      expect(membersOf(adopted)).toEqual([daemon]);
      const { empty } = collect(adopted);
      adopted.signal('SIGKILL');
      await empty;
      expect(alive(daemon)).toBe(false);
      adopted.abandon();
      expect(folderOf(ctid)).toBeUndefined();
    });

    it("uid 65534 in a cgroup chowned to it runs the whole life cycle, and cannot adopt, signal or observe root's contract", async () => {
      const delegated = createDelegatedCgroup('sysbind-test');
      const root = system?.spawn('sh', ['-c', 'exec sleep 60'], { stdio: 'ignore' });
      if (root?.child.pid !== undefined) pids.add(root.child.pid);
      try {
        const result = await delegated.runNode([driver, 'unprivileged', String(root?.contract.id)], (pid) =>
          pids.add(pid),
        );
        expect(result.code, result.stderr).toBe(0);
        const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as {
          uid: number;
          daemon: number;
          members: number[];
          names: string[];
          foreign: Record<string, string>;
        };
        pids.add(report.daemon);
        expect(report.uid).toBe(65534);
        expect(report.members).toContain(report.daemon);
        expect(report.names).toContain('pr_fork');
        expect(report.names.at(-1)).toBe('pr_empty');
        expect(alive(report.daemon)).toBe(false);
        expect(report.foreign).toEqual({ adopt: 'EACCES', signal: 'EPERM', control: 'EACCES', observe: 'EACCES' });
        // Root's contract is untouched.
        expect(root === undefined ? [] : membersOf(root.contract)).toEqual([root?.child.pid]);
      } finally {
        if (root !== undefined) {
          root.contract.signal('SIGKILL');
          await until(() => membersOf(root.contract).length === 0);
          root.contract.abandon();
        }
        await delegated.remove();
      }
    });
  },
);
