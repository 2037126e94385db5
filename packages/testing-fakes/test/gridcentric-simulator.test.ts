import { GC_DOMAIN_STATUS, GC_EXIT_REASON, type GcDomainExit, type GcTicketInfo } from '@sysbind/gridcentric-interface';
import { errnoNumber } from '../src/gridcentric/policy.ts';
import { describe, expect, it } from 'vitest';
import { createGridcentricSimulator } from '../src/index.ts';

type Answer<Out = undefined> = { ret: number; errno: number; out: Out | undefined } | undefined;

// Records a C-level completion so tests can look at it synchronously.
function recorder<Out = undefined>(): {
  done: (ret: number, errno: number, out?: Out) => void;
  answer: () => Answer<Out>;
  count: () => number;
} {
  let answer: Answer<Out>;
  let count = 0;
  return {
    done: (ret, errno, out) => {
      count += 1;
      answer = { ret, errno, out };
    },
    answer: () => answer,
    count: () => count,
  };
}

describe('virtual clock', () => {
  it('runs work due now in a microtask, and timed work only when advanced', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 10 });
    const request = recorder();
    sim.library().gc_request_tickets(1, request.done);
    expect(request.answer()).toBeUndefined();
    await Promise.resolve();
    expect(request.answer()).toEqual({ ret: 1, errno: 0, out: undefined });
    const clone = recorder();
    sim.library().gc_clone(1, clone.done);
    await Promise.resolve();
    expect(sim.statusOf(2)).toBe('CREATING');
    expect(sim.clock.now()).toBe(0);
    sim.clock.advance(9);
    expect(sim.statusOf(2)).toBe('CREATING');
    sim.clock.advance(1);
    expect(sim.statusOf(2)).toBe('ONLINE');
    expect(sim.clock.now()).toBe(10);
  });

  it('runUntilIdle moves time to the last timer; advance refuses negative time', () => {
    using sim = createGridcentricSimulator({ bootDelay: 25 });
    const guest = sim.library();
    guest.gc_request_tickets(2, () => {
      guest.gc_clone(1, () => undefined);
    });
    expect(sim.clock.runUntilIdle()).toBe(25);
    expect(sim.statusOf(2)).toBe('ONLINE');
    expect(sim.clock.pendingTimers).toBe(0);
    expect(() => {
      sim.clock.advance(-1);
    }).toThrow(RangeError);
  });

  it('controller latency delays every call except the quick ones', () => {
    using sim = createGridcentricSimulator({ controllerLatency: 4 });
    const check = recorder();
    sim.library().gc_check(check.done);
    expect(check.answer()).toEqual({ ret: 0, errno: 0, out: undefined });
    const request = recorder();
    sim.library().gc_request_tickets(1, request.done);
    sim.clock.advance(3);
    expect(request.answer()).toBeUndefined();
    sim.clock.advance(1);
    expect(request.answer()?.ret).toBe(1);
  });

  it('real-time mode runs on wall-clock timers and refuses advance()', async () => {
    using sim = createGridcentricSimulator({ clock: 'real', bootDelay: 5, realTimeScale: 1 });
    expect(sim.clock.mode).toBe('real');
    expect(() => {
      sim.clock.advance(1);
    }).toThrow(/virtual clock/);
    const backend = sim.backend();
    const vmid = await backend.clone(await backend.requestTickets(1));
    expect(sim.statusOf(vmid)).toBe('CREATING');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sim.statusOf(vmid)).toBe('ONLINE');
  });
});

