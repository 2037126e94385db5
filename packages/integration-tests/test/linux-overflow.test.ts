// A real overflow of the process-events connector (ENOBUFS), provoked: the test-only hook shrinks
// the connector socket's receive buffer to the kernel's minimum, and a fork burst inside a
// contract runs while the event loop (the only reader) is blocked. What the issue asks of an
// overflow is checked against the kernel: it is reported (a process warning), the members are read
// again from cgroup.procs, every member the kernel still listed gets its pr_exit, pr_empty comes
// once everything exited, and the backend keeps working.
import { afterAll, describe, expect, it } from 'vitest';
import { createContractSystem, type Contract } from '@sysbind/contract';
import { linuxBackendTestHooks } from '@sysbind/contract-native/testing';
import { collect, killAll, linuxSkipReason, membersOf, nameOf, until } from './support/linux-host.ts';

const skip = linuxSkipReason();
const system = skip === undefined ? createContractSystem() : undefined;
const spawned = new Set<number>();
const contracts: Contract[] = [];

afterAll(() => {
  for (const contract of contracts) {
    try {
      if (membersOf(contract).length > 0) contract.signal('SIGKILL');
    } catch {
      // already gone
    }
  }
  killAll(spawned);
  if (skip === undefined) linuxBackendTestHooks.setConnectorBuffer(0);
  system?.close();
});

/** Blocks this thread (and so the backend's only reader of the connector) for `ms`. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Twenty members that outlive the overflow, a burst of short-lived processes (each a fork, an exec
// and an exit on the connector, beside whatever the rest of the host does) to overflow it while
// nobody reads, and, well after the reader is back, one more fork (`true` at about 1.4 s).
const BURST =
  'for i in $(seq 20); do sleep 2 & done; for i in $(seq 60); do /bin/true; done; sleep 1.2; /bin/true; wait';
const BLOCK_MS = 600;

describe.skipIf(skip !== undefined)(`connector overflow (ENOBUFS) (${skip ?? 'real kernel'})`, () => {
  it('is reported, resynchronises from cgroup.procs, loses no member the kernel knows, and pr_empty still comes', async () => {
    if (system === undefined) throw new Error(skip);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      if ((warning as { code?: string }).code === 'SYSBIND_CONTRACT_EVENTS_LOST') warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      // The backend starts with the first contract: a warm-up one, so that the hook has a host.
      const warmUp = system.spawn('true', [], { template: { critical: ['pr_empty'] } });
      contracts.push(warmUp.contract);
      await collect(warmUp.contract).empty;
      const before = linuxBackendTestHooks.overflows().length;
      const size = linuxBackendTestHooks.setConnectorBuffer(1);
      expect(size).toBeLessThan(16 * 1024);

      const { child, contract } = system.spawn('sh', ['-c', BURST], {
        template: { critical: ['pr_empty'], informative: ['pr_exit', 'pr_fork'] },
        stdio: 'ignore',
      });
      contracts.push(contract);
      if (child.pid !== undefined) spawned.add(child.pid);
      const { events, empty } = collect(contract);
      const delivered = new Map<unknown, number>();
      contract.on('event', (event: unknown) => delivered.set(event, Date.now()));
      // The burst runs while nobody reads: the kernel drops what the tiny buffer cannot hold.
      blockEventLoop(BLOCK_MS);
      const unblocked = Date.now();

      // Reported: a warning naming the contract, and the backend's own record of the overflow.
      expect(await until(() => linuxBackendTestHooks.overflows().length > before, 3000)).toBe(true);
      // At once (the poll handle's POLLERR is the overflow), not when the next cgroup change drains
      // the socket (the members' exits, about 1.4 s later).
      expect(Date.now() - unblocked).toBeLessThan(800);
      // Restored at once, so that the members' exits (in about 1.4 s) are not lost again.
      expect(linuxBackendTestHooks.setConnectorBuffer(0)).toBeGreaterThan(1 << 20);
      expect(await until(() => warnings.length > 0, 1000)).toBe(true);
      expect(warnings[0]?.message).toContain(String(contract.id));
      // Drops between the first report and the restore make further reports: let them land, then
      // take the last one. What it read from cgroup.procs is what the kernel still knew after the
      // last gap (the sleeps and the shell, with the bigger buffer from then on): every one of
      // them must get its pr_exit.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const overflow = linuxBackendTestHooks.overflows().at(-1);
      expect(overflow?.ctids).toContain(contract.id);
      const listed = [...(overflow?.members[contract.id] ?? [])];
      // And those the kernel lists now (forked since, and followed by their forks).
      const known = [...new Set([...listed, ...membersOf(contract)])];
      for (const pid of known) spawned.add(pid);
      expect(listed.length).toBeGreaterThanOrEqual(20);

      const last = await Promise.race([
        empty,
        new Promise<undefined>((resolve) =>
          setTimeout(() => {
            resolve(undefined);
          }, 8000),
        ),
      ]);
      expect(last, 'pr_empty after every member exited').toBeDefined();
      // The sleeps may still be in flight in the kernel's view for a moment: let late events land.
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The socket is read again after the overflow: the late fork is reported as it happens,
      // well before the contract empties (not all at once with the exits that empty it).
      const emptyAt = delivered.get(last) ?? 0;
      const lateForks = events.filter(
        (event) => nameOf(event) === 'pr_fork' && event.ppid === child.pid && !listed.includes(event.pid ?? 0),
      );
      expect(lateForks.length, 'a pr_fork after the overflow').toBeGreaterThan(0);
      expect(emptyAt - (delivered.get(lateForks[0]) ?? emptyAt)).toBeGreaterThan(250);
      const exited = new Set(events.filter((event) => nameOf(event) === 'pr_exit').map((event) => event.pid));
      const lost = known.filter((pid) => !exited.has(pid));
      expect(lost, 'members listed in cgroup.procs after the overflow without a pr_exit').toEqual([]);
      expect(events.filter((event) => nameOf(event) === 'pr_empty')).toHaveLength(1);
      expect(membersOf(contract)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      linuxBackendTestHooks.setConnectorBuffer(0);
    }

    // The backend keeps working: a new contract, its member's full wait status, pr_empty.
    const after = system.spawn('sh', ['-c', 'exit 7'], {
      template: { critical: ['pr_empty'], informative: ['pr_exit'] },
      stdio: 'ignore',
    });
    contracts.push(after.contract);
    const { events, empty } = collect(after.contract);
    await empty;
    const exit = events.find((event) => nameOf(event) === 'pr_exit');
    expect(exit?.pid).toBe(after.child.pid);
    expect(exit?.exitStatus).toBe(7 << 8);
  }, 30_000);
});
