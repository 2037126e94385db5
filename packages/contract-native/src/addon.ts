import { ContractError } from '@sysbind/contract-interface';
import { createAddonLoader } from '@sysbind/core';

/**
 * Which build of the addon to load: `system` is compiled against the real `<libcontract.h>` and
 * `-lcontract` (illumos only); `sim` is the same binding compiled against the in-repo shim that
 * the testing-fakes simulator answers (any OS).
 */
export type AddonFlavor = 'system' | 'sim';

/** What every build of the addon exports before any binding is wired up. */
export interface ContractAddonBase {
  /** Which build this is. */
  readonly flavor: AddonFlavor;
  /** Numeric constants read from the headers the addon was compiled against. */
  readonly constants: Readonly<Record<string, number>>;
}

const loader = createAddonLoader<AddonFlavor, ContractAddonBase>({
  packageName: '@sysbind/contract-native',
  moduleUrl: import.meta.url,
  fileName: 'contract.node',
  overrideVariable: 'SYSBIND_CONTRACT_ADDON',
  errorClass: ContractError,
  unsupported: (flavor) =>
    flavor === 'system' && process.platform !== 'sunos' && process.env['SYSBIND_CONTRACT_ADDON'] === undefined
      ? new ContractError(
          `contract(5) exists only on illumos, and this is ${process.platform}. To run or test code that uses ` +
            '@sysbind/contract here, give it a simulated backend from @sysbind/testing-fakes ' +
            '(createContractSimulator().backend()).',
          { code: 'ERR_UNSUPPORTED_PLATFORM' },
        )
      : undefined,
  rebuildHint: (flavor) => (flavor === 'system' ? 'reinstall the package to rebuild it' : 'run the workspace build'),
});

/** Path of the compiled addon of `flavor`; `SYSBIND_CONTRACT_ADDON` overrides the system build. */
export function addonPath(flavor: AddonFlavor): string {
  return loader.addonPath(flavor);
}

/**
 * Loads the addon on first use (never at import time). Off illumos, asking for the system flavor
 * throws a ContractError with code `ERR_UNSUPPORTED_PLATFORM`.
 */
export function loadAddon(flavor: AddonFlavor): ContractAddonBase {
  return loader.loadAddon(flavor);
}
