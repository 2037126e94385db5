// Workspace build of the native package in the current directory: the sim flavor (the binding
// compiled against the in-repo shim), in build/sim, or with SYSBIND_SANITIZE=1 an ASan + UBSan
// build in build/sim-asan. The system flavor is built by the package's install hook on its target.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const sanitize = process.env.SYSBIND_SANITIZE === '1';
const out = path.join('build', sanitize ? 'sim-asan' : 'sim');
const options = [
  '--out',
  out,
  '--CDSYSBIND_FLAVOR=sim',
  `--CDSYSBIND_SANITIZE=${sanitize ? 'ON' : 'OFF'}`,
  '--log-level',
  'warn',
];

// cmake-js as every build of a native package runs it: @sysbind/core/cmake-js, which names the
// shared addon setup the package's CMakeLists.txt includes. That export is import-only and this
// script runs from the workspace root's scripts/, so it is found through the package's own
// @sysbind/core (whose package.json is exported).
const core = path.dirname(createRequire(path.resolve('package.json')).resolve('@sysbind/core/package.json'));
const { runCmakeJs } = await import(pathToFileURL(path.join(core, 'install', 'cmake-js.mjs')).href);

// `configure` first: `build` alone would reuse a stale cache and ignore changed -D options.
for (const command of ['configure', 'build']) {
  const status = runCmakeJs(process.cwd(), [command, ...options]);
  if (status !== 0) process.exit(status);
}
