import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface Manifest {
  readonly name: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

interface LoadReport {
  readonly keys: readonly string[];
  readonly nativeModules: readonly string[];
}

// Runs in a fresh Node process on the built files (no source condition), as a user would load them.
function load(packageDir: string, specifier: string, mode: 'import' | 'require'): LoadReport {
  const report =
    'const loaded = Object.keys(require("node:module")._cache).filter((file) => file.endsWith(".node"));' +
    'console.log(JSON.stringify({ keys: Object.keys(m).sort(), nativeModules: loaded }));';
  const script =
    mode === 'require'
      ? `const m = require(${JSON.stringify(specifier)});${report}`
      : `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` +
        `const m = await import(${JSON.stringify(specifier)});${report}`;
  const args = mode === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
  const output = execFileSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
  return JSON.parse(output) as LoadReport;
}

/**
 * Checks every public entry point of the package in `packageDir`: `import` and `require()` both
 * work on the built files, expose the same names, and load no `.node` file.
 */
export function describeEntryPoints(packageDir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as Manifest;
  const subpaths = Object.keys(manifest.exports).filter((subpath) => subpath !== './package.json');

  describe(`${manifest.name} entry points`, () => {
    it.each(subpaths)('%s loads with import and require, and loads no native addon', (subpath) => {
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const esm = load(packageDir, specifier, 'import');
      const cjs = load(packageDir, specifier, 'require');
      expect(esm.keys.length).toBeGreaterThan(0);
      expect(cjs.keys.filter((key) => key !== 'default' && key !== '__esModule')).toEqual(
        esm.keys.filter((key) => key !== 'default' && key !== 'module.exports'),
      );
      expect(esm.nativeModules).toEqual([]);
      expect(cjs.nativeModules).toEqual([]);
    });
  });
}
