export { GridcentricError, isGridcentricError, type GridcentricErrorDetails } from './errors.ts';
export { addonPath, loadAddon, type AddonFlavor, type GridcentricAddonBase } from './addon.ts';
export * from './api.ts';
export type { GridcentricBackend } from './backend.ts';
export type { GcCancel, GcCompletion, GcGuestApi } from './guest-api.ts';
export { createAbortError, isAbortError, type AbortError } from './abort.ts';
export {
  createNativeGridcentricBackend,
  type NativeBackendStats,
  type NativeGridcentricBackend,
} from './native-backend.ts';
