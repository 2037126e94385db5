import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { createGridcentric, isGridcentricError, type Gridcentric } from '../src/index.ts';

const simulators: GridcentricSimulator[] = [];
afterEach(() => {
  for (const sim of simulators.splice(0)) sim.close();
});

function setup(capacity = 4): { sim: GridcentricSimulator; gc: Gridcentric } {
  const sim = createGridcentricSimulator({ capacity, bootDelay: 5 });
  simulators.push(sim);
  return { sim, gc: createGridcentric({ backend: sim.backend() }) };
}

describe('createGridcentric over the simulator', () => {
  it('answers the quick calls synchronously', () => {
    const { sim, gc } = setup();
    expect(gc.version()).toBe('1.0.0-sim');
    expect(gc.myIp()).toBe('10.0.0.1');
    expect(() => {
      gc.check();
    }).not.toThrow();
    sim.world.detach('EIO');
    expect(() => {
      gc.check();
    }).toThrow(expect.objectContaining({ name: 'GridcentricError', code: 'EIO', syscall: 'gc_check' }) as Error);
  });

  it('decodes tickets with their derived state', async () => {
    const { gc } = setup(3);
    const ticket = await gc.requestTicket(5);
    expect(await gc.listTickets()).toEqual([
      { ticket: ticket.id, requested: 5, granted: 3, used: 0, domains: 0, independent: false, state: 'ACTIVE' },
    ]);
    await gc.clone(ticket);
    await gc.clone(ticket);
    await gc.clone(ticket);
    expect((await gc.listTickets())[0]?.state).toBe('EXHAUSTED');
    await gc.makeTicketIndependent(ticket);
    expect((await gc.listTickets())[0]?.state).toBe('INDEPENDENT');
  });

  it('clone() resolves to the parent role with the new vmid', async () => {
    const { gc } = setup();
    const ticket = await gc.requestTicket(1);
    expect(await gc.clone(ticket)).toMatchObject({ role: 'parent', vmid: 2, ticket: ticket.id });
  });

  it('decodes statuses and lists, all clones or one ticket’s', async () => {
    const { sim, gc } = setup();
    const t1 = await gc.requestTicket(1);
    const t2 = await gc.requestTicket(1);
    const a = await gc.clone(t1);
    const b = await gc.clone(t2);
    if (a.role !== 'parent' || b.role !== 'parent') throw new Error('expected the parent side');
    expect(await gc.domainStatus(a.vmid)).toBe('CREATING');
    sim.clock.advance(5);
    sim.world.pause(b.vmid);
    expect(await gc.listDomains()).toEqual([
      { vmid: a.vmid, ticket: t1.id, status: 'ONLINE', ip: '10.0.0.2' },
      { vmid: b.vmid, ticket: t2.id, status: 'PAUSED', ip: '10.0.0.3' },
    ]);
    expect(await gc.listDomains({ ticket: t2 })).toEqual([
      { vmid: b.vmid, ticket: t2.id, status: 'PAUSED', ip: '10.0.0.3' },
    ]);
  });

  it('waits decode exit reasons; a killed clone is KILLED everywhere', async () => {
    const { sim, gc } = setup();
    const ticket = await gc.requestTicket(3);
    const vmids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await gc.clone(ticket);
      if (result.role === 'parent') vmids.push(result.vmid);
    }
    sim.clock.advance(5);
    const [a, b, c] = vmids as [number, number, number];
    await gc.kill(a);
    expect(await gc.domainStatus(a)).toBe('KILLED');
    sim.world.crash(b, 11);
    expect(await gc.waitAny()).toEqual({ vmid: a, reason: 'KILLED', code: 0 });
    expect(await gc.waitDomain(b)).toEqual({ vmid: b, reason: 'CRASHED', code: 11 });
    const join = gc.syncTicket(ticket);
    sim.world.exit(c, 0);
    await join;
    expect(await gc.listTickets()).toEqual([]);
  });

  it('killAll and killTicket resolve to the number of clones killed', async () => {
    const { gc } = setup();
    const dependent = await gc.requestTicket(2);
    const independent = await gc.requestTicket(1);
    await gc.clone(dependent);
    await gc.clone(dependent);
    await gc.clone(independent);
    await gc.makeTicketIndependent(independent);
    expect(await gc.killAll()).toBe(2);
    expect(await gc.killTicket(independent)).toBe(1);
  });

  it('killAll({ ticket }) kills every clone of one ticket, independent ones too, and leaves the ticket held (gc_killall_ticket_domains)', async () => {
    const { sim, gc } = setup();
    const kept = await gc.requestTicket(1);
    const target = await gc.requestTicket(2);
    const spared = await gc.clone(kept);
    const first = await gc.clone(target);
    await gc.clone(target);
    await gc.makeTicketIndependent(target);
    expect(await gc.killAll({ ticket: target })).toBe(2);
    expect(sim.statusOf((first as { vmid: number }).vmid)).toBe('KILLED');
    expect(sim.statusOf((spared as { vmid: number }).vmid)).toBe('CREATING');
    expect((await target.info())?.state).toBe('INDEPENDENT');
    expect(await gc.killAll({ ticket: target.id })).toBe(0);
    await expect(gc.killAll({ ticket: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(gc.killAll({ ticket: 99 })).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'gc_killall_ticket_domains',
    });
  });

  it('cancelTicket returns capacity that a later request can take', async () => {
    const { gc } = setup(2);
    const ticket = await gc.requestTicket(2);
    await gc.clone(ticket);
    await gc.cancelTicket(ticket);
    const next = await gc.requestTicket(5);
    expect((await gc.listTickets()).find((info) => info.ticket === next.id)?.granted).toBe(1);
  });

  it('library failures reject with a GridcentricError naming the C function and the id', async () => {
    const { gc } = setup();
    const error: unknown = await gc.domainStatus(99).catch((caught: unknown) => caught);
    expect(isGridcentricError(error, 'ENOENT')).toBe(true);
    expect(error).toMatchObject({ syscall: 'gc_get_domain_status', vmid: 99 });
  });
});
