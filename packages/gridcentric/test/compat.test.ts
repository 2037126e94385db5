import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as gc from '../src/compat.ts';

// The seed's calling convention: the C return value is the callback's single argument.
function call<R>(start: (callback: (result: R) => void) => void): Promise<R> {
  return new Promise((resolve) => {
    start(resolve);
  });
}

let sim: GridcentricSimulator;
beforeEach(() => {
  sim = createGridcentricSimulator({ capacity: 4, bootDelay: 2 });
  gc.useBackend(sim.backend());
});
afterEach(() => {
  sim.close();
  gc.useBackend(undefined);
});

describe('compat: the 2011 nodejs-bindings surface on the simulator', () => {
  it('exports exactly the seed’s 17 functions plus useBackend', () => {
    const functions = Object.entries(gc)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();
    expect(functions).toEqual(
      [
        'gc_version',
        'gc_check',
        'gc_my_ip',
        'list_clone_domains',
        'list_ticket_domains',
        'get_domain_status',
        'list_tickets',
        'wait_domain',
        'wait_any',
        'sync_ticket',
        'kill_clone_domain',
        'killall_clone_domains',
        'killall_ticket_domains',
        'request_tickets',
        'cancel_ticket',
        'clone',
        'make_ticket_independent',
        'useBackend',
      ].sort(),
    );
  });

  it('gc_version, gc_check and gc_my_ip return at once; gc_check and gc_my_ip give -1 on error', () => {
    expect(gc.gc_version()).toBe('1.0.0-sim');
    expect(gc.gc_check()).toBe(0);
    expect(gc.gc_my_ip()).toBe('10.0.0.1');
    sim.world.detach('ENODEV');
    expect(gc.gc_check()).toBe(-1);
    expect(gc.gc_my_ip()).toBe(-1);
  });

  it('request_tickets, list_tickets, clone, list_clone_domains, list_ticket_domains, get_domain_status', async () => {
    const ticket = await call<number>((cb) => {
      gc.request_tickets(2, cb);
    });
    expect(ticket).toBe(1);
    const vmid = await call<number>((cb) => {
      gc.clone(ticket, cb);
    });
    expect(vmid).toBe(2);
    expect(
      await call((cb) => {
        gc.list_tickets(cb);
      }),
    ).toEqual([{ ticket, requested: 2, granted: 2, used: 1, domains: 1, independent: 0 }]);
    expect(
      await call((cb) => {
        gc.get_domain_status(vmid, cb);
      }),
    ).toBe('CREATING');
    sim.clock.advance(2);
    expect(
      await call((cb) => {
        gc.get_domain_status(vmid, cb);
      }),
    ).toBe('ONLINE');
    const domain = { vmid, ticket, status: 'ONLINE', ip: '10.0.0.2' };
    expect(
      await call((cb) => {
        gc.list_clone_domains(cb);
      }),
    ).toEqual([domain]);
    expect(
      await call((cb) => {
        gc.list_ticket_domains(ticket, cb);
      }),
    ).toEqual([domain]);
  });

  it('wait_domain and wait_any give exit objects with the reason as a string; sync_ticket gives 0', async () => {
    const ticket = await call<number>((cb) => {
      gc.request_tickets(3, cb);
    });
    const [a, b, c] = [
      await call<number>((cb) => {
        gc.clone(ticket, cb);
      }),
      await call<number>((cb) => {
        gc.clone(ticket, cb);
      }),
      await call<number>((cb) => {
        gc.clone(ticket, cb);
      }),
    ];
    sim.clock.advance(2);
    const waitA = call((cb) => {
      gc.wait_domain(a, cb);
    });
    const waitAny = call((cb) => {
      gc.wait_any(cb);
    });
    while (sim.pendingWaits() < 2) await new Promise((resolve) => setImmediate(resolve));
    sim.world.crash(b, 6);
    sim.world.exit(a, 1);
    expect(await waitA).toEqual({ vmid: a, reason: 'EXITED', code: 1 });
    expect(await waitAny).toEqual({ vmid: b, reason: 'CRASHED', code: 6 });
    const join = call((cb) => {
      gc.sync_ticket(ticket, cb);
    });
    sim.world.exit(c);
    expect(await join).toBe(0);
  });

  it('kill_clone_domain, killall_clone_domains, killall_ticket_domains, make_ticket_independent, cancel_ticket', async () => {
    const t1 = await call<number>((cb) => {
      gc.request_tickets(2, cb);
    });
    const t2 = await call<number>((cb) => {
      gc.request_tickets(2, cb);
    });
    const a = await call<number>((cb) => {
      gc.clone(t1, cb);
    });
    await call<number>((cb) => {
      gc.clone(t1, cb);
    });
    await call<number>((cb) => {
      gc.clone(t2, cb);
    });
    expect(
      await call((cb) => {
        gc.kill_clone_domain(a, cb);
      }),
    ).toBe(0);
    expect(
      await call((cb) => {
        gc.get_domain_status(a, cb);
      }),
    ).toBe('KILLED');
    expect(
      await call((cb) => {
        gc.make_ticket_independent(t2, cb);
      }),
    ).toBe(0);
    expect(
      await call((cb) => {
        gc.killall_clone_domains(cb);
      }),
    ).toBe(1);
    expect(
      await call((cb) => {
        gc.killall_ticket_domains(t2, cb);
      }),
    ).toBe(1);
    expect(
      await call((cb) => {
        gc.cancel_ticket(t2, cb);
      }),
    ).toBe(0);
    expect(
      await call((cb) => {
        gc.list_tickets(cb);
      }),
    ).toEqual([{ ticket: t1, requested: 2, granted: 2, used: 2, domains: 2, independent: 0 }]);
  });

  it('every asynchronous function passes -1 as its single argument on error', async () => {
    const minusOne: unknown[] = await Promise.all([
      call((cb) => {
        gc.request_tickets(0, cb);
      }),
      call((cb) => {
        gc.cancel_ticket(9, cb);
      }),
      call((cb) => {
        gc.make_ticket_independent(9, cb);
      }),
      call((cb) => {
        gc.clone(9, cb);
      }),
      call((cb) => {
        gc.list_ticket_domains(9, cb);
      }),
      call((cb) => {
        gc.get_domain_status(9, cb);
      }),
      call((cb) => {
        gc.wait_domain(9, cb);
      }),
      call((cb) => {
        gc.wait_any(cb);
      }),
      call((cb) => {
        gc.sync_ticket(9, cb);
      }),
      call((cb) => {
        gc.kill_clone_domain(9, cb);
      }),
      call((cb) => {
        gc.killall_ticket_domains(9, cb);
      }),
    ]);
    expect(minusOne).toEqual(Array.from({ length: 11 }, () => -1));
    sim.world.detach('EIO');
    const detached: unknown[] = await Promise.all([
      call((cb) => {
        gc.list_tickets(cb);
      }),
      call((cb) => {
        gc.list_clone_domains(cb);
      }),
      call((cb) => {
        gc.killall_clone_domains(cb);
      }),
    ]);
    expect(detached).toEqual([-1, -1, -1]);
  });

  it('callbacks run outside any promise: the callback is called exactly once, on a later tick', async () => {
    const calls: unknown[] = [];
    gc.request_tickets(1, (ticket) => calls.push(ticket));
    expect(calls).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toEqual([1]);
  });
});
