import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface Manifest {
  readonly name: string;
  readonly exports: Readonly<Record<string, Readonly<Record<string, unknown>> | string>>;
}

interface LoadReport {
  readonly keys: readonly string[];
  readonly nativeModules: readonly string[];
}

// Runs in a fresh Node process on the built files (no source condition), as a user would load them.
function load(
  packageDir: string,
  specifier: string,
  mode: 'import' | 'require',
): LoadReport | { readonly error: string } {
  const target = JSON.stringify(specifier);
  const body =
    (mode === 'require' ? `const m = require(${target});` : `const m = await import(${target});`) +
    'const loaded = Object.keys(require("node:module")._cache).filter((file) => file.endsWith(".node"));' +
    'console.log(JSON.stringify({ keys: Object.keys(m).sort(), nativeModules: loaded }));';
  const guarded = `try { ${body} } catch (error) { console.log(JSON.stringify({ error: error.code ?? error.message })); }`;
  const args =
    mode === 'require'
      ? ['-e', guarded]
      : [
          '--input-type=module',
          '-e',
          `import { createRequire } from "node:module"; const require = createRequire(import.meta.url); ${guarded}`,
        ];
  const output = execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
  return JSON.parse(output) as LoadReport | { readonly error: string };
}

/**
 * Checks every public entry point of the package in `packageDir`: `import` and `require()` both
 * work on the built files, expose the same names, and load no `.node` file. An entry point that
 * declares no `require` condition (ESM only, such as one that imports vitest) must refuse
 * `require()` with ERR_PACKAGE_PATH_NOT_EXPORTED rather than fail in some other way.
 */
export function describeEntryPoints(packageDir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as Manifest;
  const subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');

  describe(`${manifest.name} entry points`, () => {
    it.each(subpaths)('%s loads with import and require, and loads no native addon', (subpath) => {
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const conditions = manifest.exports[subpath];
      const esm = load(packageDir, specifier, 'import');
      const cjs = load(packageDir, specifier, 'require');
      if ('error' in esm) throw new Error(`import of ${specifier} failed: ${esm.error}`);
      expect(esm.keys.length).toBeGreaterThan(0);
      expect(esm.nativeModules).toEqual([]);
      if (typeof conditions === 'object' && !('require' in conditions)) {
        expect(cjs).toEqual({ error: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
        return;
      }
      if ('error' in cjs) throw new Error(`require of ${specifier} failed: ${cjs.error}`);
      expect(cjs.keys.filter((key) => key !== 'default' && key !== '__esModule')).toEqual(
        esm.keys.filter((key) => key !== 'default' && key !== 'module.exports'),
      );
      expect(cjs.nativeModules).toEqual([]);
    });
  });
}
