import { ContractError } from '@sysbind/contract-interface';
import { createAddonLoader, type AddonBase, type AddonFlavor } from '@sysbind/core';

const loader = createAddonLoader({
  subsystem: 'contract',
  moduleUrl: import.meta.url,
  errorClass: ContractError,
  simulatorFactory: 'createContractSimulator',
  unsupported: () =>
    process.platform !== 'sunos' && process.env['SYSBIND_CONTRACT_ADDON'] === undefined
      ? `contract(5) exists only on illumos, and this is ${process.platform}`
      : undefined,
});

/** Path of the compiled addon of `flavor`; `SYSBIND_CONTRACT_ADDON` overrides the system build. */
export function addonPath(flavor: AddonFlavor): string {
  return loader.addonPath(flavor);
}

/**
 * Loads the addon on first use (never at import time). Off illumos, asking for the system flavor
 * throws a ContractError with code `ERR_UNSUPPORTED_PLATFORM`.
 */
export function loadAddon(flavor: AddonFlavor): AddonBase {
  return loader.loadAddon(flavor);
}
