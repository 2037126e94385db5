import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { describe, expect, it } from 'vitest';
import { createGridcentric, GridcentricError } from '../src/index.ts';

async function failure(work: Promise<unknown>): Promise<GridcentricError> {
  const caught: unknown = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(caught instanceof GridcentricError)) throw new Error(`expected a GridcentricError, got ${String(caught)}`);
  return caught;
}

// The meanings come from GC_ERRNO (gridcentric-interface/src/api.ts): what each errno stands
// for in the guest library. Errno names shared with the file system or processes (ENOENT, ESRCH)
// must not be described as such.
describe('item 11: GridcentricError messages describe Gridcentric failures', () => {
  it('item 11: each failure of the guest library says what it means for tickets and clone domains', async () => {
    using sim = createGridcentricSimulator({ capacity: 1, bootDelay: 1 });
    const gc = createGridcentric({ backend: sim.backend() });
    const ticket = await gc.requestTicket(1);

    const noSlot = await failure(gc.requestTicket(1));
    expect(noSlot).toMatchObject({ code: 'EAGAIN', syscall: 'gc_request_tickets' });
    expect(noSlot.message).toBe('EAGAIN: no free clone slot on the controller, gc_request_tickets');

    const unknownTicket = await failure(gc.listDomains({ ticket: 9 }));
    expect(unknownTicket.message).toBe('ENOENT: no such ticket held by this VM, gc_list_ticket_domains, ticket 9');

    const unknownDomain = await failure(gc.domainStatus(9));
    expect(unknownDomain.message).toBe('ENOENT: no such clone domain of this VM, gc_get_domain_status, vmid 9');

    const clone = await ticket.clone();
    if (clone.role !== 'parent') throw new Error('expected the parent side');
    const exhausted = await failure(gc.clone(ticket));
    expect(exhausted.message).toBe(`ENOSPC: the ticket's clone capacity is used up, gc_clone, ticket ${ticket.id}`);

    sim.clock.advance(1);
    sim.world.exit(clone.vmid);
    const terminated = await failure(gc.kill(clone.vmid));
    expect(terminated.message).toBe(
      `ESRCH: the clone domain already terminated, gc_kill_clone_domain, vmid ${clone.vmid}`,
    );

    await gc.cancelTicket(ticket);
    const cancelled = await failure(gc.cancelTicket(ticket));
    expect(cancelled.message).toBe(`EPERM: the ticket was cancelled, gc_cancel_ticket, ticket ${ticket.id}`);

    await gc.waitAny();
    const nothing = await failure(gc.waitAny());
    expect(nothing.message).toBe('ECHILD: no waitable clone domains, gc_wait_any');

    for (const error of [noSlot, unknownTicket, unknownDomain, exhausted, terminated, cancelled, nothing])
      expect(error.message).not.toMatch(/file|directory|process|contract/i);
  });
});
