import type { GridcentricBackend } from '@sysbind/gridcentric-interface';
import { createNativeGridcentricBackend } from '@sysbind/gridcentric-native';
import { validateBackend } from '../validate.ts';

// The seed API is a set of module functions, so the backend they use is module state by nature.
let selected: GridcentricBackend | undefined;

/**
 * Makes every compat function use `backend` (for example a simulator's backend from
 * `@sysbind/testing-fakes`). `undefined` goes back to the default: the native backend, loaded on
 * the next call. Not part of the 2011 bindings.
 */
export function useBackend(backend: GridcentricBackend | undefined): void {
  selected = backend === undefined ? undefined : validateBackend(backend, 'backend');
}

/**
 * The backend the compat functions use now. Off a Gridcentric guest, with no backend selected, it
 * throws the GridcentricError `ERR_UNSUPPORTED_PLATFORM`: the analogue of the 2011 addon failing
 * to load without libgridcentric, only deferred to the first call so that importing never fails.
 */
export function currentBackend(): GridcentricBackend {
  selected ??= createNativeGridcentricBackend();
  return selected;
}
