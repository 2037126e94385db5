import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installPacked } from './support/packed-install.ts';

// What a user on a Gridcentric guest gets from `npm install @sysbind/gridcentric-native`: the
// install hook finds gc-guest.h and builds the system flavor from the tarball's sources. That
// build takes its CMake setup and C++ helpers from the installed @sysbind/core (named by
// @sysbind/core/cmake-js as SYSBIND_CORE_NATIVE_DIR), so this fails if core's tarball lacks them
// or the package looks for them anywhere else. The guest is stood in for by the reconstructed
// gc-guest.h and a stub libgridcentric; the installed package must then load the build it made
// and answer through that library.
const packageDir = fileURLToPath(new URL('../../gridcentric-native', import.meta.url));
const include = path.join(packageDir, 'native/sim/include');

describe.skipIf(process.platform !== 'linux')(
  'packed tarball, installed on a stand-in Gridcentric guest (Linux only: the stub library is built with cc)',
  () => {
    it('builds the system flavor from source with @sysbind/core as installed, and it answers through libgridcentric', (context) => {
      const stub = mkdtempSync(path.join(tmpdir(), 'sysbind-gc-stub-'));
      try {
        execFileSync('cc', [
          '-shared',
          '-fPIC',
          `-I${include}`,
          '-o',
          path.join(stub, 'libgridcentric.so'),
          path.join(packageDir, 'test/fixtures/stub-libgridcentric.c'),
        ]);
        using install = installPacked(
          packageDir,
          { SYSBIND_GC_INCLUDE_DIR: include, LIBRARY_PATH: stub, LD_LIBRARY_PATH: stub },
          { buildTools: 'available' },
        );
        if (install.registryUnreachable) context.skip(`the npm registry is unreachable:\n${install.output}`);
        expect(install.status, install.output).toBe(0);

        const probe = `
          const native = require('@sysbind/gridcentric-native');
          const gc = native.createNativeGridcentricBackend();
          const results = [native.loadAddon('system').flavor, gc.version()];
          try { gc.check(); } catch (error) { results.push(error.code + ' ' + error.syscall); }
          gc.close();
          console.log(JSON.stringify(results));`;
        expect(JSON.parse(install.node(['-e', probe]))).toEqual(['system', 'stub-1.0', 'ENODEV gc_check']);
      } finally {
        rmSync(stub, { recursive: true, force: true });
      }
    }, 600_000); // an npm install that compiles the addon: minutes on a loaded 2-core machine
  },
);
