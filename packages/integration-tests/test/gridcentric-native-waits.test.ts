import { createGridcentric } from '@sysbind/gridcentric';
import { GC_EXIT_REASON, isAbortError, isGridcentricError } from '@sysbind/gridcentric-interface';
import { createSimulatedNativeBackend, type NativeGridcentricBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, describe, expect, it } from 'vitest';

// Waits beyond the addon's pool of waiter threads are served by its router: these tests pass more
// waits than the pool holds and check that they keep the library's semantics.
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function world(capacity = 32): { sim: GridcentricSimulator; gc: NativeGridcentricBackend } {
  const sim = createGridcentricSimulator({ capacity, bootDelay: 0 });
  const gc = createSimulatedNativeBackend(sim);
  cleanups.push(() => {
    gc.close();
    sim.close();
  });
  return { sim, gc };
}

async function clones(
  sim: GridcentricSimulator,
  gc: NativeGridcentricBackend,
  count: number,
  ticket?: number,
): Promise<number[]> {
  const held = ticket ?? (await gc.requestTickets(count));
  const vmids: number[] = [];
  for (let index = 0; index < count; index++) vmids.push(await gc.clone(held));
  sim.clock.runUntilIdle();
  return vmids;
}

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('native backend: more waits than waiter threads', () => {
  it('every wait for one clone gets its own exit, beyond the pool too', async () => {
    const { sim, gc } = world();
    const vmids = await clones(sim, gc, 20);
    const waits = vmids.map((vmid) => gc.waitDomain(vmid));
    await eventually(() => gc.stats().pendingWaits === 20 && sim.pendingWaits() === 8, 'the pool is busy');
    expect(gc.stats().queuedWaits).toBe(20 - gc.stats().waiterThreads);
    expect(gc.stats().waitsInLibrary).toBe(gc.stats().waiterThreads);
    for (const [index, vmid] of [...vmids].reverse().entries()) sim.world.exit(vmid, index);
    const exits = await Promise.all(waits);
    expect(exits.map((exit) => exit.vmid)).toEqual(vmids);
    expect(exits.every((exit) => exit.reason === GC_EXIT_REASON.EXITED)).toBe(true);
    expect(await gc.listCloneDomains()).toEqual([]);
    expect(gc.stats().threads).toBeLessThanOrEqual(gc.stats().waiterThreads + gc.stats().controllerThreads + 1);
  });

  it('waits for any clone reap each terminated clone exactly once; the rest fail with ECHILD', async () => {
    const { sim, gc } = world();
    const vmids = await clones(sim, gc, 3);
    const waits = Array.from({ length: 20 }, () => gc.waitAny());
    await eventually(() => gc.stats().pendingWaits === 20, 'all waits are pending');
    for (const vmid of vmids) sim.world.exit(vmid);
    const outcomes = await Promise.allSettled(waits);
    const reaped = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.vmid] : []));
    expect(reaped.sort()).toEqual([...vmids].sort());
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(failures).toHaveLength(17);
    expect(failures.every((error) => isGridcentricError(error, 'ECHILD'))).toBe(true);
  });

  it('a queued wait for a vmid that is no waitable clone fails with ECHILD', async () => {
    const { sim, gc } = world();
    const vmids = await clones(sim, gc, 8);
    const held = vmids.map((vmid) => gc.waitDomain(vmid));
    await eventually(() => gc.stats().waitsInLibrary === 8, 'the pool is busy');
    const error: unknown = await gc.waitDomain(4242).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ECHILD', syscall: 'gc_wait_domain', vmid: 4242 });
    await gc.killallCloneDomains();
    expect((await Promise.all(held)).map((exit) => exit.reason)).toEqual(vmids.map(() => GC_EXIT_REASON.KILLED));
  });

  it('a queued sync_ticket joins once every clone of the ticket terminated', async () => {
    const { sim, gc } = world();
    const busy = await clones(sim, gc, 8);
    const held = busy.map((vmid) => gc.waitDomain(vmid));
    await eventually(() => gc.stats().waitsInLibrary === 8, 'the pool is busy');
    const ticket = await gc.requestTickets(2);
    const [a, b] = await clones(sim, gc, 2, ticket);
    if (a === undefined || b === undefined) throw new Error('no clones');
    let joined = false;
    const join = gc.syncTicket(ticket).then(() => (joined = true));
    sim.world.exit(a);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(joined).toBe(false);
    sim.world.crash(b);
    await join;
    expect((await gc.listTickets()).map((info) => info.ticket)).not.toContain(ticket);
    await gc.killallCloneDomains();
    await Promise.all(held);
  });

  it('aborting queued and in-library waits withdraws them all; the exits stay reapable', async () => {
    const { sim, gc } = world();
    const vmids = await clones(sim, gc, 4);
    const controller = new AbortController();
    const waits = Array.from({ length: 30 }, (_, index) =>
      (index % 3 === 0 ? gc.waitAny(controller.signal) : gc.waitDomain(vmids[index % 4] ?? 0, controller.signal)).catch(
        (error: unknown) => error,
      ),
    );
    await eventually(() => gc.stats().pendingWaits === 30, 'all waits are pending');
    controller.abort();
    expect((await Promise.all(waits)).every(isAbortError)).toBe(true);
    await eventually(() => sim.pendingWaits() === 0 && gc.stats().pendingWaits === 0, 'every wait is withdrawn');
    for (const vmid of vmids) sim.world.exit(vmid, vmid);
    expect(await gc.listCloneDomains()).toHaveLength(4);
    const exits = await Promise.all(vmids.map((vmid) => gc.waitDomain(vmid)));
    expect(exits.map((exit) => exit.code)).toEqual(vmids);
  });

  it('a detached guest fails the waits beyond the pool too', async () => {
    const { sim, gc } = world();
    await clones(sim, gc, 1);
    const waits = Array.from({ length: 12 }, () => gc.waitAny().catch((error: unknown) => error));
    await eventually(() => gc.stats().pendingWaits === 12, 'all waits are pending');
    sim.world.detach('EIO');
    const errors = await Promise.all(waits);
    expect(errors.every((error) => isGridcentricError(error, 'EIO'))).toBe(true);
  });

  it('backs the @sysbind/gridcentric facade: clone, exits() in termination order', async () => {
    const { sim, gc } = world();
    const api = createGridcentric({ backend: gc });
    const ticket = await api.requestTicket(3);
    const vmids: number[] = [];
    for (let index = 0; index < 3; index++) {
      const result = await api.clone(ticket);
      if (result.role === 'parent') vmids.push(result.vmid);
    }
    sim.clock.runUntilIdle();
    const [first, second, third] = vmids;
    if (first === undefined || second === undefined || third === undefined) throw new Error('no clones');
    sim.world.exit(second, 2);
    sim.world.crash(third, 3);
    sim.world.exit(first, 1);
    const seen: number[] = [];
    for await (const exit of api.exits()) seen.push(exit.vmid);
    expect(seen).toEqual([second, third, first]);
    await api.close();
  });
});
