import { isGridcentricError } from '@sysbind/gridcentric-interface';
import { currentFacade } from './backend-slot.ts';

/** The guest library's version string. */
export function gc_version(): string {
  return currentFacade().version();
}

/**
 * 0 if this VM can use the guest library, -1 if not: not a Gridcentric VM (no guest library to
 * load here, or the library says ENODEV), or the controller is unreachable. The seed's natural
 * probe `if (gc_check() !== 0)` therefore works anywhere; the facade's `check()` throws the typed
 * error instead.
 */
export function gc_check(): 0 | -1 {
  let gc;
  try {
    gc = currentFacade();
  } catch (error) {
    // Off a guest there is no library to ask: that is the "not a Gridcentric VM" answer. Any other
    // load failure (a broken install on a guest) is not, and is thrown.
    if (isGridcentricError(error, 'ERR_UNSUPPORTED_PLATFORM')) return -1;
    throw error;
  }
  try {
    gc.check();
    return 0;
  } catch (error) {
    if (isGridcentricError(error)) return -1;
    throw error;
  }
}

/** This VM's address as a dotted quad, or -1 on error. */
export function gc_my_ip(): string | -1 {
  const gc = currentFacade();
  try {
    return gc.myIp();
  } catch (error) {
    if (isGridcentricError(error)) return -1;
    throw error;
  }
}
