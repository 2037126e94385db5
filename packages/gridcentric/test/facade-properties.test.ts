import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGridcentric, isGridcentricError, type DomainExit } from '../src/index.ts';

describe('facade properties', () => {
  it('exits() yields every dependent clone once, in the order the clones terminated, and none of the independent ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.boolean(), { minLength: 0, maxLength: 3 }),
        fc.infiniteStream(fc.nat()),
        async (dependentCount, independentFlags, choices) => {
          using sim = createGridcentricSimulator({ capacity: 10, bootDelay: 1 });
          const gc = createGridcentric({ backend: sim.backend() });
          const dependent = await gc.requestTicket(dependentCount);
          const vmids: number[] = [];
          for (let i = 0; i < dependentCount; i++) {
            const result = await gc.clone(dependent);
            if (result.role === 'parent') vmids.push(result.vmid);
          }
          const independentVmids: number[] = [];
          if (independentFlags.length > 0) {
            const independent = await gc.requestTicket(independentFlags.length);
            for (let i = 0; i < independentFlags.length; i++) {
              const result = await gc.clone(independent);
              if (result.role === 'parent') independentVmids.push(result.vmid);
            }
            await gc.makeTicketIndependent(independent);
          }
          sim.clock.advance(1);
          // Terminate everything in a random order, in random ways.
          const order = [...vmids, ...independentVmids];
          const terminated: number[] = [];
          const iterator = choices[Symbol.iterator]();
          while (order.length > 0) {
            const index = (iterator.next().value ?? 0) % order.length;
            const [vmid] = order.splice(index, 1);
            if (vmid === undefined) continue;
            if ((iterator.next().value ?? 0) % 2 === 0) sim.world.exit(vmid, vmid);
            else sim.world.crash(vmid);
            terminated.push(vmid);
          }
          const seen: DomainExit[] = [];
          for await (const exit of gc.exits()) seen.push(exit);
          expect(seen.map((exit) => exit.vmid)).toEqual(terminated.filter((vmid) => vmids.includes(vmid)));
          expect(await gc.listDomains()).toHaveLength(independentVmids.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any id that is not an integer in 1..2^31-1 is refused with a Node-style code and never reaches the backend', async () => {
    using sim = createGridcentricSimulator();
    const backend = sim.backend();
    let reached = 0;
    const gc = createGridcentric({
      backend: {
        ...backend,
        getDomainStatus: (vmid) => {
          reached += 1;
          return backend.getDomainStatus(vmid);
        },
      },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything().filter((value) => typeof value !== 'number'),
          fc.double().filter((value) => !Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1),
        ),
        async (value) => {
          const error: unknown = await gc.domainStatus(value as number).catch((caught: unknown) => caught);
          expect(isGridcentricError(error)).toBe(false);
          expect(error).toMatchObject({
            code: typeof value === 'number' ? 'ERR_OUT_OF_RANGE' : 'ERR_INVALID_ARG_TYPE',
          });
        },
      ),
      { numRuns: 200 },
    );
    expect(reached).toBe(0);
    await expect(gc.domainStatus(1)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(reached).toBe(1);
  });
});
