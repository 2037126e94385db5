// The facade tests' world: a contract simulator and a ContractSystem over its backend, both closed
// after each test.
import { createContractSimulator, type ContractSimulator, type ContractSimulatorOptions } from '@sysbind/testing-fakes';
import { afterEach } from 'vitest';
import { createContractSystem, type ContractSystem } from '../../src/index.ts';

/** A simulator and the facade over it. */
export interface SimulatedSystem {
  readonly sim: ContractSimulator;
  readonly system: ContractSystem;
}

/** What a test file gets from {@link useSimulatedSystems}. */
export interface SimulatedSystems {
  /** A new world, closed (facade first, then simulator) when the test ends. */
  readonly setup: (options?: ContractSimulatorOptions) => SimulatedSystem;
  /** Runs `cleanup` when the test ends, after what was registered later. */
  readonly defer: (cleanup: () => void) => void;
}

/** Registers the clean-up with the calling file's `afterEach`. */
export function useSimulatedSystems(): SimulatedSystems {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });
  const defer = (cleanup: () => void): void => {
    cleanups.push(cleanup);
  };
  const setup = (options: ContractSimulatorOptions = {}): SimulatedSystem => {
    const sim = createContractSimulator(options);
    const system = createContractSystem({ backend: sim.backend() });
    cleanups.push(
      () => {
        sim.close();
      },
      () => {
        system.close();
      },
    );
    return { sim, system };
  };
  return { setup, defer };
}

/** Lets a turn of the event loop pass (simulated events are delivered asynchronously). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
