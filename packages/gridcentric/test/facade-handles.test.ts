import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { describe, expect, it } from 'vitest';
import { createGridcentric, isGridcentricError, type Clone, type DomainExit } from '../src/index.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(capacity = 4) {
  const sim = createGridcentricSimulator({ capacity, bootDelay: 1 });
  const gc = createGridcentric({ backend: sim.backend() });
  return {
    sim,
    gc,
    [Symbol.dispose]: () => {
      sim.close();
    },
  };
}

describe('item 10: tickets as handles', () => {
  it('item 10: `await using ticket` gives the unused slots back at scope end; its clones keep running', async () => {
    using world = setup(4);
    const { sim, gc } = world;
    let vmid: number;
    {
      await using ticket = await gc.requestTicket(3);
      expect(sim.inspect().freeSlots).toBe(1);
      const result = await ticket.clone();
      if (result.role !== 'parent') throw new Error('expected the parent side');
      vmid = result.vmid;
      expect((await ticket.info())?.used).toBe(1);
    }
    // Two unused slots came back; the clone holds the third.
    expect(sim.inspect().freeSlots).toBe(3);
    expect(await gc.listTickets()).toEqual([]);
    sim.clock.advance(1);
    expect(await gc.domainStatus(vmid)).toBe('ONLINE');
  });

  it('item 10: a ticket is taken wherever an id is, and is its id as a primitive', async () => {
    using world = setup();
    const { gc } = world;
    const ticket = await gc.requestTicket(2);
    expect(String(ticket)).toBe(String(ticket.id));
    expect(+ticket).toBe(ticket.id);
    await gc.clone(ticket);
    expect((await gc.listDomains({ ticket })).map((domain) => domain.ticket)).toEqual([ticket.id]);
    expect((await ticket.domains()).length).toBe(1);
    // Only a handle the facade made is a ticket: a look-alike object is a bad argument.
    await expect(gc.clone({ id: ticket.id } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('item 10: ticket close() is idempotent and quiet for a ticket already cancelled or discarded', async () => {
    using world = setup();
    const { sim, gc } = world;
    const cancelled = await gc.requestTicket(1);
    await cancelled.cancel();
    const first = cancelled.close();
    expect(cancelled.close()).toBe(first);
    await expect(first).resolves.toBeUndefined();

    // Joined by sync_ticket: discarded, unknown to the library (ENOENT), nothing to give back.
    const joined = await gc.requestTicket(1);
    await joined.clone();
    sim.clock.advance(1);
    sim.world.exit(2, 0);
    await joined.sync();
    await expect(joined.close()).resolves.toBeUndefined();
    expect(sim.inspect().freeSlots).toBe(4);
  });

  it('item 10: killTicket kills the clones and discards the ticket, as sf_kill; the exits stay to be reaped', async () => {
    using world = setup(4);
    const { sim, gc } = world;
    const ticket = await gc.requestTicket(3);
    await ticket.clone();
    await ticket.clone();
    expect(await ticket.kill()).toBe(2);
    expect(await gc.listTickets()).toEqual([]);
    // Every slot is back: the unused one (cancelled) and the two clones' (killed).
    expect(sim.inspect().freeSlots).toBe(4);
    await expect(gc.clone(ticket)).rejects.toSatisfy((error) => isGridcentricError(error, 'EPERM'));
    const reaped = [await gc.waitAny(), await gc.waitAny()];
    expect(reaped.map((exit) => exit.reason)).toEqual(['KILLED', 'KILLED']);
    // A second kill of a discarded ticket: nothing left to kill, and still no error.
    expect(await gc.killTicket(ticket)).toBe(0);
  });
});

describe('item 10: clones as handles', () => {
  it('item 10: a clone handle prints and compares as { role, vmid, ticket }, without starting a wait', async () => {
    using world = setup();
    const { sim, gc } = world;
    const ticket = await gc.requestTicket(1);
    const clone = await gc.clone(ticket);
    expect(clone).toEqual({ role: 'parent', vmid: 2, ticket: ticket.id });
    expect(JSON.parse(JSON.stringify(clone))).toEqual({ role: 'parent', vmid: 2, ticket: ticket.id });
    expect(JSON.parse(JSON.stringify(ticket))).toEqual({ id: ticket.id });
    await tick();
    // `exited` was not touched: the exit is still there for waitAny.
    expect(sim.pendingWaits()).toBe(0);
    sim.clock.advance(1);
    sim.world.exit(2, 5);
    expect(await gc.waitAny()).toEqual({ vmid: 2, reason: 'EXITED', code: 5 });
  });

  it('item 10: a clone handle has an `exited` promise and kill()', async () => {
    using world = setup();
    const { sim, gc } = world;
    const ticket = await gc.requestTicket(2);
    const a = await gc.clone(ticket);
    const b = await gc.clone(ticket);
    if (a.role !== 'parent' || b.role !== 'parent') throw new Error('expected the parent side');
    expect(a).toMatchObject({ vmid: 2, ticket: ticket.id });
    sim.clock.advance(1);
    expect(await a.status()).toBe('ONLINE');
    const exitedA = a.exited;
    expect(a.exited).toBe(exitedA);
    sim.world.exit(a.vmid, 4);
    expect(await exitedA).toEqual({ vmid: 2, reason: 'EXITED', code: 4 });
    expect(await b.kill()).toBe(true);
    expect(await b.exited).toEqual({ vmid: 3, reason: 'KILLED', code: 0 });
    // Reaped: both are off the lists.
    expect(await gc.listDomains()).toEqual([]);
  });

  it('item 10: kill() of a clone that already ended resolves to false; its exit is still there', async () => {
    using world = setup();
    const { sim, gc } = world;
    const clone = await gc.clone(await gc.requestTicket(1));
    if (clone.role !== 'parent') throw new Error('expected the parent side');
    sim.clock.advance(1);
    sim.world.crash(clone.vmid, 9);
    expect(await clone.kill()).toBe(false);
    expect(await clone.exited).toEqual({ vmid: 2, reason: 'CRASHED', code: 9 });
  });

  it('item 10: leaving an `await using` scope kills a running clone and reaps it; close() is idempotent', async () => {
    using world = setup();
    const { sim, gc } = world;
    let vmid = 0;
    {
      const made = await gc.clone(await gc.requestTicket(1));
      if (made.role !== 'parent') throw new Error('expected the parent side');
      await using clone: Clone = made;
      vmid = clone.vmid;
      sim.clock.advance(1);
    }
    expect(sim.statusOf(vmid)).toBe('KILLED');
    expect(sim.inspect().domains.find((domain) => domain.vmid === vmid)?.reapedBy).toBe('wait');
  });

  it('item 10: close() of a clone reaped elsewhere, or after the Gridcentric object closed, does not reject', async () => {
    using world = setup();
    const { sim, gc } = world;
    const clone = await gc.clone(await gc.requestTicket(1));
    if (clone.role !== 'parent') throw new Error('expected the parent side');
    sim.clock.advance(1);
    sim.world.exit(clone.vmid);
    await gc.waitAny(); // someone else reaped it
    const closing = clone.close();
    expect(clone.close()).toBe(closing);
    await expect(closing).resolves.toBeUndefined();

    const other = await gc.clone(await gc.requestTicket(1));
    await gc.close();
    if (other.role !== 'parent') throw new Error('expected the parent side');
    await expect(other.close()).resolves.toBeUndefined();
  });
});

describe('item 10: exits({ follow: true })', () => {
  it('item 10: stays open when no clone is left, and goes on with the next clone (an autoscaler)', async () => {
    using world = setup();
    const { sim, gc } = world;
    const seen: DomainExit[] = [];
    await using exits = gc.exits({ follow: true });
    const consumer = (async () => {
      for await (const exit of exits) {
        seen.push(exit);
        if (seen.length === 2) return;
      }
    })();
    // No clone yet: the iterator waits, it does not end.
    await tick();
    const first = await gc.clone(await gc.requestTicket(1));
    sim.clock.advance(1);
    if (first.role === 'parent') sim.world.exit(first.vmid, 1);
    for (let i = 0; i < 5 && seen.length < 1; i++) await tick();
    expect(seen).toEqual([{ vmid: 2, reason: 'EXITED', code: 1 }]);
    // Again no clone left: still open.
    await tick();
    const second = await gc.clone(await gc.requestTicket(1));
    sim.clock.advance(1);
    if (second.role === 'parent') sim.world.exit(second.vmid, 2);
    await consumer;
    expect(seen).toEqual([
      { vmid: 2, reason: 'EXITED', code: 1 },
      { vmid: 3, reason: 'EXITED', code: 2 },
    ]);
  });

  it('item 10: disposing the iterator ends a wait in progress and leaves no wait behind', async () => {
    using world = setup();
    const { sim, gc } = world;
    await gc.clone(await gc.requestTicket(1));
    const exits = gc.exits({ follow: true });
    const next = exits.next();
    await tick();
    expect(sim.pendingWaits()).toBe(1);
    await exits[Symbol.asyncDispose]();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.pendingWaits()).toBe(0);
    expect(await exits.next()).toEqual({ done: true, value: undefined });
  });

  it('item 10: closing the Gridcentric object ends a follow iterator waiting for a clone', async () => {
    using world = setup();
    const { gc } = world;
    const exits = gc.exits({ follow: true });
    const next = exits.next();
    await tick();
    await gc.close();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('item 10: follow must be a boolean', () => {
    using world = setup();
    expect(() => world.gc.exits({ follow: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }) as Error,
    );
  });
});
