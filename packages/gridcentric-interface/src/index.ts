/**
 * What every implementation of libgridcentric in `@sysbind` shares: the backend interface the
 * `@sysbind/gridcentric` facade consumes, the guest library as a callback table (the simulator
 * implements one per VM; the native addon's test build forwards to it), the error class every
 * backend throws, the AbortError shape, and the C constants. No native code and no dependencies.
 *
 * @module
 */
export { GridcentricError, isGridcentricError, type GridcentricErrorDetails } from './errors.ts';
export * from './api.ts';
export type { GridcentricBackend } from './backend.ts';
export type { GcCancel, GcCompletion, GcGuestApi, SimulatorForNativeBackend } from './guest-api.ts';
export { AbortError, createAbortError, isAbortError } from '@sysbind/core';
