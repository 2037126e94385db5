import { loadAddon } from './addon.ts';
import type { GridcentricBackend } from './backend.ts';
import { GridcentricError } from './errors.ts';

/**
 * The backend over the real libgridcentric, loaded on first use.
 *
 * Off a Gridcentric guest (no libgridcentric build) it throws a GridcentricError
 * `ERR_UNSUPPORTED_PLATFORM` that points at the simulator in `@sysbind/testing-fakes`. Where the
 * addon does load, it currently throws `ERR_NATIVE_BACKEND_UNAVAILABLE`: the binding of the 17
 * functions lands with the native-addon issue (issue 6), and this function does not pretend.
 */
export function createNativeGridcentricBackend(): GridcentricBackend {
  loadAddon('system');
  throw new GridcentricError(
    'the native Gridcentric backend is not implemented yet: the Node-API binding of libgridcentric lands with issue 6. ' +
      'Until then, use the simulated backend from @sysbind/testing-fakes (createGridcentricSimulator().backend()).',
    { code: 'ERR_NATIVE_BACKEND_UNAVAILABLE' },
  );
}
