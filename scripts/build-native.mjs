// Workspace build of the native package in the current directory: the sim flavor (the binding
// compiled against the in-repo shim), in build/sim, or with SYSBIND_SANITIZE=1 an ASan + UBSan
// build in build/sim-asan. The system flavor is built by the package's install hook on its target.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const sanitize = process.env.SYSBIND_SANITIZE === '1';
const out = path.join('build', sanitize ? 'sim-asan' : 'sim');
const cmakeJs = createRequire(path.resolve('package.json')).resolve('cmake-js/bin/cmake-js');
const options = [
  '--out',
  out,
  '--CDSYSBIND_FLAVOR=sim',
  `--CDSYSBIND_SANITIZE=${sanitize ? 'ON' : 'OFF'}`,
  '--log-level',
  'warn',
];

// `configure` first: `build` alone would reuse a stale cache and ignore changed -D options.
for (const command of ['configure', 'build']) {
  const { status } = spawnSync(process.execPath, [cmakeJs, command, ...options], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
