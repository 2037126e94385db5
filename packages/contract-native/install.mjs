// Install hook. On illumos (process.platform 'sunos') it builds the system flavor against
// <libcontract.h> and -lcontract, and a failed build fails the install loudly. Elsewhere there is
// no libcontract to bind: nothing is compiled, and the facade reports ERR_UNSUPPORTED_PLATFORM
// only when the native backend is asked for.
import { buildSystemFlavor } from './build-system-flavor.mjs';

if (process.platform === 'sunos') {
  buildSystemFlavor({
    packageName: '@sysbind/contract-native',
    cmakeArgs: [],
    needs: 'cmake, a C++17 compiler and the illumos system headers',
  });
}
