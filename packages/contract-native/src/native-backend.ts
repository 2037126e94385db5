import type { ContractBackend } from '@sysbind/contract-interface';
import { loadAddon } from './addon.ts';
import { createAddonBackend } from './addon-backend.ts';
import type { NativeContractAddon } from './native-addon.ts';

/**
 * The default backend: libcontract through the native addon, acting as this process and its
 * main thread. Loads the addon on first call, so off illumos this throws ContractError
 * `ERR_UNSUPPORTED_PLATFORM`, pointing at @sysbind/testing-fakes.
 */
export function createNativeContractBackend(): ContractBackend {
  const addon = loadAddon('system') as NativeContractAddon;
  return createAddonBackend(addon, { name: 'native', pid: process.pid });
}
