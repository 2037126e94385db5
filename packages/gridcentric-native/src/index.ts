export { addonPath, loadAddon, type AddonFlavor, type GridcentricAddonBase } from './addon.ts';
export {
  createNativeGridcentricBackend,
  type NativeBackendOptions,
  type NativeBackendStats,
  type NativeGridcentricBackend,
} from './native-backend.ts';
