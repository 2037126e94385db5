// Runs cmake-js for a native package's install-time build. cmake-js is a build tool, so it is not
// a dependency of any published package: a workspace checkout has it as a devDependency, and an
// install from the registry runs the pinned version through `npm exec`, so that platforms which
// compile nothing never get a build tool in their tree. Plain JavaScript: install hooks run it
// before anything is built.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The cmake-js every install-time build uses. */
export const CMAKE_JS = 'cmake-js@8.0.0';

function localCmakeJs(packageDir) {
  try {
    return createRequire(path.join(packageDir, 'package.json')).resolve('cmake-js/bin/cmake-js');
  } catch {
    return undefined;
  }
}

/**
 * The folder of the addon setup every native package's CMakeLists.txt includes
 * (cmake/SysbindAddon.cmake) and of the C++ helpers its sources include (include/sysbind), taken
 * from wherever this package is installed, so a native package installed on its own finds it.
 */
export const CORE_NATIVE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native');

/**
 * Runs `cmake-js <args>` for the package in `packageDir`, with SYSBIND_CORE_NATIVE_DIR defined as
 * {@link CORE_NATIVE_DIR}; `env` replaces the environment it runs in. Returns the exit status.
 */
export function runCmakeJs(packageDir, cmakeJsArgs, { env = process.env } = {}) {
  const args = [...cmakeJsArgs, `--CDSYSBIND_CORE_NATIVE_DIR=${CORE_NATIVE_DIR}`];
  const local = localCmakeJs(packageDir);
  const { status } =
    local === undefined
      ? spawnSync('npm', ['exec', '--yes', `--package=${CMAKE_JS}`, '--', 'cmake-js', ...args], {
          cwd: packageDir,
          env,
          stdio: 'inherit',
          shell: process.platform === 'win32',
        })
      : spawnSync(process.execPath, [local, ...args], { cwd: packageDir, env, stdio: 'inherit' });
  return status ?? 1;
}

/** Builds the system flavor into build/system; a failure ends the install with the reason. */
export function buildSystemFlavor({ packageName, packageDir, cmakeArgs, needs }) {
  const status = runCmakeJs(packageDir, [
    'rebuild',
    '--out',
    'build/system',
    '--CDSYSBIND_FLAVOR=system',
    ...cmakeArgs,
  ]);
  if (status !== 0) {
    console.error(`${packageName}: the system build failed (output above).`);
    console.error(`It needs ${needs}, and ${CMAKE_JS} (fetched with npm exec when not installed).`);
    process.exit(status);
  }
}
