import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { describe, expect, it } from 'vitest';
import { createGridcentric, isAbortError, isGridcentricError } from '../src/index.ts';

async function started(sim: { pendingWaits(): number }, count: number): Promise<void> {
  while (sim.pendingWaits() < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('AbortSignal and close()', () => {
  it('an already-aborted signal rejects with AbortError without reaching the backend', async () => {
    using sim = createGridcentricSimulator();
    const gc = createGridcentric({ backend: sim.backend() });
    const reason = new Error('not now');
    const signal = AbortSignal.abort(reason);
    await expect(gc.waitAny({ signal })).rejects.toMatchObject({
      name: 'AbortError',
      code: 'ABORT_ERR',
      cause: reason,
    });
    await expect(gc.waitDomain(2, { signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(gc.syncTicket(1, { signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.inspect().waits).toEqual([]);
  });

  it('aborting a pending wait rejects it at once and withdraws it; the exit goes to the next wait', async () => {
    using sim = createGridcentricSimulator({ bootDelay: 0 });
    const gc = createGridcentric({ backend: sim.backend() });
    const ticket = await gc.requestTicket(1);
    const result = await gc.clone(ticket);
    sim.clock.advance(0);
    const controller = new AbortController();
    const wait = gc.waitAny({ signal: controller.signal });
    await started(sim, 1);
    controller.abort();
    await expect(wait).rejects.toSatisfy(isAbortError);
    expect(sim.pendingWaits()).toBe(0);
    if (result.role !== 'parent') throw new Error('expected the parent side');
    sim.world.exit(result.vmid, 1);
    expect(await gc.waitAny()).toEqual({ vmid: result.vmid, reason: 'EXITED', code: 1 });
  });

  it('close() aborts the pending waits, refuses later calls, and is idempotent (await using)', async () => {
    using sim = createGridcentricSimulator();
    const outcome = await (async () => {
      await using gc = createGridcentric({ backend: sim.backend() });
      await gc.clone(await gc.requestTicket(1));
      const wait = gc.waitAny().catch((error: unknown) => error);
      await started(sim, 1);
      await gc.close();
      const closedError = await wait;
      const later = await gc.listTickets().catch((error: unknown) => error);
      return { closedError, later };
    })();
    expect(isAbortError(outcome.closedError)).toBe(true);
    expect(isGridcentricError((outcome.closedError as Error).cause, 'ERR_GRIDCENTRIC_CLOSED')).toBe(true);
    expect(isGridcentricError(outcome.later, 'ERR_GRIDCENTRIC_CLOSED')).toBe(true);
    expect(sim.pendingWaits()).toBe(0);
  });

  it('close() leaves a backend passed in options to its owner', async () => {
    using sim = createGridcentricSimulator();
    let closed = 0;
    const backend = Object.assign(sim.backend(), {
      close: () => {
        closed += 1;
      },
    });
    const gc = createGridcentric({ backend });
    await gc.close();
    expect(closed).toBe(0);
  });
});
