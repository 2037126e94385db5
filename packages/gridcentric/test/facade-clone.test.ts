import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { describe, expect, it } from 'vitest';
import { createGridcentric, interpretCloneReturn, type CloneResult, type Gridcentric } from '../src/index.ts';

// The program both copies run after the fork: what each does depends on its role.
async function program(gc: Gridcentric, result: CloneResult): Promise<string> {
  const tickets = await gc.listTickets();
  if (result.role === 'clone') return `clone at ${gc.myIp()} holding ${tickets.length} tickets`;
  return `parent of ${result.vmid} at ${gc.myIp()} holding ${tickets.length} tickets`;
}

describe('clone(): both halves of the fork', () => {
  it('the parent gets the vmid; the clone-side hook runs the clone’s half, where clone() returned 0', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 3 });
    const seen: string[] = [];
    sim.onClone(async (side) => {
      const inClone = createGridcentric({ backend: side.backend });
      seen.push(await program(inClone, interpretCloneReturn(side.returned)));
      return 0;
    });
    const gc = createGridcentric({ backend: sim.backend() });
    const ticket = await gc.requestTicket(1);
    const result = await gc.clone(ticket);
    seen.push(await program(gc, result));
    sim.clock.advance(3);
    expect(await gc.waitAny()).toEqual({ vmid: 2, reason: 'EXITED', code: 0 });
    expect(seen).toEqual(['parent of 2 at 10.0.0.1 holding 1 tickets', 'clone at 10.0.0.2 holding 0 tickets']);
  });

  it('a clone can clone in turn (nested tickets), from its own side', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 1, capacity: 3 });
    const grandchildren: number[] = [];
    sim.onClone(async (side) => {
      if (side.parentVmid !== sim.masterVmid) return 7;
      const inClone = createGridcentric({ backend: side.backend });
      const ticket = await inClone.requestTicket(1);
      const result = await inClone.clone(ticket);
      if (result.role === 'parent') grandchildren.push(result.vmid);
      return undefined;
    });
    const gc = createGridcentric({ backend: sim.backend() });
    await gc.clone(await gc.requestTicket(1));
    sim.clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    sim.clock.advance(1);
    expect(grandchildren).toEqual([3]);
    const child = createGridcentric({ backend: sim.backend(2) });
    expect(await child.waitAny()).toEqual({ vmid: 3, reason: 'EXITED', code: 7 });
  });

  it('interpretCloneReturn reads 0 as the clone and a vmid as the parent, and refuses anything else', () => {
    expect(interpretCloneReturn(0)).toEqual({ role: 'clone' });
    expect(interpretCloneReturn(12)).toEqual({ role: 'parent', vmid: 12 });
    expect(() => interpretCloneReturn(-1)).toThrow(RangeError);
  });

  // Found by the fuzzer: the refusals were bare RangeErrors, for non-numbers too.
  it('refuses with Node-style argument errors', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => interpretCloneReturn(bad)).toThrow(
        expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    for (const bad of ['1', 1n, null, Object.create(null), Symbol('x')]) {
      expect(() => interpretCloneReturn(bad as number)).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });
});