describe('C-level API contract', () => {
  it('quick calls complete before returning; controller calls never do', () => {
    using sim = createGridcentricSimulator();
    const guest = sim.library();
    const version = recorder<string>();
    guest.gc_version(version.done);
    expect(version.answer()).toEqual({ ret: 0, errno: 0, out: '1.0.0-sim' });
    const ip = recorder<string>();
    guest.gc_my_ip(ip.done);
    expect(ip.answer()?.out).toBe('10.0.0.1');
    const list = recorder<readonly GcTicketInfo[]>();
    guest.gc_list_tickets(list.done);
    expect(list.count()).toBe(0);
    const wait = recorder<GcDomainExit>();
    guest.gc_wait_any(wait.done);
    expect(wait.count()).toBe(0);
    sim.clock.advance(0);
    expect(list.count()).toBe(1);
    expect(wait.answer()).toEqual({ ret: -1, errno: errnoNumber('ECHILD'), out: undefined });
  });

  it('a cancelled wait never completes, even when cancelled before the controller saw it', () => {
    using sim = createGridcentricSimulator({ controllerLatency: 5 });
    const guest = sim.library();
    const early = recorder<GcDomainExit>();
    const cancelEarly = guest.gc_wait_any(early.done);
    cancelEarly();
    cancelEarly();
    sim.clock.advance(10);
    expect(early.count()).toBe(0);
    expect(sim.pendingWaits()).toBe(0);
  });

  it('cancelling after completion does nothing', () => {
    using sim = createGridcentricSimulator();
    const wait = recorder<GcDomainExit>();
    const cancel = sim.library().gc_wait_any(wait.done);
    sim.clock.advance(0);
    expect(wait.count()).toBe(1);
    cancel();
    expect(wait.count()).toBe(1);
  });

  it('gc_list_tickets and list calls hand back every record with the count as the return value', () => {
    using sim = createGridcentricSimulator();
    const guest = sim.library();
    guest.gc_request_tickets(2, () => undefined);
    guest.gc_request_tickets(1, () => undefined);
    sim.clock.advance(0);
    const list = recorder<readonly GcTicketInfo[]>();
    guest.gc_list_tickets(list.done);
    sim.clock.advance(0);
    expect(list.answer()?.ret).toBe(2);
    expect(list.answer()?.out?.map((info) => info.ticket)).toEqual([1, 2]);
  });

  it('two sync_ticket calls on one ticket are both answered by the join', () => {
    using sim = createGridcentricSimulator({ bootDelay: 0 });
    const guest = sim.library();
    guest.gc_request_tickets(1, () => undefined);
    sim.clock.advance(0);
    guest.gc_clone(1, () => undefined);
    sim.clock.advance(0);
    const first = recorder();
    const second = recorder();
    guest.gc_sync_ticket(1, first.done);
    guest.gc_sync_ticket(1, second.done);
    sim.clock.advance(0);
    expect(sim.pendingWaits()).toBe(2);
    sim.world.exit(2);
    sim.clock.advance(0);
    expect([first.answer()?.ret, second.answer()?.ret]).toEqual([0, 0]);
  });

  it('calls from a VM that terminated fail with ENODEV, its pending waits too', () => {
    using sim = createGridcentricSimulator({ bootDelay: 0 });
    const master = sim.library();
    master.gc_request_tickets(2, () => undefined);
    sim.clock.advance(0);
    master.gc_clone(1, () => undefined);
    sim.clock.advance(0);
    const child = sim.library(2);
    child.gc_request_tickets(1, () => undefined);
    sim.clock.advance(0);
    child.gc_clone(2, () => undefined);
    sim.clock.advance(0);
    const wait = recorder<GcDomainExit>();
    child.gc_wait_any(wait.done);
    sim.clock.advance(0);
    expect(sim.pendingWaits(2)).toBe(1);
    sim.world.crash(2);
    sim.clock.advance(0);
    expect(wait.answer()?.errno).toBe(errnoNumber('ENODEV'));
    const check = recorder();
    child.gc_check(check.done);
    expect(check.answer()).toEqual({ ret: -1, errno: errnoNumber('ENODEV'), out: undefined });
  });
});

