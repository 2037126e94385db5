import {
  GC_EXIT_REASON,
  isAbortError,
  isGridcentricError,
  type GcGuestApi,
  type GridcentricBackend,
  type SimulatorForNativeBackend,
} from '@sysbind/gridcentric-interface';
import { createSimulatedNativeBackend, type NativeGridcentricBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, describe, expect, it } from 'vitest';

// One test per defect of the native backend's waits that issue 13 reproduced, each run on the
// native backend and, where the simulator's own backend is the reference, on that one too: both
// must give the same outcomes. The waiter pool has 8 threads; "beyond the pool" means more waits.
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface World {
  readonly sim: GridcentricSimulator;
  readonly gc: GridcentricBackend;
  /** Resolves once the backend caught up with the world (a few turns for the simulator's). */
  readonly caughtUp: () => Promise<void>;
}

/** A simulator-shaped holder of one VM's library, for a GcGuestApi a test wraps (always the same object). */
function asSimulator(api: GcGuestApi): SimulatorForNativeBackend {
  return { masterVmid: 1, library: () => api };
}

const turns = async (count = 4): Promise<void> => {
  for (let index = 0; index < count; index++) await new Promise((resolve) => setImmediate(resolve));
};

function nativeWorld(): World {
  const sim = createGridcentricSimulator({ capacity: 32, bootDelay: 0 });
  const gc: NativeGridcentricBackend = createSimulatedNativeBackend(sim);
  cleanups.push(() => {
    gc.close();
    sim.close();
  });
  return {
    sim,
    gc,
    // Caught up once a routing round changes nothing and every wait in the library is registered
    // with the simulator (a wait going back into the library after an eviction takes a moment).
    caughtUp: async () => {
      let previous = '';
      for (let round = 0; round < 500; round++) {
        await gc.settleWaits();
        await turns();
        const stats = gc.stats();
        const signature = JSON.stringify([stats.pendingWaits, stats.waitsInLibrary, sim.pendingWaits()]);
        if (signature === previous && sim.pendingWaits() === stats.waitsInLibrary) return;
        previous = signature;
      }
      throw new Error('the native backend did not catch up');
    },
  };
}

function referenceWorld(): World {
  const sim = createGridcentricSimulator({ capacity: 32, bootDelay: 0 });
  cleanups.push(() => {
    sim.close();
  });
  return { sim, gc: sim.backend(), caughtUp: () => turns() };
}

const both = [
  ['native backend', nativeWorld],
  ['simulator backend', referenceWorld],
] as const;

async function clones(world: World, count: number, ticket?: number): Promise<number[]> {
  const held = ticket ?? (await world.gc.requestTickets(count));
  const vmids: number[] = [];
  for (let index = 0; index < count; index++) vmids.push(await world.gc.clone(held));
  world.sim.clock.runUntilIdle();
  return vmids;
}

type State = 'pending' | { readonly ok: unknown } | { readonly error: string };
function track(promise: Promise<unknown>): { readonly state: () => State } {
  let state: State = 'pending';
  promise.then(
    (value) => (state = { ok: value }),
    (error: unknown) =>
      (state = { error: isGridcentricError(error) ? error.code : isAbortError(error) ? 'ABORT_ERR' : String(error) }),
  );
  return { state: () => state };
}

/** Fills the waiter pool with waits for `count` clones that stay alive. */
async function busyPool(world: World, count = 8): Promise<void> {
  for (const vmid of await clones(world, count)) track(world.gc.waitDomain(vmid));
  await world.caughtUp();
}

