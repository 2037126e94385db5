import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An error class a native addon is handed, so that C++ throws the subsystem's own errors. */
export type AddonErrorClass = new (message: string, details: { code: string; path?: string }) => Error;

/** What a native package tells {@link createAddonLoader} about itself. */
export interface AddonLoaderOptions<Flavor extends string> {
  /** The package's name, as in its package.json (the loader finds its folder by it). */
  readonly packageName: string;
  /** `import.meta.url` of a module inside the package. */
  readonly moduleUrl: string;
  /** The addon's file name in each build folder (`contract.node`). */
  readonly fileName: string;
  /** An environment variable whose value, when set, replaces the path of the system flavor. */
  readonly overrideVariable: string;
  /** The error class the addon constructs (it receives it through `setErrorConstructor`). */
  readonly errorClass: AddonErrorClass;
  /**
   * Why `flavor` cannot run here, as an error to throw (code `ERR_UNSUPPORTED_PLATFORM`), or
   * undefined when it can; `file` is where its build would be.
   */
  readonly unsupported: (flavor: Flavor, file: string) => Error | undefined;
  /** What to tell the user when a build that should exist is missing. */
  readonly rebuildHint: (flavor: Flavor) => string;
}

/** Finds and loads the builds of one native package. */
export interface AddonLoader<Flavor extends string, Addon> {
  /** Path of the compiled addon of `flavor` (build/<flavor>/Release/<file>). */
  addonPath(flavor: Flavor): string;
  /** Loads `flavor` on first use (never at import time), once per process and thread. */
  loadAddon(flavor: Flavor): Addon;
}

/**
 * The loader of a cmake-js addon with one build folder per flavor. `SYSBIND_SANITIZE=1` selects the
 * instrumented sim build (build/sim-asan). A plain `require` of the explicit path is all that
 * cmake-js output needs, and keeps the package free of loader dependencies.
 */
export function createAddonLoader<Flavor extends string, Addon>(
  options: AddonLoaderOptions<Flavor>,
): AddonLoader<Flavor, Addon> {
  const loaded = new Map<string, Addon>();
  let root: string | undefined;

  function packageRoot(): string {
    // Sources run from src/, builds from dist/esm or dist/cjs: walk up to the package.json.
    let dir = path.dirname(fileURLToPath(options.moduleUrl));
    for (;;) {
      const manifest = path.join(dir, 'package.json');
      if (
        existsSync(manifest) &&
        (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === options.packageName
      ) {
        return dir;
      }
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`${options.packageName}: cannot find the package folder`);
      dir = parent;
    }
  }

  function addonPath(flavor: Flavor): string {
    const override = process.env[options.overrideVariable];
    if (flavor === 'system' && override !== undefined && override !== '') return path.resolve(override);
    const folder = flavor === 'sim' && process.env['SYSBIND_SANITIZE'] === '1' ? 'sim-asan' : flavor;
    root ??= packageRoot();
    return path.join(root, 'build', folder, 'Release', options.fileName);
  }

  function loadAddon(flavor: Flavor): Addon {
    const file = addonPath(flavor);
    const cached = loaded.get(file);
    if (cached !== undefined) return cached;
    const unsupported = options.unsupported(flavor, file);
    if (unsupported !== undefined) throw unsupported;
    if (!existsSync(file)) {
      throw new options.errorClass(
        `the ${flavor} build of ${options.packageName} is missing (${file}); ${options.rebuildHint(flavor)}`,
        { code: 'ERR_ADDON_NOT_BUILT', path: file },
      );
    }
    const addon = createRequire(options.moduleUrl)(file) as Addon & {
      setErrorConstructor(ctor: AddonErrorClass): void;
    };
    addon.setErrorConstructor(options.errorClass);
    loaded.set(file, addon);
    return addon;
  }

  return { addonPath, loadAddon };
}
