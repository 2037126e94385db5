/**
 * The native backend over a simulated VM: the sim flavor of the addon, whose C shim forwards every
 * libgridcentric call to a {@link GcGuestApi} (the testing-fakes simulator implements one per VM).
 * The binding's threads, waits and completions run for real; only the library is simulated.
 *
 * @module
 */
import type { GcGuestApi } from '@sysbind/gridcentric-interface';
import { bindSimulatedBinding, createBackendOverBinding, type NativeGridcentricBackend } from './native-backend.ts';

export type { NativeBackendStats, NativeGridcentricBackend } from './native-backend.ts';

/**
 * A native backend whose library calls `guest` answers (for instance `simulator.guest(vmid)` of
 * `@sysbind/testing-fakes`). Loads the sim flavor of the addon on first use; close the backend (or
 * `using` it) to release its simulator binding early.
 */
export function createSimulatedNativeBackend(guest: GcGuestApi): NativeGridcentricBackend {
  return createBackendOverBinding(bindSimulatedBinding(guest));
}
