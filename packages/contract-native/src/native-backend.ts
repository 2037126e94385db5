import type { ContractBackend } from './backend.ts';
import { loadAddon } from './addon.ts';
import { ContractError } from './errors.ts';

/**
 * The default backend: libcontract through the native addon. Loads the addon on first call (so off
 * illumos this throws ContractError `ERR_UNSUPPORTED_PLATFORM`, pointing at @sysbind/testing-fakes).
 * The adapter over the loaded addon is not written yet: on a system where the addon does load this
 * throws ContractError `ERR_NATIVE_BACKEND_UNAVAILABLE` rather than pretend.
 */
export function createNativeContractBackend(): ContractBackend {
  loadAddon('system');
  throw new ContractError(
    'the native contract backend lands with issue 4 (the addon loaded, but no adapter implements ' +
      'ContractBackend over it yet); use the simulator of @sysbind/testing-fakes meanwhile',
    { code: 'ERR_NATIVE_BACKEND_UNAVAILABLE' },
  );
}
