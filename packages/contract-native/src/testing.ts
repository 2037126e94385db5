// @sysbind/contract-native/testing: the native addon, built against the simulator shim, as a
// ContractBackend. Tests run the real binding (argument checks, handle lifetimes, fds, uv_poll)
// with the testing-fakes contract simulator answering every libcontract call.
import { ContractError, type ContractBackend } from '@sysbind/contract-interface';
import { currentLinuxHostIfStarted } from './linux/backend.ts';
import type { LinuxContractHost } from './linux/contract-host.ts';
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

/** What {@link linuxBackendTestHooks} can do to this thread's Linux backend. */
export interface LinuxBackendTestHooks {
  /**
   * Sets the receive buffer of the process-events connector socket (0 restores the default of
   * 8 MiB), so that a test can make the kernel's queue overflow (ENOBUFS) with a fork burst while
   * the event loop is blocked. Returns the size the kernel settled on (it doubles the request and
   * clamps it to its minimum). Throws if the backend has not started on this thread or the host
   * has no connector.
   */
  setConnectorBuffer(bytes: number): number;
  /**
   * The overflows this thread's backend has reported so far (the last 100): when, the contracts
   * it resynchronised, and the members it read from each one's cgroup.procs then (by ctid).
   */
  overflows(): readonly {
    readonly at: number;
    readonly ctids: readonly number[];
    readonly members: Readonly<Record<number, readonly number[]>>;
  }[];
}

/**
 * For tests only, not part of the supported API: knobs of this thread's Linux contract backend
 * that no production code path reaches (the backend itself never calls them). Importing this entry
 * loads nothing; the hooks act on the backend only once it has started on this thread.
 */
export const linuxBackendTestHooks: LinuxBackendTestHooks = {
  setConnectorBuffer(bytes) {
    const size = startedHost().setConnectorBufferForTesting(bytes);
    if (size < 0) throw ContractError.fromErrno(-size, 'setsockopt');
    return size;
  },
  overflows() {
    return startedHost().overflows.map((overflow) => ({
      at: overflow.at,
      ctids: [...overflow.ctids],
      members: Object.fromEntries(overflow.members),
    }));
  },
};

function startedHost(): LinuxContractHost {
  const host = currentLinuxHostIfStarted();
  if (host === undefined) {
    throw new ContractError('the Linux contract backend has not started on this thread', { code: 'ERR_INVALID_STATE' });
  }
  return host;
}
