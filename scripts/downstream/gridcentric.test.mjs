// Runs in a fresh project outside the workspace, against the packed tarballs installed with npm.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createGridcentric, isGridcentricError } from '@sysbind/gridcentric';
import { createGridcentricSimulator } from '@sysbind/testing-fakes';

const require = createRequire(import.meta.url);

describe('a downstream project tests Gridcentric code on the fakes', () => {
  it('import: clone, run the clone side, reap its exit', async () => {
    const sim = createGridcentricSimulator({ bootDelay: 5 });
    sim.onClone(() => 4); // the clone's program exits with status 4
    const gc = createGridcentric({ backend: sim.backend() });
    const result = await gc.clone(await gc.requestTicket(1));
    expect(result).toEqual({ role: 'parent', vmid: 2, ticket: 1 });
    sim.clock.advance(5);
    expect(await gc.waitAny()).toEqual({ vmid: 2, reason: 'EXITED', code: 4 });
    sim.close();
  });

  it('require: the nodejs-bindings compat API over the simulator', async () => {
    const compat = require('@sysbind/gridcentric/compat');
    const { createGridcentricSimulator: createSim } = require('@sysbind/testing-fakes');
    const sim = createSim();
    compat.useBackend(sim.backend());
    expect(compat.gc_check()).toBe(0);
    const ticket = await new Promise((resolve) => compat.request_tickets(2, resolve));
    expect(ticket).toBeGreaterThan(0);
    const vmid = await new Promise((resolve) => compat.clone(ticket, resolve));
    expect(await new Promise((resolve) => compat.get_domain_status(vmid, resolve))).toBe('CREATING');
    compat.useBackend(undefined);
    sim.close();
  });

  it('the native backend is a typed error off a Gridcentric guest', () => {
    let thrown;
    try {
      createGridcentric().version();
    } catch (error) {
      thrown = error;
    }
    expect(isGridcentricError(thrown, 'ERR_UNSUPPORTED_PLATFORM')).toBe(true);
  });
});
