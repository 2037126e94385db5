export type { AddonFlavor } from '@sysbind/core';
export { addonPath, loadAddon } from './addon.ts';
export type { ContractAddonBase } from './native-addon.ts';
export { createNativeContractBackend } from './native-backend.ts';
export {
  createLinuxContractBackend,
  probeLinuxContractHost,
  type LinuxContractCapabilities,
  type MissingFeature,
} from './linux/index.ts';
