import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { describe, expect, it } from 'vitest';
import { createGridcentric, type DomainExit } from '../src/index.ts';

describe('exits() async iterator', () => {
  it('yields every dependent clone’s exit in termination order and ends when none is left', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 1 });
    const gc = createGridcentric({ backend: sim.backend() });
    const ticket = await gc.requestTicket(3);
    for (let i = 0; i < 3; i++) await gc.clone(ticket);
    sim.clock.advance(1);
    sim.world.exit(3, 30);
    const collected: DomainExit[] = [];
    const consumer = (async () => {
      for await (const exit of gc.exits()) collected.push(exit);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    sim.world.crash(2);
    sim.world.exit(4, 40);
    await consumer;
    expect(collected).toEqual([
      { vmid: 3, reason: 'EXITED', code: 30 },
      { vmid: 2, reason: 'CRASHED', code: 0 },
      { vmid: 4, reason: 'EXITED', code: 40 },
    ]);
  });

  it('skips independent clones', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 1 });
    const gc = createGridcentric({ backend: sim.backend() });
    const free = await gc.requestTicket(1);
    const tied = await gc.requestTicket(1);
    await gc.clone(free);
    await gc.clone(tied);
    await gc.makeTicketIndependent(free);
    sim.clock.advance(1);
    sim.world.exit(2);
    sim.world.exit(3);
    const vmids: number[] = [];
    for await (const exit of gc.exits()) vmids.push(exit.vmid);
    expect(vmids).toEqual([3]);
  });

  it('throws an AbortError when its signal aborts, leaving no wait behind', async () => {
    using sim = createGridcentricSimulator();
    const gc = createGridcentric({ backend: sim.backend() });
    await gc.clone(await gc.requestTicket(1));
    const controller = new AbortController();
    const iterator = gc.exits({ signal: controller.signal });
    const next = iterator.next();
    while (sim.pendingWaits() === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.pendingWaits()).toBe(0);
  });

  it('breaking out of the loop leaves the remaining exits to later waits', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 1 });
    const gc = createGridcentric({ backend: sim.backend() });
    const ticket = await gc.requestTicket(2);
    await gc.clone(ticket);
    await gc.clone(ticket);
    sim.clock.advance(1);
    sim.world.exit(2);
    sim.world.exit(3);
    for await (const exit of gc.exits()) {
      expect(exit.vmid).toBe(2);
      break;
    }
    expect((await gc.waitAny()).vmid).toBe(3);
  });
});
