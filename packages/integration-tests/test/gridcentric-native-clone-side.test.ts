import {
  isGridcentricError,
  type GcCompletion,
  type GcGuestApi,
  type SimulatorForNativeBackend,
} from '@sysbind/gridcentric-interface';
import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, describe, expect, it } from 'vitest';

// A VM clone copies the whole guest, every thread of the process included: in the clone, the
// addon's threads, queued calls, pending waits and unclaimed exits are copies of the parent's.
// What the addon does about it (docs/guides/gridcentric-native.md, "Clones"): a gc_clone starts
// only when no other call of the VM runs and none starts until it returns (a barrier); on the
// clone side (its copy of gc_clone returned 0) every wait made before the clone point fails with
// ECHILD and leaves the library, and what the binding kept about the parent VM is dropped. The
// simulator shows only the parent's side of gc_clone, so the clone side is shown here by a
// GcGuestApi whose gc_clone answers 0, as the clone's copy of the call does.
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A simulator-shaped holder of one VM's library, for a GcGuestApi a test wraps (always the same object). */
function asSimulator(api: GcGuestApi): SimulatorForNativeBackend {
  return { masterVmid: 1, library: () => api };
}

const turns = async (count = 4): Promise<void> => {
  for (let index = 0; index < count; index++) await new Promise((resolve) => setImmediate(resolve));
};

describe('native backend: what happens to the addon on the clone side of gc_clone', () => {
  it('every wait made before the clone point fails with ECHILD and leaves the library', async () => {
    const sim = createGridcentricSimulator({ capacity: 8, bootDelay: 0 });
    const guest = sim.library();
    const side = { clone: false };
    const gc = createSimulatedNativeBackend(
      asSimulator({
        ...guest,
        gc_clone: (ticket: number, done: GcCompletion) => {
          if (side.clone)
            setImmediate(() => {
              done(0, 0);
            });
          else guest.gc_clone(ticket, done);
        },
      }),
      { waitsInLibrary: 2 },
    );
    cleanups.push(() => {
      gc.close();
      sim.close();
    });
    const ticket = await gc.requestTickets(3);
    const first = await gc.clone(ticket);
    await gc.clone(ticket);
    sim.clock.runUntilIdle();
    // Two waits in the library, the others with the router.
    const waits = [gc.waitDomain(first), gc.waitAny(), gc.waitAny(), gc.syncTicket(ticket), gc.waitAny()].map((wait) =>
      wait.then(
        () => 'resolved',
        (error: unknown) => (isGridcentricError(error) ? `${error.code} ${error.syscall ?? ''}` : String(error)),
      ),
    );
    await gc.settleWaits();
    await turns();
    expect(sim.pendingWaits()).toBe(2);
    side.clone = true;
    expect(await gc.clone(ticket)).toBe(0);
    expect(await Promise.all(waits)).toEqual([
      'ECHILD gc_wait_domain',
      'ECHILD gc_wait_any',
      'ECHILD gc_wait_any',
      'ECHILD gc_sync_ticket',
      'ECHILD gc_wait_any',
    ]);
    // Their calls left the library: nothing of the parent's waits stays registered.
    const deadline = Date.now() + 5000;
    while (sim.pendingWaits() > 0 && Date.now() < deadline) await turns(1);
    expect(sim.pendingWaits()).toBe(0);
    expect(gc.stats().pendingWaits).toBe(0);
    // Calls made after the clone point are the clone's own, and go on as usual.
    expect(await gc.listTickets()).toHaveLength(1);
  });

  it('no other call of the VM runs across a gc_clone (the barrier)', async () => {
    const sim = createGridcentricSimulator({ capacity: 8, bootDelay: 0 });
    const guest = sim.library();
    const events: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const api = {
      ...guest,
      gc_list_tickets: (done: Parameters<typeof guest.gc_list_tickets>[0]) => {
        events.push('list starts');
        void released.then(() => {
          events.push('list ends');
          guest.gc_list_tickets(done);
        });
      },
      gc_clone: (ticket: number, done: GcCompletion) => {
        events.push('clone starts');
        guest.gc_clone(ticket, (ret, errno) => {
          events.push('clone ends');
          done(ret, errno);
        });
      },
    };
    // Two backends of one VM: their calls would otherwise run side by side.
    const lister = createSimulatedNativeBackend(asSimulator(api));
    const cloner = createSimulatedNativeBackend(asSimulator(api));
    cleanups.push(() => {
      lister.close();
      cloner.close();
      sim.close();
    });
    const ticket = await cloner.requestTickets(1);
    const listing = lister.listTickets();
    const deadline = Date.now() + 5000;
    while (events.length === 0 && Date.now() < deadline) await turns(1);
    const cloning = cloner.clone(ticket);
    // Long enough for the clone to have started, were it not held back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual(['list starts']);
    release();
    await Promise.all([listing, cloning]);
    expect(events).toEqual(['list starts', 'list ends', 'clone starts', 'clone ends']);
  });
});
