import { existsSync } from 'node:fs';
import { createAddonLoader } from '@sysbind/core';
import { GridcentricError } from '@sysbind/gridcentric-interface';

/**
 * Which build of the addon to load: `system` is compiled against the real `<gc-guest.h>` and
 * `-lgridcentric` at install time on a Gridcentric guest; `sim` is the same binding compiled against
 * the in-repo reconstruction of that header, answered by the testing-fakes simulator (any OS).
 */
export type AddonFlavor = 'system' | 'sim';

/** What every build of the addon exports before any binding is wired up. */
export interface GridcentricAddonBase {
  /** Which build this is. */
  readonly flavor: AddonFlavor;
  /** Numeric constants read from the headers the addon was compiled against. */
  readonly constants: Readonly<Record<string, number>>;
}

const loader = createAddonLoader<AddonFlavor, GridcentricAddonBase>({
  packageName: '@sysbind/gridcentric-native',
  moduleUrl: import.meta.url,
  fileName: 'gridcentric.node',
  overrideVariable: 'SYSBIND_GRIDCENTRIC_ADDON',
  errorClass: GridcentricError,
  // The install builds the system flavor only where it finds gc-guest.h, so its absence is the test.
  unsupported: (flavor, file) =>
    flavor === 'system' && !existsSync(file)
      ? new GridcentricError(
          'libgridcentric exists only inside a Gridcentric guest VM, and this machine has no gc-guest.h/libgridcentric ' +
            'build. To run or test code that uses @sysbind/gridcentric here, give it a simulated backend from ' +
            '@sysbind/testing-fakes (createGridcentricSimulator().backend()).',
          { code: 'ERR_UNSUPPORTED_PLATFORM' },
        )
      : undefined,
  rebuildHint: (flavor) => (flavor === 'system' ? 'reinstall the package to rebuild it' : 'run the workspace build'),
});

/** Path of the compiled addon of `flavor`; `SYSBIND_GRIDCENTRIC_ADDON` overrides the system build. */
export function addonPath(flavor: AddonFlavor): string {
  return loader.addonPath(flavor);
}

/**
 * Loads the addon on first use (never at import time). Where the install found no libgridcentric
 * (so built no system flavor), asking for it throws a GridcentricError `ERR_UNSUPPORTED_PLATFORM`.
 */
export function loadAddon(flavor: AddonFlavor): GridcentricAddonBase {
  return loader.loadAddon(flavor);
}
