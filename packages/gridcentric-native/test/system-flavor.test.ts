import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCmakeJs } from '@sysbind/core/cmake-js';
import { afterAll, describe, expect, it } from 'vitest';

// The system flavor is built at install time on a Gridcentric guest only. Here it is built the
// same way (cmake-js through @sysbind/core/cmake-js, -DSYSBIND_FLAVOR=system) against the reconstructed header and a stand-in
// libgridcentric, to prove the binding compiles with exactly the header's names, links
// -lgridcentric, and runs: loaded through the SYSBIND_GRIDCENTRIC_ADDON override.
const packageDir = path.resolve(new URL('..', import.meta.url).pathname);
const work = mkdtempSync(path.join(tmpdir(), 'sysbind-system-flavor-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('system flavor', () => {
  it('builds against gc-guest.h and -lgridcentric, and answers through the library', () => {
    const include = path.join(packageDir, 'native/sim/include');
    const library = path.join(work, 'libgridcentric.so');
    execFileSync('cc', [
      '-shared',
      '-fPIC',
      '-Wall',
      '-Werror',
      `-I${include}`,
      '-o',
      library,
      path.join(packageDir, 'test/fixtures/stub-libgridcentric.c'),
    ]);
    const out = path.join(work, 'build');
    const status = runCmakeJs(
      packageDir,
      [
        'rebuild',
        '--out',
        out,
        '--CDSYSBIND_FLAVOR=system',
        `--CDSYSBIND_GC_INCLUDE_DIR=${include}`,
        '--log-level',
        'warn',
      ],
      { env: { ...process.env, LIBRARY_PATH: work } },
    );
    expect(status, 'the system build failed (its output is above)').toBe(0);
    const probe = `
      import { createNativeGridcentricBackend, loadAddon } from '@sysbind/gridcentric-native';
      const results = [loadAddon('system').flavor];
      const gc = createNativeGridcentricBackend();
      results.push(gc.version());
      try { gc.check(); } catch (error) { results.push(error.code + ' ' + error.syscall); }
      results.push(await gc.requestTickets(1).catch((error) => error.code + ' ' + error.syscall));
      results.push(await gc.listCloneDomains());
      results.push(await gc.waitAny().catch((error) => error.code + ' ' + error.syscall));
      results.push(await gc.waitDomain(5).catch((error) => error.code + ' ' + error.vmid));
      gc.close();
      console.log(JSON.stringify(results));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: packageDir,
      env: {
        ...process.env,
        LD_LIBRARY_PATH: work,
        SYSBIND_GRIDCENTRIC_ADDON: path.join(out, 'Release/gridcentric.node'),
      },
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual([
      'system',
      'stub-1.0',
      'ENODEV gc_check',
      'ENODEV gc_request_tickets',
      [],
      'ECHILD gc_wait_any',
      'ECHILD 5',
    ]);
  }, 300_000); // a full cmake build of the system flavor: minutes on a loaded 2-core machine
});
