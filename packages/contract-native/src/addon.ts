import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractError } from '@sysbind/contract-interface';

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

const PACKAGE_NAME = '@sysbind/contract-native';
const loaded = new Map<string, ContractAddonBase>();

/** Path of the compiled addon of `flavor`; `SYSBIND_CONTRACT_ADDON` overrides the system build. */
export function addonPath(flavor: AddonFlavor): string {
  const override = process.env['SYSBIND_CONTRACT_ADDON'];
  if (flavor === 'system' && override !== undefined && override !== '') return path.resolve(override);
  const folder = flavor === 'sim' && process.env['SYSBIND_SANITIZE'] === '1' ? 'sim-asan' : flavor;
  return path.join(packageRoot(), 'build', folder, 'Release', 'contract.node');
}

/**
 * Loads the addon on first use (never at import time). Off illumos, asking for the system flavor
 * throws a ContractError with code `ERR_UNSUPPORTED_PLATFORM`.
 */
export function loadAddon(flavor: AddonFlavor): ContractAddonBase {
  const file = addonPath(flavor);
  const cached = loaded.get(file);
  if (cached !== undefined) return cached;
  if (flavor === 'system' && process.platform !== 'sunos' && process.env['SYSBIND_CONTRACT_ADDON'] === undefined) {
    throw new ContractError(
      `contract(5) exists only on illumos, and this is ${process.platform}. To run or test code that uses ` +
        '@sysbind/contract here, give it a simulated backend from @sysbind/testing-fakes ' +
        '(createContractSimulator().backend()).',
      { code: 'ERR_UNSUPPORTED_PLATFORM' },
    );
  }
  if (!existsSync(file)) {
    throw new ContractError(
      `the ${flavor} build of ${PACKAGE_NAME} is missing (${file}); ` +
        (flavor === 'system' ? 'reinstall the package to rebuild it' : 'run the workspace build'),
      { code: 'ERR_ADDON_NOT_BUILT', path: file },
    );
  }
  const addon = createRequire(import.meta.url)(file) as ContractAddonBase & {
    setErrorConstructor(ctor: typeof ContractError): void;
  };
  addon.setErrorConstructor(ContractError);
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
