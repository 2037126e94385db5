import {
  GC_DOMAIN_STATUS,
  GC_EXIT_REASON,
  isAbortError,
  isGridcentricError,
  type GcFunctionName,
  type GcGuestApi,
  type GridcentricBackend,
} from '@sysbind/gridcentric-interface';
import { deriveCloneIp, type GcErrnoName } from './policy.ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGridcentricSimulator,
  type GridcentricSimulator,
  type GridcentricSimulatorOptions,
} from './simulator.ts';

/** Which VM of which simulator a backend under test must be bound to. */
export interface GridcentricBackendTarget {
  /** The simulator the suite drives (world controls, clock, inspection). */
  readonly simulator: GridcentricSimulator;
  /** The VM the backend acts as (its calls are that VM's calls). */
  readonly vmid: number;
}

/**
 * Builds the backend under test for one VM of a simulator, from that VM's C-level API. The
 * simulator's own backend is `(guest) => createGuestApiBackend(guest)`; the native addon over the
 * simulator routes its C calls to `guest`.
 */
export type GridcentricBackendFactory = (
  guest: GcGuestApi,
  target: GridcentricBackendTarget,
) => GridcentricBackend | Promise<GridcentricBackend>;

/** Options of {@link describeGridcentricBackend}. */
export interface GridcentricConformanceOptions {
  /** Creates each test's world (default: `createGridcentricSimulator`). */
  readonly createSimulator?: (options: GridcentricSimulatorOptions) => GridcentricSimulator;
  /** How long to wait for an asynchronous effect to show in the simulator, in ms (default 2000). */
  readonly settleTimeout?: number;
}

const BOOT_DELAY = 10;

/**
 * Registers the Gridcentric backend conformance suite with vitest: every rule of the
 * {@link GridcentricBackend} contract, each test named after its rule.
 *
 * The seam: the suite owns the world. Each test creates a fresh simulator, then asks
 * `makeBackend` for a backend bound to one of its VMs (the master, or a clone for clone-side and
 * nested rules), and drives it only through the backend interface; everything else (a clone
 * exiting, the clock, detaching, faults, inspection) goes through the simulator's world controls.
 * A backend is thus tested on a world it does not control, and the same suite runs unchanged on
 * the simulator's own backend and on the native addon over the simulator.
 */
