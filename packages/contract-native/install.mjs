// Install hook. On illumos (process.platform 'sunos') it builds the system flavor against
// <libcontract.h> and -lcontract, and a failed build fails the install loudly. Elsewhere there is
// no libcontract to bind: nothing is compiled, and the facade reports ERR_UNSUPPORTED_PLATFORM
// only when the native backend is asked for.
import { spawnSync } from 'node:child_process';

if (process.platform === 'sunos') {
  const args = ['rebuild', '--out', 'build/system', '--CDSYSBIND_FLAVOR=system'];
  const { status } = spawnSync('cmake-js', args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error('@sysbind/contract-native: the build against libcontract failed (output above).');
    console.error('It needs cmake, a C++17 compiler and the illumos system headers.');
    process.exit(status ?? 1);
  }
}
