import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An error class a native addon is handed, so that C++ throws the subsystem's own errors. */
export type AddonErrorClass = new (message: string, details: { code: string; path?: string }) => Error;

/**
 * Which build of an addon to load: `system` is compiled at install against the real library
 * (libcontract on illumos, libgridcentric on a Gridcentric guest); `sim` is the same binding
 * compiled against the in-repo shim of that library, which the testing-fakes simulator answers
 * (any OS).
 */
export type AddonFlavor = 'system' | 'sim';

/** What every build of an addon exports before any binding is wired up. */
export interface AddonBase {
  /** Which build this is. */
  readonly flavor: AddonFlavor;
  /** Numeric constants read from the headers the addon was compiled against. */
  readonly constants: Readonly<Record<string, number>>;
}

/**
 * What a native package tells {@link createAddonLoader} about itself. The package, its addon file
 * and its override variable are named after the subsystem: `contract` is `@sysbind/contract-native`,
 * `contract.node` and `SYSBIND_CONTRACT_ADDON`.
 */
export interface AddonLoaderOptions {
  /** The subsystem's name (`'contract'`, `'gridcentric'`). */
  readonly subsystem: string;
  /** `import.meta.url` of a module inside the package. */
  readonly moduleUrl: string;
  /** The error class the addon constructs (it receives it through `setErrorConstructor`). */
  readonly errorClass: AddonErrorClass;
  /**
   * Why the system flavor cannot run here, or undefined when it can; `file` is where its build
   * would be. The loader throws it as an `ERR_UNSUPPORTED_PLATFORM` error that points at the
   * simulator `simulatorFactory` of `@sysbind/testing-fakes`.
   */
  readonly unsupported: (file: string) => string | undefined;
  /** The testing-fakes function that creates the subsystem's simulator (`'createContractSimulator'`). */
  readonly simulatorFactory: string;
}

/** Finds and loads the builds of one native package. */
export interface AddonLoader {
  /** Path of the compiled addon of `flavor` (build/<flavor>/Release/<file>). */
  addonPath(flavor: AddonFlavor): string;
  /** Loads `flavor` on first use (never at import time), once per process and thread. */
  loadAddon(flavor: AddonFlavor): AddonBase;
}

/**
 * The loader of a cmake-js addon with one build folder per flavor. `SYSBIND_SANITIZE=1` selects the
 * instrumented sim build (build/sim-asan). A plain `require` of the explicit path is all that
 * cmake-js output needs, and keeps the package free of loader dependencies.
 */
export function createAddonLoader(options: AddonLoaderOptions): AddonLoader {
  const packageName = `@sysbind/${options.subsystem}-native`;
  const overrideVariable = `SYSBIND_${options.subsystem.toUpperCase()}_ADDON`;
  const loaded = new Map<string, AddonBase>();
  let root: string | undefined;

  function packageRoot(): string {
    // Sources run from src/, builds from dist/esm or dist/cjs: walk up to the package.json.
    let dir = path.dirname(fileURLToPath(options.moduleUrl));
    for (;;) {
      const manifest = path.join(dir, 'package.json');
      if (
        existsSync(manifest) &&
        (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === packageName
      ) {
        return dir;
      }
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`${packageName}: cannot find the package folder`);
      dir = parent;
    }
  }

  function addonPath(flavor: AddonFlavor): string {
    const override = process.env[overrideVariable];
    if (flavor === 'system' && override !== undefined && override !== '') return path.resolve(override);
    const folder = flavor === 'sim' && process.env['SYSBIND_SANITIZE'] === '1' ? 'sim-asan' : flavor;
    root ??= packageRoot();
    return path.join(root, 'build', folder, 'Release', `${options.subsystem}.node`);
  }

  function loadAddon(flavor: AddonFlavor): AddonBase {
    const file = addonPath(flavor);
    const cached = loaded.get(file);
    if (cached !== undefined) return cached;
    const unsupported = flavor === 'system' ? options.unsupported(file) : undefined;
    if (unsupported !== undefined) {
      throw new options.errorClass(
        `${unsupported}. To run or test code that uses @sysbind/${options.subsystem} here, give it a simulated ` +
          `backend from @sysbind/testing-fakes (${options.simulatorFactory}().backend()).`,
        { code: 'ERR_UNSUPPORTED_PLATFORM' },
      );
    }
    if (!existsSync(file)) {
      const hint = flavor === 'system' ? 'reinstall the package to rebuild it' : 'run the workspace build';
      throw new options.errorClass(`the ${flavor} build of ${packageName} is missing (${file}); ${hint}`, {
        code: 'ERR_ADDON_NOT_BUILT',
        path: file,
      });
    }
    const addon = createRequire(options.moduleUrl)(file) as AddonBase & {
      setErrorConstructor(ctor: AddonErrorClass): void;
    };
    addon.setErrorConstructor(options.errorClass);
    loaded.set(file, addon);
    return addon;
  }

  return { addonPath, loadAddon };
}
