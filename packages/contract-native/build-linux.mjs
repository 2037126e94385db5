// The Linux flavor of the addon, its sentinel and its enter helper (SYSBIND_FLAVOR=linux), into build/linux, then
// copied to prebuilds/linux-<arch>, the folder the package ships so that installing on that
// target compiles nothing. Run by the workspace build on Linux, and by the install hook on Linux
// targets without a prebuilt binary. Does nothing elsewhere.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.platform !== 'linux') process.exit(0);
const here = path.dirname(fileURLToPath(import.meta.url));
// SYSBIND_SANITIZE=1: an ASan + UBSan build into build/linux-asan, for the sanitizer job only.
const sanitize = process.env.SYSBIND_SANITIZE === '1';
const out = path.join(here, 'build', sanitize ? 'linux-asan' : 'linux');
const options = [
  '--directory',
  here,
  '--out',
  out,
  '--CDSYSBIND_FLAVOR=linux',
  `--CDSYSBIND_SANITIZE=${sanitize ? 'ON' : 'OFF'}`,
  '--log-level',
  'warn',
];
// cmake-js as every install-time build runs it (@sysbind/core/cmake-js: installed, else npm exec).
const { runCmakeJs } = await import('@sysbind/core/cmake-js');
for (const command of ['configure', 'build']) {
  const status = runCmakeJs(here, [command, ...options]);
  if (status !== 0) {
    console.error(
      '@sysbind/contract-native: the Linux build failed (output above); it needs cmake and a C++17 compiler.',
    );
    process.exit(status);
  }
}
if (process.argv.includes('--prebuild') && !sanitize) {
  const target = path.join(here, 'prebuilds', `linux-${process.arch}`);
  mkdirSync(target, { recursive: true });
  for (const file of ['contract.node', 'sysbind-contract-sentinel', 'sysbind-contract-enter'])
    copyFileSync(path.join(out, 'Release', file), path.join(target, file));
}
