/**
 * The native backend over a simulated VM: the sim flavor of the addon, whose C shim forwards every
 * libgridcentric call to a `GcGuestApi` (the testing-fakes simulator implements one per VM).
 * The binding's threads, waits and completions run for real; only the library is simulated.
 *
 * @module
 */
import { invalidArgType } from '@sysbind/core';
import type { SimulatorForNativeBackend } from '@sysbind/gridcentric-interface';
import {
  bindSimulatedBinding,
  createBackendOverBinding,
  type NativeBackendOptions,
  type NativeGridcentricBackend,
} from './native-backend.ts';

export type { NativeBackendOptions, NativeBackendStats, NativeGridcentricBackend } from './native-backend.ts';

/** Options of {@link createSimulatedNativeBackend}. */
export interface SimulatedNativeBackendOptions extends NativeBackendOptions {
  /** The simulated VM the backend acts as (default: the simulator's master VM). */
  readonly vmid?: number;
}

/**
 * A native backend whose library calls the simulated VM answers (`simulator.library(vmid)` of a
 * GridcentricSimulator of `@sysbind/testing-fakes`). Loads the sim flavor of the addon on first
 * use; close the backend (or `using` it) to release its simulator binding early. Backends bound
 * to the same `library(vmid)` object act as one VM and share what the addon keeps about it.
 */
export function createSimulatedNativeBackend(
  simulator: SimulatorForNativeBackend,
  options: SimulatedNativeBackendOptions = {},
): NativeGridcentricBackend {
  if (typeof (simulator as Partial<SimulatorForNativeBackend> | null)?.library !== 'function') {
    throw invalidArgType('simulator', 'a simulator with a library(vmid) method', simulator);
  }
  const library = simulator.library(options.vmid ?? simulator.masterVmid);
  return createBackendOverBinding(bindSimulatedBinding(library, options), options);
}
