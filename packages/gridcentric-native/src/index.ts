export { GridcentricError, isGridcentricError, type GridcentricErrorDetails } from './errors.ts';
export { addonPath, loadAddon, type AddonFlavor, type GridcentricAddonBase } from './addon.ts';