describe('world controls', () => {
  it('world controls refuse impossible transitions and unknown vmids', () => {
    using sim = createGridcentricSimulator({ bootDelay: 5 });
    const guest = sim.library();
    guest.gc_request_tickets(1, () => undefined);
    sim.clock.advance(0);
    guest.gc_clone(1, () => undefined);
    sim.clock.advance(0);
    expect(() => {
      sim.world.exit(2);
    }).toThrow(/CREATING/);
    expect(() => {
      sim.world.pause(2);
    }).toThrow(/CREATING/);
    expect(() => {
      sim.world.resume(2);
    }).toThrow(/not PAUSED/);
    expect(() => {
      sim.world.exit(1);
    }).toThrow(/master/);
    expect(() => {
      sim.world.crash(77);
    }).toThrow(/no simulated domain/);
    sim.world.crash(2);
    expect(() => {
      sim.world.crash(2);
    }).toThrow(/already terminated/);
    expect(() => sim.injectFault({ operation: 'gc_version' as never, errno: 'EIO' })).toThrow(RangeError);
    expect(() => sim.injectFault({ operation: 'gc_clone', errno: 'ENOTANERRNO' as never })).toThrow(RangeError);
    expect(() => sim.injectFault({ operation: 'gc_clone', errno: 'EIO', times: 0 })).toThrow(RangeError);
    expect(() => {
      sim.world.detach('EPERM' as never);
    }).toThrow(RangeError);
  });

  it('options are validated', () => {
    expect(() => createGridcentricSimulator({ capacity: -1 })).toThrow(RangeError);
    expect(() => createGridcentricSimulator({ masterVmid: 0 })).toThrow(RangeError);
    expect(() => createGridcentricSimulator({ bootDelay: Number.NaN })).toThrow(RangeError);
    expect(() => createGridcentricSimulator({ clock: 'real', realTimeScale: -2 })).toThrow(RangeError);
  });

  it('custom master vmid, version and address rule', () => {
    using sim = createGridcentricSimulator({
      masterVmid: 100,
      version: '2.0',
      ipForVmid: (vmid) => `192.168.0.${vmid}`,
    });
    const backend = sim.backend();
    expect(backend.version()).toBe('2.0');
    expect(backend.myIp()).toBe('192.168.0.100');
    expect(sim.masterVmid).toBe(100);
  });

  it('a fault armed for n calls fails exactly n calls', async () => {
    using sim = createGridcentricSimulator();
    const backend = sim.backend();
    sim.injectFault({ operation: 'gc_request_tickets', errno: 'ENOSPC', times: 2 });
    const results = await Promise.allSettled([
      backend.requestTickets(1),
      backend.requestTickets(1),
      backend.requestTickets(1),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });

  it('clearFaults disarms everything', async () => {
    using sim = createGridcentricSimulator();
    sim.injectFault({ operation: 'gc_request_tickets', errno: 'EIO', times: 'always' });
    sim.clearFaults();
    await expect(sim.backend().requestTickets(1)).resolves.toBe(1);
  });

  it('inspect() reports domains, tickets and pending waits', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 0, capacity: 3 });
    const backend = sim.backend();
    const ticket = await backend.requestTickets(2);
    const vmid = await backend.clone(ticket);
    sim.clock.advance(0);
    const wait = backend.waitDomain(vmid);
    while (sim.pendingWaits() === 0) await Promise.resolve();
    const world = sim.inspect();
    expect(world).toMatchObject({ capacity: 3, heldSlots: 2, freeSlots: 1 });
    expect(world.tickets).toEqual([
      { ticket, ownerVmid: 1, requested: 2, granted: 2, used: 1, independent: false, state: 'held', vmids: [vmid] },
    ]);
    expect(world.waits).toEqual([{ callerVmid: 1, kind: 'domain', target: vmid }]);
    expect(world.domains[1]).toMatchObject({ vmid, parentVmid: 1, ticket, status: 'ONLINE', ip: '10.0.0.2' });
    sim.world.exit(vmid, 2);
    expect(await wait).toEqual({ vmid, reason: GC_EXIT_REASON.EXITED, code: 2 });
    expect(sim.inspect().domains[1]).toMatchObject({ reapedBy: 'wait', terminationOrder: 1 });
  });

  it('a clone hook that rejects crashes the clone and keeps the error for inspection', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 0 });
    sim.onClone(() => Promise.reject(new Error('boom')));
    const backend = sim.backend();
    const vmid = await backend.clone(await backend.requestTickets(1));
    sim.clock.advance(0);
    expect(await backend.waitDomain(vmid)).toEqual({ vmid, reason: GC_EXIT_REASON.CRASHED, code: 0 });
    expect(sim.inspect().domains[1]?.hookError).toMatchObject({ message: 'boom' });
  });

  it('an unregistered clone hook no longer runs', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 0 });
    const seen: number[] = [];
    const stop = sim.onClone((side) => {
      seen.push(side.vmid);
    });
    const backend = sim.backend();
    const ticket = await backend.requestTickets(2);
    await backend.clone(ticket);
    sim.clock.advance(0);
    stop();
    await backend.clone(ticket);
    sim.clock.advance(0);
    expect(seen).toEqual([2]);
    expect(await backend.getDomainStatus(3)).toBe(GC_DOMAIN_STATUS.ONLINE);
  });

  it('dispose() fails pending waits and later calls with EIO, and is idempotent', async () => {
    const sim = createGridcentricSimulator();
    const backend = sim.backend();
    await backend.clone(await backend.requestTickets(1));
    const wait = backend.waitAny();
    while (sim.pendingWaits() === 0) await Promise.resolve();
    sim.close();
    sim.close();
    await expect(wait).rejects.toMatchObject({ code: 'EIO' });
    await expect(backend.listTickets()).rejects.toMatchObject({ code: 'EIO' });
  });

  it('simulators share nothing', async () => {
    using first = createGridcentricSimulator({ capacity: 1 });
    using second = createGridcentricSimulator({ capacity: 1 });
    await first.backend().requestTickets(1);
    await expect(second.backend().requestTickets(1)).resolves.toBe(1);
    expect(second.inspect().tickets).toHaveLength(1);
  });
});

describe('scale', () => {
  it('thousands of pending waits: registering and answering them stays fast', async () => {
    using sim = createGridcentricSimulator({ capacity: 2000, bootDelay: 0 });
    const backend = sim.backend();
    const ticket = await backend.requestTickets(2000);
    const vmids: number[] = [];
    for (let i = 0; i < 1000; i++) vmids.push(await backend.clone(ticket));
    sim.clock.advance(0);
    const started = performance.now();
    // One registration per macrotask, as waits arriving from another thread would.
    const byVmid: Promise<GcDomainExit>[] = [];
    const anyWaits: Promise<GcDomainExit>[] = [];
    for (const vmid of vmids) {
      byVmid.push(backend.waitDomain(vmid));
      anyWaits.push(backend.waitAny());
      await new Promise((resolve) => setImmediate(resolve));
    }
    while (sim.pendingWaits() < 2000) await new Promise((resolve) => setImmediate(resolve));
    for (const vmid of vmids) sim.world.exit(vmid, vmid % 256);
    const exits = await Promise.all(byVmid);
    expect(exits.map((exit) => exit.vmid)).toEqual(vmids);
    // Every clone went to its own waitDomain, so the waitAny calls are left with nothing.
    const settled = await Promise.allSettled(anyWaits);
    expect(settled.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
