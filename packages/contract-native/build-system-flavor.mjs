// Builds the system flavor at install time with cmake-js. cmake-js is a build tool, so it is not a
// dependency of this package: a workspace checkout has it as a devDependency, and an install from
// the registry runs the pinned version through `npm exec`, so that platforms which compile nothing
// never get a build tool in their tree. A failed build fails the install loudly.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const CMAKE_JS = 'cmake-js@8.0.0';

function localCmakeJs() {
  try {
    return createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
  } catch {
    return undefined;
  }
}

/** Runs `cmake-js rebuild` of the system flavor into build/system; exits the install on failure. */
export function buildSystemFlavor({ packageName, cmakeArgs, needs }) {
  const args = ['rebuild', '--out', 'build/system', '--CDSYSBIND_FLAVOR=system', ...cmakeArgs];
  const local = localCmakeJs();
  const { status, error } =
    local === undefined
      ? spawnSync('npm', ['exec', '--yes', `--package=${CMAKE_JS}`, '--', 'cmake-js', ...args], {
          stdio: 'inherit',
          shell: process.platform === 'win32',
        })
      : spawnSync(process.execPath, [local, ...args], { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`${packageName}: the system build failed (${error?.message ?? 'output above'}).`);
    console.error(`It needs ${needs}, and ${CMAKE_JS} (fetched with npm exec when not installed).`);
    process.exit(status ?? 1);
  }
}