describe.each(both)('issue 13 regressions on the %s', (_name, makeWorld) => {
  it('a wedged router: queued waitDomain(v) and waitAny() on one exit, then waitDomain(9999) fails with ECHILD at once', async () => {
    const world = makeWorld();
    await busyPool(world);
    const [v] = await clones(world, 1);
    if (v === undefined) throw new Error('no clone');
    world.sim.world.exit(v, 7);
    const specific = track(world.gc.waitDomain(v));
    const any = track(world.gc.waitAny());
    await world.caughtUp();
    const unknown = track(world.gc.waitDomain(9999));
    await world.caughtUp();
    expect(specific.state()).toEqual({ ok: { vmid: v, reason: GC_EXIT_REASON.EXITED, code: 7 } });
    expect(any.state()).toBe('pending');
    expect(unknown.state()).toEqual({ error: 'ECHILD' });
    if ('stats' in world.gc) {
      const stats = (world.gc as NativeGridcentricBackend).stats();
      expect(stats.waitsInLibrary).toBeLessThanOrEqual(stats.waiterThreads);
    }
  });

  it('a misrouted exit: beyond the pool, the exit of v goes to waitDomain(v), and waitAny() stays pending', async () => {
    const world = makeWorld();
    const [v, ...others] = await clones(world, 8);
    if (v === undefined) throw new Error('no clone');
    const any = track(world.gc.waitAny());
    for (const vmid of others) track(world.gc.waitDomain(vmid));
    await world.caughtUp();
    const specific = track(world.gc.waitDomain(v));
    await world.caughtUp();
    world.sim.world.exit(v, 3);
    await world.caughtUp();
    expect(specific.state()).toEqual({ ok: { vmid: v, reason: GC_EXIT_REASON.EXITED, code: 3 } });
    expect(any.state()).toBe('pending');
  });

  it('two syncTicket(t) beyond the pool both resolve once the ticket is joined', async () => {
    const world = makeWorld();
    await busyPool(world);
    const ticket = await world.gc.requestTickets(1);
    const [clone] = await clones(world, 1, ticket);
    if (clone === undefined) throw new Error('no clone');
    const first = track(world.gc.syncTicket(ticket));
    const second = track(world.gc.syncTicket(ticket));
    await world.caughtUp();
    world.sim.world.exit(clone);
    await world.caughtUp();
    expect(first.state()).toEqual({ ok: undefined });
    expect(second.state()).toEqual({ ok: undefined });
  });

  it('with syncTicket(t) in the library, a terminated clone of t goes to a queued waitAny() at once', async () => {
    const world = makeWorld();
    for (const vmid of await clones(world, 7)) track(world.gc.waitDomain(vmid));
    const ticket = await world.gc.requestTickets(2);
    const [a, b] = await clones(world, 2, ticket);
    if (a === undefined || b === undefined) throw new Error('no clones');
    const join = track(world.gc.syncTicket(ticket));
    await world.caughtUp();
    world.sim.world.exit(a, 1);
    const any = track(world.gc.waitAny());
    await world.caughtUp();
    expect(any.state()).toEqual({ ok: { vmid: a, reason: GC_EXIT_REASON.EXITED, code: 1 } });
    expect(join.state()).toBe('pending');
    world.sim.world.exit(b, 2);
    await world.caughtUp();
    expect(join.state()).toEqual({ ok: undefined });
  });
});

describe.each([
  [
    'native backends',
    (sim: GridcentricSimulator): GridcentricBackend => {
      // All of the second backend's waits go through the router, which must know what the first did.
      const gc = createSimulatedNativeBackend(sim, { waitsInLibrary: 0 });
      cleanups.push(() => {
        gc.close();
      });
      return gc;
    },
  ],
  ['simulator backends', (sim: GridcentricSimulator): GridcentricBackend => sim.backend()],
] as const)('two %s of one VM share its state', (_name, bind) => {
  it('a ticket one made independent (then cancelled) makes the other’s wait for its clone fail at once', async () => {
    const sim = createGridcentricSimulator({ capacity: 4, bootDelay: 0 });
    cleanups.push(() => {
      sim.close();
    });
    const first = bind(sim);
    const second = bind(sim);
    const ticket = await first.requestTickets(1);
    const vmid = await first.clone(ticket);
    sim.clock.runUntilIdle();
    await first.makeTicketIndependent(ticket);
    await first.cancelTicket(ticket);
    const error: unknown = await second.waitDomain(vmid).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ECHILD', syscall: 'gc_wait_domain' });
  });

  it('a join by one settles the other’s pending join of the same ticket', async () => {
    const sim = createGridcentricSimulator({ capacity: 4, bootDelay: 0 });
    cleanups.push(() => {
      sim.close();
    });
    const first = bind(sim);
    const second = bind(sim);
    const ticket = await first.requestTickets(1);
    const vmid = await first.clone(ticket);
    sim.clock.runUntilIdle();
    const joins = [first.syncTicket(ticket), second.syncTicket(ticket)];
    await turns();
    if ('settleWaits' in second) await (second as NativeGridcentricBackend).settleWaits();
    sim.world.exit(vmid);
    await expect(Promise.all(joins)).resolves.toEqual([undefined, undefined]);
  });
});

