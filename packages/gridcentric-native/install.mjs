// Install hook. On a Gridcentric guest (gc-guest.h installed by the gc-guest-base package) it
// builds the system flavor against <gc-guest.h> and -lgridcentric, and a failed build fails the
// install loudly. Elsewhere nothing is compiled; the facade reports ERR_UNSUPPORTED_PLATFORM only
// when the native backend is asked for. SYSBIND_GC_INCLUDE_DIR names a non-standard header folder.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const includeDir = process.env.SYSBIND_GC_INCLUDE_DIR ?? '/usr/include';
if (existsSync(path.join(includeDir, 'gc-guest.h'))) {
  const args = [
    'rebuild',
    '--out',
    'build/system',
    '--CDSYSBIND_FLAVOR=system',
    `--CDSYSBIND_GC_INCLUDE_DIR=${includeDir}`,
  ];
  const { status } = spawnSync('cmake-js', args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error('@sysbind/gridcentric-native: the build against libgridcentric failed (output above).');
    console.error('It needs cmake, a C++17 compiler, gc-guest.h and libgridcentric.');
    process.exit(status ?? 1);
  }
}
