export { addonPath, loadAddon, type AddonFlavor, type ContractAddonBase } from './addon.ts';
export { createNativeContractBackend } from './native-backend.ts';
export {
  createLinuxContractBackend,
  probeLinuxContractHost,
  type LinuxContractCapabilities,
  type MissingFeature,
} from './linux/index.ts';
