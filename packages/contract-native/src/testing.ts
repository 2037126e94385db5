// @sysbind/contract-native/testing: the native addon, built against the simulator shim, as a
// ContractBackend. Tests run the real binding (argument checks, handle lifetimes, fds, uv_poll)
// with the testing-fakes contract simulator answering every libcontract call.
import type { ContractBackend } from '@sysbind/contract-interface';
import { loadAddon } from './addon.ts';
import { createAddonBackend } from './addon-backend.ts';
import type { NativeContractAddon } from './native-addon.ts';
import type { SimulatedLibcontract, SimulatorForNativeBackend } from '@sysbind/contract-interface';

export type { SimulatedLibcontract, SimulatedOut, SimulatorForNativeBackend } from '@sysbind/contract-interface';
export type { NativeContractAddon, NativeControl, NativeTemplate } from './native-addon.ts';

/** Options of {@link createSimulatedNativeBackend}. */
export interface SimulatedNativeBackendOptions {
  /** The simulated process the backend acts as (default: the simulator's self). */
  readonly pid?: number;
  /** The LWP it acts from (default 1, the main thread). */
  readonly lwp?: number;
}

/** The sim flavor's exports: the common ones, and the binding of a simulator. */
export interface SimulatorAddon extends NativeContractAddon {
  /** Points opens and sigsends of the calling thread at `api` (fds keep the simulator that opened them). */
  bindSimulator(api: SimulatedLibcontract): void;
}

/** Loads the sim flavor of the addon (build/sim, or build/sim-asan with SYSBIND_SANITIZE=1). */
export function loadSimulatorAddon(): SimulatorAddon {
  return loadAddon('sim') as SimulatorAddon;
}

/**
 * A ContractBackend running the native addon's sim flavor over `simulator` (a ContractSimulator of
 * @sysbind/testing-fakes). Several can coexist: each points the addon at its own simulator before
 * it opens anything, and every fd keeps talking to the simulator that opened it.
 */
export function createSimulatedNativeBackend(
  simulator: SimulatorForNativeBackend,
  options: SimulatedNativeBackendOptions = {},
): ContractBackend {
  const addon = loadSimulatorAddon();
  const pid = options.pid ?? simulator.self.pid;
  const api = simulator.library(pid, options.lwp ?? 1);
  return createAddonBackend(addon, {
    name: 'native (simulated)',
    pid,
    beforeSystemCall: () => {
      addon.bindSimulator(api);
    },
  });
}
