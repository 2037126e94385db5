// Install hook. On illumos (process.platform 'sunos') it builds the system flavor against
// <libcontract.h> and -lcontract, and a failed build fails the install loudly. On Linux it uses
// the prebuilt Linux flavor shipped in prebuilds/linux-<arch> when there is one (Linux x64
// compiles nothing), and otherwise tries to build it; a failed Linux build does not fail the
// install: the first use then says what is missing. Elsewhere nothing is compiled, and the
// facade reports ERR_UNSUPPORTED_PLATFORM only when the native backend is asked for.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

if (process.platform === 'sunos') {
  const { buildSystemFlavor } = await import('@sysbind/core/cmake-js');
  buildSystemFlavor({
    packageName: '@sysbind/contract-native',
    packageDir: here,
    cmakeArgs: [],
    needs: 'cmake, a C++17 compiler and the illumos system headers',
  });
} else if (process.platform === 'linux') {
  const prebuilt = path.join(here, 'prebuilds', `linux-${process.arch}`, 'contract.node');
  const built = path.join(here, 'build', 'linux', 'Release', 'contract.node');
  if (!existsSync(prebuilt) && !existsSync(built)) {
    const { status } = spawnSync(process.execPath, [path.join(here, 'build-linux.mjs')], { stdio: 'inherit' });
    if (status !== 0) {
      console.error(
        `@sysbind/contract-native: no prebuilt Linux binary for ${process.arch} and no build possible here; ` +
          'process contracts on Linux will report ERR_ADDON_NOT_BUILT when used.',
      );
    }
  }
}
