import type { GridcentricBackend } from '@sysbind/gridcentric-interface';
import { createNativeGridcentricBackend } from '@sysbind/gridcentric-native';
import { createGridcentric, type Gridcentric } from '../gridcentric.ts';
import { validateBackend } from '../validate.ts';

// The seed API is a set of module functions, so the backend they use is module state by nature.
// The compat functions call the facade, one facade per selected backend, as the contract compat
// does; the backend is chosen (and the native one loaded) here so that a load failure stays
// synchronous and gc_check() can tell it from the library's own answer.
let selected: GridcentricBackend | undefined;
let facade: Gridcentric | undefined;

/**
 * Makes every compat function use `backend` (for example a simulator's backend from
 * `@sysbind/testing-fakes`). `undefined` goes back to the default: the native backend, loaded on
 * the next call. Not part of the 2011 bindings.
 */
export function useBackend(backend: GridcentricBackend | undefined): void {
  selected = backend === undefined ? undefined : validateBackend(backend, 'backend');
  // The previous facade is dropped, not closed: closing would abort the waits still pending on the
  // previous backend, which the 2011 API had no way to withdraw.
  facade = undefined;
}

/**
 * The backend the compat functions use now. Off a Gridcentric guest, with no backend selected, it
 * throws the GridcentricError `ERR_UNSUPPORTED_PLATFORM`: the analogue of the 2011 addon failing
 * to load without libgridcentric, only deferred to the first call so that importing never fails.
 */
function currentBackend(): GridcentricBackend {
  selected ??= createNativeGridcentricBackend();
  return selected;
}

/** The facade over {@link currentBackend}, created with it; throws as {@link currentBackend} does. */
export function currentFacade(): Gridcentric {
  facade ??= createGridcentric({ backend: currentBackend() });
  return facade;
}
