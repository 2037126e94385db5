import { existsSync } from 'node:fs';
import { createAddonLoader, type AddonBase, type AddonFlavor } from '@sysbind/core';
import { GridcentricError } from '@sysbind/gridcentric-interface';

const loader = createAddonLoader({
  subsystem: 'gridcentric',
  moduleUrl: import.meta.url,
  errorClass: GridcentricError,
  simulatorFactory: 'createGridcentricSimulator',
  // The install builds the system flavor only where it finds gc-guest.h, so its absence is the test.
  unsupported: (file) =>
    existsSync(file)
      ? undefined
      : 'libgridcentric exists only inside a Gridcentric guest VM, and this machine has no gc-guest.h/libgridcentric build',
});

/** Path of the compiled addon of `flavor`; `SYSBIND_GRIDCENTRIC_ADDON` overrides the system build. */
export function addonPath(flavor: AddonFlavor): string {
  return loader.addonPath(flavor);
}

/**
 * Loads the addon on first use (never at import time). Where the install found no libgridcentric
 * (so built no system flavor), asking for it throws a GridcentricError `ERR_UNSUPPORTED_PLATFORM`.
 */
export function loadAddon(flavor: AddonFlavor): AddonBase {
  return loader.loadAddon(flavor);
}
