// The Gridcentric examples of the "Testing with @sysbind/testing-fakes" guide, run as tests.
import { describe, expect, it } from 'vitest';
// #region gridcentric-setup
import { createGridcentric, isGridcentricError } from '@sysbind/gridcentric';
import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { fanOut } from '../src/fan-out.ts';
// #endregion gridcentric-setup

describe('fanOut', () => {
  // #region gridcentric-clones
  it('collects the exit codes of the clones it made', async () => {
    // A controller with 3 free slots. The code under test awaits between its steps, so this test
    // lets time run by itself (real-time clock, 1 ms boots) rather than advancing a virtual one.
    using sim = createGridcentricSimulator({ capacity: 3, bootDelay: 1, clock: 'real' });
    // The clone's half of the fork: each clone exits with its vmid times ten.
    sim.onClone((side) => side.vmid * 10);
    const gc = createGridcentric({ backend: sim.backend() });

    expect(await fanOut(gc, 5)).toEqual([20, 30, 40]); // asks for 5, the controller grants 3
  });
  // #endregion gridcentric-clones

  // #region gridcentric-faults
  it('fails with a GridcentricError when the controller refuses', async () => {
    using sim = createGridcentricSimulator();
    sim.injectFault({ operation: 'gc_request_tickets', errno: 'EAGAIN' });
    const gc = createGridcentric({ backend: sim.backend() });
    await expect(fanOut(gc, 2)).rejects.toSatisfy((error) => isGridcentricError(error, 'EAGAIN'));
  });
  // #endregion gridcentric-faults
});
