// Issue 12 item 13: an observer learns that its contract died although the kernel never wakes it
// (contract_destroy drains the queue with cte_queue_drain and wakes no listener; a non-blocking
// read then answers EAGAIN): its events() iteration ends, and 'dead' then 'close' are emitted,
// within OBSERVER_CHECK_INTERVAL of the death plus the wait for the event loop.
import { afterEach, describe, expect, it } from 'vitest';
import { CTS_DEAD, type ContractBackend } from '@sysbind/contract-interface';
import { silentOnDeath } from '@sysbind/test-support';
import { createContractSimulator, type ContractSimulator } from '@sysbind/testing-fakes';
import { createContractSystem, OBSERVER_CHECK_INTERVAL, type ContractSystem } from '../src/index.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setup(wrap: (backend: ContractBackend) => ContractBackend = (backend) => backend): {
  sim: ContractSimulator;
  system: ContractSystem;
} {
  const sim = createContractSimulator();
  const system = createContractSystem({ backend: wrap(sim.backend()) });
  cleanups.push(
    () => {
      sim.close();
    },
    () => {
      system.close();
    },
  );
  return { sim, system };
}

describe('item 13: an observer learns its contract died', () => {
  it.each([
    ['as the simulator delivers it', undefined],
    ['when the endpoint is never woken (illumos)', silentOnDeath],
  ] as const)('item 13: events() ends and dead/close are told within the documented bound, %s', async (_, wrap) => {
    const { sim, system } = setup(wrap);
    // A contract of another process of ours (same euid): its owner forks a worker under a template.
    const owner = sim.world.fork(sim.self.pid, { template: null });
    const worker = sim.world.fork(owner, { template: { informative: 0x4 } });
    const ctid = sim.world.process(worker)?.contract ?? 0;
    const observer = system.observe(ctid);
    const told: string[] = [];
    observer.once('dead', () => told.push('dead'));
    observer.once('close', () => told.push('close'));
    const seen: string[] = [];
    const iterator = observer.events();
    sim.world.exit(worker, 0);
    // Read while the contract lives: its destruction drains the queue (cte_queue_drain).
    const first = await iterator.next();
    if (first.done !== true) seen.push(first.value.type);
    const iteration = (async () => {
      for await (const event of iterator) seen.push(event.type);
      return Date.now();
    })();
    // The owner exits: its contract is abandoned, orphaned and empty, so it is destroyed.
    sim.world.exit(owner, 0);
    const died = Date.now();
    expect(sim.world.contract(ctid)?.state ?? CTS_DEAD).toBe(CTS_DEAD);
    const ended = await iteration;
    expect(seen).toContain('pr_exit');
    expect(told).toEqual(['dead', 'close']);
    expect(observer.closed).toBe(true);
    expect(ended - died).toBeLessThan(OBSERVER_CHECK_INTERVAL + 500);
  });

  it('item 13: a living observed contract is left alone, and the check stops with the last observer', async () => {
    const { sim, system } = setup();
    const owner = sim.world.fork(sim.self.pid, { template: null });
    const worker = sim.world.fork(owner, { template: {} });
    const ctid = sim.world.process(worker)?.contract ?? 0;
    const observer = system.observe(ctid);
    let dead = false;
    observer.once('dead', () => (dead = true));
    await new Promise((resolve) => setTimeout(resolve, OBSERVER_CHECK_INTERVAL * 2 + 100));
    expect(dead).toBe(false);
    expect(observer.closed).toBe(false);
    observer.close();
  });
});