describe('issue 13 regressions, native backend only', () => {
  it('an abort racing the simulator’s answer never loses the reaped exit (sim flavor)', async () => {
    for (let round = 0; round < 40; round++) {
      const world = nativeWorld();
      const [vmid] = await clones(world, 1);
      if (vmid === undefined) throw new Error('no clone');
      const controller = new AbortController();
      const aborted = world.gc.waitAny(controller.signal).catch((error: unknown) => error);
      await world.caughtUp();
      // Both in one turn: the simulator answers the wait and the abort withdraws it.
      if (round % 2 === 0) {
        world.sim.world.exit(vmid, round);
        controller.abort();
      } else {
        controller.abort();
        world.sim.world.exit(vmid, round);
      }
      expect(isAbortError(await aborted)).toBe(true);
      await world.caughtUp();
      // The exit is still there for the next wait, whichever of the two won.
      expect(await world.gc.waitDomain(vmid)).toEqual({ vmid, reason: GC_EXIT_REASON.EXITED, code: round });
      cleanups.pop()?.();
    }
  });

  it('close() settles every call in flight with ERR_BACKEND_CLOSED; a clone the controller made stays a clone', async () => {
    const sim = createGridcentricSimulator({ capacity: 4, bootDelay: 0 });
    const guest = sim.library();
    // The controller makes the clone but its answer never comes back: the call is in flight.
    let reached!: () => void;
    const cloneReached = new Promise<void>((resolve) => (reached = resolve));
    const gc = createSimulatedNativeBackend(
      asSimulator({
        ...guest,
        gc_clone: (ticket: number) => {
          guest.gc_clone(ticket, () => {
            reached();
          });
        },
        gc_list_tickets: () => undefined,
      }),
    );
    cleanups.push(() => {
      gc.close();
      sim.close();
    });
    const ticket = await gc.requestTickets(2);
    const calls = [gc.clone(ticket), gc.listTickets(), gc.waitAny(), gc.waitDomain(5), gc.syncTicket(ticket)];
    await cloneReached;
    gc.close();
    const outcomes = await Promise.allSettled(calls);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      if (outcome.status === 'rejected') expect(isGridcentricError(outcome.reason, 'ERR_BACKEND_CLOSED')).toBe(true);
    }
    // What the guide documents: the VM exists, a clone of this VM that another backend sees.
    const [clone] = await sim.backend().listCloneDomains();
    expect(clone?.ticket).toBe(ticket);
  });

  it('a GcGuestApi whose cancel function calls back into the backend does not deadlock', async () => {
    const sim = createGridcentricSimulator({ capacity: 4, bootDelay: 0 });
    const guest = sim.library();
    const reentered: unknown[] = [];
    const backendRef: { gc?: NativeGridcentricBackend } = {};
    const api = {
      ...guest,
      gc_wait_any: (done: Parameters<typeof guest.gc_wait_any>[0]) => {
        const cancel = guest.gc_wait_any(done);
        return () => {
          cancel();
          // User code in a cancel function: it calls the backend, which must not be locked.
          reentered.push(backendRef.gc?.stats().pendingWaits);
          void backendRef.gc?.waitAny().catch(() => undefined);
        };
      },
    };
    const gc = createSimulatedNativeBackend(asSimulator(api));
    backendRef.gc = gc;
    cleanups.push(() => {
      gc.close();
      sim.close();
    });
    const ticket = await gc.requestTickets(1);
    await gc.clone(ticket);
    sim.clock.runUntilIdle();
    const controller = new AbortController();
    const wait = gc.waitAny(controller.signal).catch((error: unknown) => error);
    // Registered with the simulator, so that withdrawing it runs the cancel function.
    const registered = Date.now() + 5000;
    while (sim.pendingWaits() === 0 && Date.now() < registered) await turns(1);
    controller.abort();
    expect(isAbortError(await wait)).toBe(true);
    // The cancel function runs later, on the JS thread, with no lock held.
    const deadline = Date.now() + 5000;
    while (reentered.length === 0 && Date.now() < deadline) await turns(1);
    expect(reentered).toHaveLength(1);
    // And the backend is not locked: a later wait is answered as usual.
    await expect(gc.waitDomain(9999)).rejects.toMatchObject({ code: 'ECHILD' });
  });

  it('a controller call that never answers times out with ETIMEDOUT and frees its thread', async () => {
    const sim = createGridcentricSimulator({ capacity: 4, bootDelay: 0 });
    const guest = sim.library();
    // Long enough for the calls that do answer, on a loaded machine.
    const gc = createSimulatedNativeBackend(asSimulator({ ...guest, gc_clone: () => undefined }), {
      callTimeout: 1000,
    });
    cleanups.push(() => {
      gc.close();
      sim.close();
    });
    const ticket = await gc.requestTickets(1);
    const error: unknown = await gc.clone(ticket).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', syscall: 'gc_clone', ticket });
    // The next call gets through: nothing is left stuck behind the withdrawn one.
    expect(await gc.listTickets()).toHaveLength(1);
  });
});