export function describeGridcentricBackend(
  name: string,
  makeBackend: GridcentricBackendFactory,
  options: GridcentricConformanceOptions = {},
): void {
  const createSimulator = options.createSimulator ?? createGridcentricSimulator;
  const settleTimeout = options.settleTimeout ?? 2000;
  const simulators: GridcentricSimulator[] = [];

  interface World {
    readonly sim: GridcentricSimulator;
    readonly gc: GridcentricBackend;
    readonly backendOf: (vmid: number) => Promise<GridcentricBackend>;
    /** Clones under `ticket` and lets the clone boot to ONLINE. */
    readonly cloneOnline: (ticket: number, via?: GridcentricBackend) => Promise<number>;
  }

  const world = async (simOptions: GridcentricSimulatorOptions = {}): Promise<World> => {
    const sim = createSimulator({ capacity: 4, bootDelay: BOOT_DELAY, ...simOptions });
    simulators.push(sim);
    const backendOf = async (vmid: number): Promise<GridcentricBackend> =>
      makeBackend(sim.library(vmid), { simulator: sim, vmid });
    const gc = await backendOf(sim.masterVmid);
    return {
      sim,
      gc,
      backendOf,
      cloneOnline: async (ticket, via = gc) => {
        const vmid = await via.clone(ticket);
        sim.clock.advance(BOOT_DELAY);
        return vmid;
      },
    };
  };

  const eventually = async (what: string, condition: () => boolean): Promise<void> => {
    const deadline = Date.now() + settleTimeout;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };

  /** Tracks whether a promise has settled, without letting a rejection go unhandled. */
  const track = <T>(promise: Promise<T>): { readonly settled: () => boolean; readonly promise: Promise<T> } => {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    return { settled: () => settled, promise };
  };

  const expectGcError = async (
    promise: Promise<unknown>,
    code: GcErrnoName | 'EINTR',
    syscall: GcFunctionName,
  ): Promise<void> => {
    const error: unknown = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(
      isGridcentricError(error, code),
      `expected GridcentricError ${code} from ${syscall}, got ${String(error)}`,
    ).toBe(true);
    expect(error).toMatchObject({ code, syscall });
  };

  afterEach(() => {
    for (const sim of simulators.splice(0)) sim.close();
  });

  describe(`Gridcentric backend conformance: ${name}`, () => {
    describe('quick calls (synchronous)', () => {
      it('gc_version returns a non-empty string synchronously', async () => {
        const { gc } = await world({ version: '9.8.7' });
        expect(gc.version()).toBe('9.8.7');
      });

      it('gc_check returns while attached and throws ENODEV or EIO (syscall gc_check) when detached', async () => {
        const { sim, gc } = await world();
        expect(() => {
          gc.check();
        }).not.toThrow();
        sim.world.detach('ENODEV');
        expect(() => {
          gc.check();
        }).toThrow(expect.objectContaining({ code: 'ENODEV', syscall: 'gc_check' }) as Error);
        sim.world.detach('EIO');
        expect(() => {
          gc.check();
        }).toThrow(expect.objectContaining({ code: 'EIO', syscall: 'gc_check' }) as Error);
        sim.world.attach();
        expect(() => {
          gc.check();
        }).not.toThrow();
      });

      it('gc_my_ip is the address derived from the vmid, and a clone sees its own', async () => {
        const { sim, gc, backendOf } = await world();
        expect(gc.myIp()).toBe(deriveCloneIp(sim.masterVmid));
        const ticket = await gc.requestTickets(1);
        const vmid = await gc.clone(ticket);
        const child = await backendOf(vmid);
        expect(child.myIp()).toBe(deriveCloneIp(vmid));
        expect(child.myIp()).not.toBe(gc.myIp());
      });
    });

    describe('tickets', () => {
      it('gc_request_tickets grants m <= n: min(n, free slots)', async () => {
        const { sim, gc } = await world({ capacity: 5 });
        const first = await gc.requestTickets(3);
        const second = await gc.requestTickets(3);
        expect(first).toBeGreaterThanOrEqual(1);
        expect(second).not.toBe(first);
        const tickets = await gc.listTickets();
        expect(tickets.map((ticket) => [ticket.ticket, ticket.requested, ticket.granted])).toEqual([
          [first, 3, 3],
          [second, 3, 2],
        ]);
        expect(sim.inspect().freeSlots).toBe(0);
      });

      it('gc_request_tickets fails with EAGAIN when no slot is free, and EINVAL for a count <= 0', async () => {
        const { gc } = await world({ capacity: 1 });
        await gc.requestTickets(1);
        await expectGcError(gc.requestTickets(1), 'EAGAIN', 'gc_request_tickets');
        await expectGcError(gc.requestTickets(0), 'EINVAL', 'gc_request_tickets');
        await expectGcError(gc.requestTickets(-2), 'EINVAL', 'gc_request_tickets');
      });

      it('gc_list_tickets reports requested, granted, used, domains and independent', async () => {
        const { gc } = await world();
        const ticket = await gc.requestTickets(3);
        await gc.clone(ticket);
        await gc.makeTicketIndependent(ticket);
        expect(await gc.listTickets()).toEqual([
          { ticket, requested: 3, granted: 3, used: 1, domains: 1, independent: true },
        ]);
      });

      it('gc_cancel_ticket returns the unused capacity, hides the ticket and refuses further clones with EPERM', async () => {
        const { sim, gc } = await world({ capacity: 4 });
        const ticket = await gc.requestTickets(4);
        await gc.clone(ticket);
        expect(sim.inspect().freeSlots).toBe(0);
        await gc.cancelTicket(ticket);
        expect(sim.inspect().freeSlots).toBe(3);
        expect(await gc.listTickets()).toEqual([]);
        await expectGcError(gc.clone(ticket), 'EPERM', 'gc_clone');
        await expectGcError(gc.cancelTicket(ticket), 'EPERM', 'gc_cancel_ticket');
      });

      it('gc_cancel_ticket keeps existing clones running, listed and waitable', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(2);
        const vmid = await cloneOnline(ticket);
        await gc.cancelTicket(ticket);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.ONLINE);
        expect((await gc.listCloneDomains()).map((domain) => domain.vmid)).toEqual([vmid]);
        const exit = gc.waitAny();
        sim.world.exit(vmid, 3);
        expect(await exit).toEqual({ vmid, reason: GC_EXIT_REASON.EXITED, code: 3 });
      });

      it('a ticket held by another VM is unknown to the caller (ENOENT)', async () => {
        const { gc, backendOf } = await world();
        const ticket = await gc.requestTickets(1);
        const vmid = await gc.clone(ticket);
        const child = await backendOf(vmid);
        await expectGcError(child.clone(ticket), 'ENOENT', 'gc_clone');
        await expectGcError(child.cancelTicket(ticket), 'ENOENT', 'gc_cancel_ticket');
        await expectGcError(gc.cancelTicket(999), 'ENOENT', 'gc_cancel_ticket');
        await expectGcError(gc.makeTicketIndependent(999), 'ENOENT', 'gc_make_ticket_independent');
      });
    });

    describe('clone (fork-like)', () => {
      it('gc_clone returns the new vmid (> 0) in the parent and consumes one unit of capacity', async () => {
        const { gc } = await world();
        const ticket = await gc.requestTickets(2);
        const vmid = await gc.clone(ticket);
        expect(vmid).toBeGreaterThan(0);
        expect((await gc.listTickets())[0]).toMatchObject({ used: 1, granted: 2 });
      });

      it('gc_clone returns 0 in the clone: clone-side code runs in the clone, with its own address', async () => {
        const { sim, gc } = await world();
        const seen: { returned: number; ip: string; parent: number }[] = [];
        sim.onClone(async (side) => {
          const inClone = await makeBackend(side.library, { simulator: sim, vmid: side.vmid });
          seen.push({ returned: side.returned, ip: inClone.myIp(), parent: side.parentVmid });
          return 5;
        });
        const ticket = await gc.requestTickets(1);
        const vmid = await gc.clone(ticket);
        const exit = gc.waitDomain(vmid);
        sim.clock.advance(BOOT_DELAY);
        expect(await exit).toEqual({ vmid, reason: GC_EXIT_REASON.EXITED, code: 5 });
        expect(seen).toEqual([{ returned: 0, ip: deriveCloneIp(vmid), parent: sim.masterVmid }]);
      });

      it('clone-side code that throws crashes the clone', async () => {
        const { sim, gc } = await world();
        sim.onClone(() => {
          throw new Error('segfault in the clone');
        });
        const ticket = await gc.requestTickets(1);
        const vmid = await gc.clone(ticket);
        sim.clock.advance(BOOT_DELAY);
        expect(await gc.waitDomain(vmid)).toEqual({ vmid, reason: GC_EXIT_REASON.CRASHED, code: 0 });
      });

      it('gc_clone fails with ENOSPC on an exhausted ticket and ENOENT on an unknown one', async () => {
        const { gc } = await world();
        const ticket = await gc.requestTickets(1);
        await gc.clone(ticket);
        await expectGcError(gc.clone(ticket), 'ENOSPC', 'gc_clone');
        await expectGcError(gc.clone(ticket + 100), 'ENOENT', 'gc_clone');
      });

      it('vmids are global and increasing; addresses are derived from them', async () => {
        const { sim, gc } = await world();
        const ticket = await gc.requestTickets(3);
        const vmids = [await gc.clone(ticket), await gc.clone(ticket), await gc.clone(ticket)];
        expect(vmids).toEqual([sim.masterVmid + 1, sim.masterVmid + 2, sim.masterVmid + 3]);
        expect((await gc.listCloneDomains()).map((domain) => domain.ip)).toEqual(
          vmids.map((vmid) => deriveCloneIp(vmid)),
        );
      });
    });

    describe('domain lifecycle', () => {
      it('a clone is CREATING, then ONLINE after the boot delay', async () => {
        const { sim, gc } = await world();
        const ticket = await gc.requestTickets(1);
        const vmid = await gc.clone(ticket);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.CREATING);
        sim.clock.advance(BOOT_DELAY - 1);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.CREATING);
        sim.clock.advance(1);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.ONLINE);
      });

      it('pause and resume show PAUSED, then ONLINE', async () => {
        const { sim, gc, cloneOnline } = await world();
        const vmid = await cloneOnline(await gc.requestTickets(1));
        sim.world.pause(vmid);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.PAUSED);
        sim.world.resume(vmid);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.ONLINE);
      });

      it('exit, crash and kill end in EXITED, CRASHED and KILLED, with the matching exit reasons', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(3);
        const [a, b, c] = [await cloneOnline(ticket), await cloneOnline(ticket), await cloneOnline(ticket)];
        sim.world.exit(a, 1);
        sim.world.crash(b, 2);
        await gc.killCloneDomain(c);
        const statuses = (await gc.listCloneDomains()).map((domain) => [domain.vmid, domain.status]);
        expect(statuses).toEqual([
          [a, GC_DOMAIN_STATUS.EXITED],
          [b, GC_DOMAIN_STATUS.CRASHED],
          [c, GC_DOMAIN_STATUS.KILLED],
        ]);
        expect(await gc.waitDomain(a)).toEqual({ vmid: a, reason: GC_EXIT_REASON.EXITED, code: 1 });
        expect(await gc.waitDomain(b)).toEqual({ vmid: b, reason: GC_EXIT_REASON.CRASHED, code: 2 });
        expect(await gc.waitDomain(c)).toEqual({ vmid: c, reason: GC_EXIT_REASON.KILLED, code: 0 });
      });

      it('gc_get_domain_status fails with ENOENT for an unknown or reaped vmid', async () => {
        const { sim, gc, cloneOnline } = await world();
        await expectGcError(gc.getDomainStatus(4242), 'ENOENT', 'gc_get_domain_status');
        const vmid = await cloneOnline(await gc.requestTickets(1));
        sim.world.exit(vmid);
        await gc.waitDomain(vmid);
        await expectGcError(gc.getDomainStatus(vmid), 'ENOENT', 'gc_get_domain_status');
      });

      it('gc_list_clone_domains lists every unreaped clone; gc_list_ticket_domains those of one ticket', async () => {
        const { gc } = await world();
        const t1 = await gc.requestTickets(2);
        const t2 = await gc.requestTickets(1);
        const a = await gc.clone(t1);
        const b = await gc.clone(t2);
        const c = await gc.clone(t1);
        const all = await gc.listCloneDomains();
        expect(all).toEqual([
          { vmid: a, ticket: t1, status: GC_DOMAIN_STATUS.CREATING, ip: deriveCloneIp(a) },
          { vmid: b, ticket: t2, status: GC_DOMAIN_STATUS.CREATING, ip: deriveCloneIp(b) },
          { vmid: c, ticket: t1, status: GC_DOMAIN_STATUS.CREATING, ip: deriveCloneIp(c) },
        ]);
        expect((await gc.listTicketDomains(t1)).map((domain) => domain.vmid)).toEqual([a, c]);
        expect((await gc.listTicketDomains(t2)).map((domain) => domain.vmid)).toEqual([b]);
      });

      it('gc_list_ticket_domains fails with ENOENT for an unknown ticket', async () => {
        const { gc } = await world();
        await expectGcError(gc.listTicketDomains(77), 'ENOENT', 'gc_list_ticket_domains');
      });

      it('a terminated clone returns its slot to the pool', async () => {
        const { sim, gc, cloneOnline } = await world({ capacity: 2 });
        const ticket = await gc.requestTickets(2);
        const vmid = await cloneOnline(ticket);
        await cloneOnline(ticket);
        expect(sim.inspect().freeSlots).toBe(0);
        sim.world.exit(vmid);
        expect(sim.inspect().freeSlots).toBe(1);
        expect(await gc.requestTickets(5)).toBeGreaterThan(ticket);
        expect((await gc.listTickets()).at(-1)?.granted).toBe(1);
      });
    });

    describe('waits', () => {
      it('gc_wait_domain resolves with the exit record once the clone terminates, and reaps it', async () => {
        const { sim, gc, cloneOnline } = await world();
        const vmid = await cloneOnline(await gc.requestTickets(1));
        const exit = track(gc.waitDomain(vmid));
        await eventually('the wait is registered', () => sim.pendingWaits() === 1);
        expect(exit.settled()).toBe(false);
        sim.world.exit(vmid, 42);
        expect(await exit.promise).toEqual({ vmid, reason: GC_EXIT_REASON.EXITED, code: 42 });
        expect(await gc.listCloneDomains()).toEqual([]);
      });

      it('gc_wait_domain fails with ECHILD for a vmid that is no waitable clone of the caller', async () => {
        const { gc } = await world();
        await expectGcError(gc.waitDomain(4242), 'ECHILD', 'gc_wait_domain');
        await expectGcError(gc.waitDomain(1), 'ECHILD', 'gc_wait_domain');
      });

      it('gc_wait_any resolves in termination order', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(3);
        const [a, b, c] = [await cloneOnline(ticket), await cloneOnline(ticket), await cloneOnline(ticket)];
        const first = gc.waitAny();
        const second = gc.waitAny();
        await eventually('both waits are registered', () => sim.pendingWaits() === 2);
        sim.world.exit(c);
        sim.world.crash(a);
        sim.world.exit(b);
        expect((await first).vmid).toBe(c);
        expect((await second).vmid).toBe(a);
        expect((await gc.waitAny()).vmid).toBe(b);
      });

      it('gc_wait_any takes an already-terminated clone at once, oldest termination first', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(2);
        const [a, b] = [await cloneOnline(ticket), await cloneOnline(ticket)];
        sim.world.exit(b, 2);
        sim.world.exit(a, 1);
        expect(await gc.waitAny()).toEqual({ vmid: b, reason: GC_EXIT_REASON.EXITED, code: 2 });
        expect(await gc.waitAny()).toEqual({ vmid: a, reason: GC_EXIT_REASON.EXITED, code: 1 });
      });

      it('gc_wait_any fails with ECHILD when the caller has no waitable clone', async () => {
        const { gc } = await world();
        await expectGcError(gc.waitAny(), 'ECHILD', 'gc_wait_any');
      });

      it('a wait for one vmid takes that clone before a wait for any clone', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(2);
        const [a, b] = [await cloneOnline(ticket), await cloneOnline(ticket)];
        const any = gc.waitAny();
        await eventually('the first wait is registered', () => sim.pendingWaits() === 1);
        const specific = gc.waitDomain(a);
        await eventually('the second wait is registered', () => sim.pendingWaits() === 2);
        sim.world.exit(a);
        expect((await specific).vmid).toBe(a);
        sim.world.exit(b);
        expect((await any).vmid).toBe(b);
      });

      it('every terminated clone is reaped by exactly one wait', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(2);
        const [a, b] = [await cloneOnline(ticket), await cloneOnline(ticket)];
        const waits = [track(gc.waitAny()), track(gc.waitAny()), track(gc.waitAny())];
        await eventually('three waits are registered', () => sim.pendingWaits() === 3);
        sim.world.exit(a);
        sim.world.exit(b);
        const outcomes = await Promise.allSettled(waits.map((wait) => wait.promise));
        const reaped = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.vmid] : []));
        expect(reaped.sort()).toEqual([a, b].sort());
        const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(failed).toHaveLength(1);
        expect(isGridcentricError(failed[0]?.status === 'rejected' ? failed[0].reason : undefined, 'ECHILD')).toBe(
          true,
        );
      });

      it('gc_sync_ticket joins: it resolves once every clone of the ticket terminated, then the ticket is discarded', async () => {
        const { sim, gc, cloneOnline } = await world({ capacity: 4 });
        const ticket = await gc.requestTickets(3);
        const [a, b] = [await cloneOnline(ticket), await cloneOnline(ticket)];
        const join = track(gc.syncTicket(ticket));
        await eventually('the join is registered', () => sim.pendingWaits() === 1);
        sim.world.exit(a);
        await eventually('the first exit is processed', () => sim.statusOf(a) === 'EXITED');
        expect(join.settled()).toBe(false);
        sim.world.crash(b);
        await join.promise;
        expect(await gc.listTickets()).toEqual([]);
        expect(await gc.listCloneDomains()).toEqual([]);
        expect(sim.inspect().freeSlots).toBe(4);
        await expectGcError(gc.clone(ticket), 'ENOENT', 'gc_clone');
        await expectGcError(gc.syncTicket(ticket), 'ENOENT', 'gc_sync_ticket');
      });

      it('gc_sync_ticket on a ticket whose clones all terminated resolves at once', async () => {
        const { gc } = await world();
        const ticket = await gc.requestTickets(1);
        await gc.syncTicket(ticket);
        expect(await gc.listTickets()).toEqual([]);
      });
    });

    describe('AbortSignal', () => {
      it('an already-aborted signal rejects with AbortError before reaching the library', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(1);
        const vmid = await cloneOnline(ticket);
        const reason = new Error('stop');
        const signal = AbortSignal.abort(reason);
        for (const wait of [gc.waitAny(signal), gc.waitDomain(vmid, signal), gc.syncTicket(ticket, signal)]) {
          const error: unknown = await wait.then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(isAbortError(error)).toBe(true);
          expect((error as Error).cause).toBe(reason);
        }
        expect(sim.pendingWaits()).toBe(0);
        sim.world.exit(vmid);
        expect((await gc.waitAny()).vmid).toBe(vmid);
      });

      for (const kind of ['gc_wait_any', 'gc_wait_domain'] as const) {
        it(`aborting ${kind} settles at once and leaves nothing behind: the exit stays reapable`, async () => {
          const { sim, gc, cloneOnline } = await world();
          const vmid = await cloneOnline(await gc.requestTickets(1));
          const controller = new AbortController();
          const wait = kind === 'gc_wait_any' ? gc.waitAny(controller.signal) : gc.waitDomain(vmid, controller.signal);
          const tracked = track(wait);
          await eventually('the wait is registered', () => sim.pendingWaits() === 1);
          controller.abort();
          await expect(tracked.promise).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
          await eventually('the wait is withdrawn', () => sim.pendingWaits() === 0);
          sim.world.exit(vmid, 9);
          expect(await gc.waitDomain(vmid)).toEqual({ vmid, reason: GC_EXIT_REASON.EXITED, code: 9 });
        });
      }

      it('aborting gc_sync_ticket leaves the ticket held and its clones unreaped', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(2);
        const vmid = await cloneOnline(ticket);
        const controller = new AbortController();
        const join = track(gc.syncTicket(ticket, controller.signal));
        await eventually('the join is registered', () => sim.pendingWaits() === 1);
        controller.abort();
        await expect(join.promise).rejects.toMatchObject({ name: 'AbortError' });
        await eventually('the join is withdrawn', () => sim.pendingWaits() === 0);
        sim.world.exit(vmid);
        expect((await gc.listTickets()).map((info) => info.ticket)).toEqual([ticket]);
        expect((await gc.listCloneDomains()).map((domain) => domain.vmid)).toEqual([vmid]);
      });
    });

    describe('independent tickets', () => {
      it('clones of an independent ticket are not waitable: wait_any, wait_domain and sync_ticket fail with ECHILD', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(1);
        const vmid = await cloneOnline(ticket);
        await gc.makeTicketIndependent(ticket);
        sim.world.exit(vmid);
        await expectGcError(gc.waitAny(), 'ECHILD', 'gc_wait_any');
        await expectGcError(gc.waitDomain(vmid), 'ECHILD', 'gc_wait_domain');
        await expectGcError(gc.syncTicket(ticket), 'ECHILD', 'gc_sync_ticket');
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.EXITED);
      });

      it('a pending wait fails with ECHILD when its clone becomes independent', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(1);
        await cloneOnline(ticket);
        const wait = gc.waitAny();
        await eventually('the wait is registered', () => sim.pendingWaits() === 1);
        await gc.makeTicketIndependent(ticket);
        await expectGcError(wait, 'ECHILD', 'gc_wait_any');
      });

      it('gc_killall_clone_domains spares independent clones; gc_killall_ticket_domains kills them', async () => {
        const { gc, cloneOnline } = await world();
        const dependent = await gc.requestTickets(1);
        const independent = await gc.requestTickets(2);
        const d = await cloneOnline(dependent);
        const [i1, i2] = [await cloneOnline(independent), await cloneOnline(independent)];
        await gc.makeTicketIndependent(independent);
        expect(await gc.killallCloneDomains()).toBe(1);
        expect(await gc.getDomainStatus(d)).toBe(GC_DOMAIN_STATUS.KILLED);
        expect(await gc.getDomainStatus(i1)).toBe(GC_DOMAIN_STATUS.ONLINE);
        expect(await gc.killallTicketDomains(independent)).toBe(2);
        expect(await gc.getDomainStatus(i2)).toBe(GC_DOMAIN_STATUS.KILLED);
      });

      it('independent clones survive the death of their parent; dependent ones die with it', async () => {
        const { sim, gc, backendOf, cloneOnline } = await world({ capacity: 6 });
        const parent = await cloneOnline(await gc.requestTickets(1));
        const child = await backendOf(parent);
        const dependentTicket = await child.requestTickets(1);
        const independentTicket = await child.requestTickets(1);
        const dependent = await cloneOnline(dependentTicket, child);
        const independent = await cloneOnline(independentTicket, child);
        await child.makeTicketIndependent(independentTicket);
        sim.world.crash(parent);
        expect(sim.statusOf(dependent)).toBe('KILLED');
        expect(sim.statusOf(independent)).toBe('ONLINE');
        expect(sim.inspect().freeSlots).toBe(5);
        await expectGcError(child.listTickets(), 'ENODEV', 'gc_list_tickets');
      });
    });

    describe('kills', () => {
      it('a killed clone reports KILLED everywhere: status, lists and exit record', async () => {
        const { gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(1);
        const vmid = await cloneOnline(ticket);
        await gc.killCloneDomain(vmid);
        expect(await gc.getDomainStatus(vmid)).toBe(GC_DOMAIN_STATUS.KILLED);
        expect((await gc.listCloneDomains())[0]?.status).toBe(GC_DOMAIN_STATUS.KILLED);
        expect((await gc.listTicketDomains(ticket))[0]?.status).toBe(GC_DOMAIN_STATUS.KILLED);
        expect(await gc.waitAny()).toEqual({ vmid, reason: GC_EXIT_REASON.KILLED, code: 0 });
      });

      it('gc_kill_clone_domain fails with ENOENT (unknown), EPERM (not the caller’s clone), ESRCH (already terminated)', async () => {
        const { sim, gc, cloneOnline } = await world();
        await expectGcError(gc.killCloneDomain(4242), 'ENOENT', 'gc_kill_clone_domain');
        await expectGcError(gc.killCloneDomain(sim.masterVmid), 'EPERM', 'gc_kill_clone_domain');
        const vmid = await cloneOnline(await gc.requestTickets(1));
        sim.world.exit(vmid);
        await expectGcError(gc.killCloneDomain(vmid), 'ESRCH', 'gc_kill_clone_domain');
      });

      it('gc_killall_clone_domains kills every live dependent clone and returns the count', async () => {
        const { sim, gc, cloneOnline } = await world();
        const ticket = await gc.requestTickets(3);
        const [a, b, c] = [await cloneOnline(ticket), await cloneOnline(ticket), await cloneOnline(ticket)];
        sim.world.exit(b);
        expect(await gc.killallCloneDomains()).toBe(2);
        expect([a, b, c].map((vmid) => sim.statusOf(vmid))).toEqual(['KILLED', 'EXITED', 'KILLED']);
        expect(await gc.killallCloneDomains()).toBe(0);
      });

      it('gc_killall_ticket_domains kills the live clones of one ticket and returns the count; ENOENT for an unknown ticket', async () => {
        const { sim, gc, cloneOnline } = await world();
        const t1 = await gc.requestTickets(2);
        const t2 = await gc.requestTickets(1);
        const [a, b, c] = [await cloneOnline(t1), await cloneOnline(t1), await cloneOnline(t2)];
        expect(await gc.killallTicketDomains(t1)).toBe(2);
        expect([a, b, c].map((vmid) => sim.statusOf(vmid))).toEqual(['KILLED', 'KILLED', 'ONLINE']);
        await expectGcError(gc.killallTicketDomains(99), 'ENOENT', 'gc_killall_ticket_domains');
      });
    });

    describe('nested clones', () => {
      it('a clone holds its own tickets and clones; vmids are global; each VM sees only its own clones', async () => {
        const { sim, gc, backendOf, cloneOnline } = await world({ capacity: 4 });
        const parent = await cloneOnline(await gc.requestTickets(1));
        const child = await backendOf(parent);
        const childTicket = await child.requestTickets(2);
        const grandchild = await cloneOnline(childTicket, child);
        expect(grandchild).toBe(parent + 1);
        expect((await child.listCloneDomains()).map((domain) => domain.vmid)).toEqual([grandchild]);
        expect((await gc.listCloneDomains()).map((domain) => domain.vmid)).toEqual([parent]);
        expect((await gc.listTickets()).map((info) => info.ticket)).not.toContain(childTicket);
        await expectGcError(gc.getDomainStatus(grandchild), 'ENOENT', 'gc_get_domain_status');
        await expectGcError(gc.killCloneDomain(grandchild), 'EPERM', 'gc_kill_clone_domain');
        sim.world.exit(grandchild, 4);
        expect(await child.waitAny()).toEqual({ vmid: grandchild, reason: GC_EXIT_REASON.EXITED, code: 4 });
      });

      it('a dying clone takes its dependent clones with it and returns its tickets’ capacity', async () => {
        const { sim, gc, backendOf, cloneOnline } = await world({ capacity: 5 });
        const parent = await cloneOnline(await gc.requestTickets(1));
        const child = await backendOf(parent);
        const grandchild = await cloneOnline(await child.requestTickets(3), child);
        expect(sim.inspect().freeSlots).toBe(1);
        await gc.killCloneDomain(parent);
        expect(sim.statusOf(grandchild)).toBe('KILLED');
        expect(sim.inspect().freeSlots).toBe(5);
        expect(await gc.waitAny()).toEqual({ vmid: parent, reason: GC_EXIT_REASON.KILLED, code: 0 });
      });
    });

    describe('world controls', () => {
      it('an injected fault fails the next call only, with its errno and no effect', async () => {
        const { sim, gc } = await world();
        sim.injectFault({ operation: 'gc_request_tickets', errno: 'EIO' });
        await expectGcError(gc.requestTickets(1), 'EIO', 'gc_request_tickets');
        expect(sim.inspect().heldSlots).toBe(0);
        expect(await gc.requestTickets(1)).toBeGreaterThan(0);
      });

      it('an injected fault can fail every call, on a quick call too, until disarmed', async () => {
        const { sim, gc } = await world();
        const disarm = sim.injectFault({ operation: 'gc_my_ip', errno: 'EIO', times: 'always' });
        for (let attempt = 0; attempt < 3; attempt++) {
          expect(() => gc.myIp()).toThrow(expect.objectContaining({ code: 'EIO', syscall: 'gc_my_ip' }) as Error);
        }
        disarm();
        expect(gc.myIp()).toBe(deriveCloneIp(sim.masterVmid));
      });

      it('an injected fault can target one VM, and fails a blocking wait at once', async () => {
        const { sim, gc, backendOf } = await world();
        const vmid = await gc.clone(await gc.requestTickets(1));
        const child = await backendOf(vmid);
        sim.injectFault({ operation: 'gc_list_tickets', errno: 'EIO', times: 'always', vmid });
        sim.injectFault({ operation: 'gc_wait_any', errno: 'EINTR', vmid });
        await expectGcError(child.listTickets(), 'EIO', 'gc_list_tickets');
        expect(await gc.listTickets()).toHaveLength(1);
        // Without the fault the child's wait_any would fail with ECHILD (it has no clones).
        await expectGcError(child.waitAny(), 'EINTR', 'gc_wait_any');
        await expectGcError(child.waitAny(), 'ECHILD', 'gc_wait_any');
      });

      it('a capacity change bounds later requests; slots already held stay held', async () => {
        const { sim, gc } = await world({ capacity: 4 });
        await gc.requestTickets(3);
        sim.world.setCapacity(2);
        expect(sim.inspect().freeSlots).toBe(0);
        await expectGcError(gc.requestTickets(1), 'EAGAIN', 'gc_request_tickets');
        sim.world.setCapacity(6);
        await gc.requestTickets(10);
        expect((await gc.listTickets()).map((info) => info.granted)).toEqual([3, 3]);
      });

      it('detaching with EIO fails pending waits and every call with EIO; attaching restores them', async () => {
        const { sim, gc, cloneOnline } = await world();
        const vmid = await cloneOnline(await gc.requestTickets(1));
        const wait = gc.waitAny();
        await eventually('the wait is registered', () => sim.pendingWaits() === 1);
        sim.world.detach('EIO');
        await expectGcError(wait, 'EIO', 'gc_wait_any');
        await expectGcError(gc.listCloneDomains(), 'EIO', 'gc_list_clone_domains');
        sim.world.attach();
        sim.world.exit(vmid);
        expect((await gc.waitAny()).vmid).toBe(vmid);
      });
    });

    describe('errors', () => {
      it('a failure is a GridcentricError with code, negative errno, syscall and the id concerned', async () => {
        const { gc } = await world();
        const error: unknown = await gc.clone(31337).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(isGridcentricError(error)).toBe(true);
        expect(error).toMatchObject({ name: 'GridcentricError', code: 'ENOENT', syscall: 'gc_clone', ticket: 31337 });
        expect((error as { errno: number }).errno).toBeLessThan(0);
      });
    });
  });
}
