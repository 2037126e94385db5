// Install hook. On a Gridcentric guest (gc-guest.h installed by the gc-guest-base package) it
// builds the system flavor against <gc-guest.h> and -lgridcentric, and a failed build fails the
// install loudly. Elsewhere nothing is compiled; the facade reports ERR_UNSUPPORTED_PLATFORM only
// when the native backend is asked for. SYSBIND_GC_INCLUDE_DIR names a non-standard header folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const includeDir = process.env.SYSBIND_GC_INCLUDE_DIR ?? '/usr/include';
if (existsSync(path.join(includeDir, 'gc-guest.h'))) {
  const { buildSystemFlavor } = await import('@sysbind/core/cmake-js');
  buildSystemFlavor({
    packageName: '@sysbind/gridcentric-native',
    packageDir: path.dirname(fileURLToPath(import.meta.url)),
    cmakeArgs: [`--CDSYSBIND_GC_INCLUDE_DIR=${includeDir}`],
    needs: 'cmake, a C++17 compiler, gc-guest.h and libgridcentric',
  });
}
