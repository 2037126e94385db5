// Where the demos get their systems: the real ones when this machine has them, otherwise the
// simulators of @sysbind/testing-fakes (which follow real child processes for contracts).
import { createContractSystem } from '@sysbind/contract';
import { createGridcentric, isGridcentricError } from '@sysbind/gridcentric';
import { createContractSimulator, createGridcentricSimulator } from '@sysbind/testing-fakes';

/** A contract system: native on illumos, simulated elsewhere. */
export function openContractSystem() {
  if (process.platform === 'sunos') {
    const system = createContractSystem();
    return { system, simulated: false, close: () => system.close() };
  }
  const sim = createContractSimulator();
  const system = createContractSystem({ backend: sim.backend() });
  return {
    system,
    simulated: true,
    close: () => {
      system.close();
      sim.close();
    },
  };
}

/**
 * A Gridcentric client: native on a Gridcentric guest, otherwise a simulator running on real
 * time, whose clone-side code runs in this process through `onClone`.
 */
export function openGridcentric(options = {}) {
  const native = createGridcentric();
  try {
    native.check();
    return { gc: native, simulator: undefined, close: () => {} };
  } catch (error) {
    if (!isGridcentricError(error, 'ERR_UNSUPPORTED_PLATFORM')) throw error;
  }
  const simulator = createGridcentricSimulator({ clock: 'real', bootDelay: 40, capacity: 16, ...options });
  return { gc: createGridcentric({ backend: simulator.backend() }), simulator, close: () => simulator.close() };
}
