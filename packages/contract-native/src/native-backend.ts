import type { ContractBackend } from '@sysbind/contract-interface';
import { loadAddon } from './addon.ts';
import { createAddonBackend } from './addon-backend.ts';
import { createLinuxContractBackend } from './linux/backend.ts';
import type { NativeContractAddon } from './native-addon.ts';

/**
 * The default backend: on illumos, libcontract through the native addon, acting as this process
 * and its main thread; on Linux, process contracts over cgroup v2 (createLinuxContractBackend),
 * which throws ContractError `ERR_CONTRACT_HOST_UNSUPPORTED` naming what the host lacks. Loads
 * its addon on first call; elsewhere this throws ContractError `ERR_UNSUPPORTED_PLATFORM`,
 * pointing at @sysbind/testing-fakes.
 */
export function createNativeContractBackend(): ContractBackend {
  if (process.platform === 'linux' && process.env['SYSBIND_CONTRACT_ADDON'] === undefined) {
    return createLinuxContractBackend();
  }
  const addon = loadAddon('system') as NativeContractAddon;
  return createAddonBackend(addon, { name: 'native', pid: process.pid });
}
