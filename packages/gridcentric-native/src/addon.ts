import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

const PACKAGE_NAME = '@sysbind/gridcentric-native';
const loaded = new Map<string, GridcentricAddonBase>();

/** Path of the compiled addon of `flavor`; `SYSBIND_GRIDCENTRIC_ADDON` overrides the system build. */
export function addonPath(flavor: AddonFlavor): string {
  const override = process.env['SYSBIND_GRIDCENTRIC_ADDON'];
  if (flavor === 'system' && override !== undefined && override !== '') return path.resolve(override);
  const folder = flavor === 'sim' && process.env['SYSBIND_SANITIZE'] === '1' ? 'sim-asan' : flavor;
  return path.join(packageRoot(), 'build', folder, 'Release', 'gridcentric.node');
}

/**
 * Loads the addon on first use (never at import time). Where the install found no libgridcentric
 * (so built no system flavor), asking for it throws a GridcentricError `ERR_UNSUPPORTED_PLATFORM`.
 */
export function loadAddon(flavor: AddonFlavor): GridcentricAddonBase {
  const file = addonPath(flavor);
  const cached = loaded.get(file);
  if (cached !== undefined) return cached;
  if (flavor === 'system' && !existsSync(file)) {
    throw new GridcentricError(
      `libgridcentric exists only inside a Gridcentric guest VM, and this machine has no gc-guest.h/libgridcentric build. To run or test code that uses ` +
        '@sysbind/gridcentric here, give it a simulated backend from @sysbind/testing-fakes ' +
        '(createGridcentricSimulator().backend()).',
      { code: 'ERR_UNSUPPORTED_PLATFORM' },
    );
  }
  if (!existsSync(file)) {
    throw new GridcentricError(
      `the ${flavor} build of ${PACKAGE_NAME} is missing (${file}); ` +
        (flavor === 'system' ? 'reinstall the package to rebuild it' : 'run the workspace build'),
      { code: 'ERR_ADDON_NOT_BUILT' },
    );
  }
  const addon = createRequire(import.meta.url)(file) as GridcentricAddonBase & {
    setErrorConstructor(ctor: typeof GridcentricError): void;
  };
  addon.setErrorConstructor(GridcentricError);
  loaded.set(file, addon);
  return addon;
}

let root: string | undefined;
function packageRoot(): string {
  if (root !== undefined) return root;
  // Sources run from src/, builds from dist/esm or dist/cjs: walk up to our package.json.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    ) {
      return (root = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package folder`);
    dir = parent;
  }
}
