export type { AddonFlavor } from '@sysbind/core';
export { addonPath, loadAddon } from './addon.ts';
export {
  createNativeGridcentricBackend,
  type GridcentricAddonBase,
  type NativeBackendOptions,
  type NativeBackendStats,
  type NativeGridcentricBackend,
} from './native-backend.ts';
