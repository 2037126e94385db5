import { isGridcentricError } from '@sysbind/gridcentric-interface';
import { currentBackend } from './backend-slot.ts';

/** The guest library's version string. */
export function gc_version(): string {
  return currentBackend().version();
}

/** 0 if this VM can use the guest library, -1 if not (not a Gridcentric VM, or controller unreachable). */
export function gc_check(): 0 | -1 {
  const backend = currentBackend();
  try {
    backend.check();
    return 0;
  } catch (error) {
    if (isGridcentricError(error)) return -1;
    throw error;
  }
}

/** This VM's address as a dotted quad, or -1 on error. */
export function gc_my_ip(): string | -1 {
  const backend = currentBackend();
  try {
    return backend.myIp();
  } catch (error) {
    if (isGridcentricError(error)) return -1;
    throw error;
  }
}
