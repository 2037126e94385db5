export { createLinuxContractBackend } from './backend.ts';
export {
  probeLinuxContractHost,
  unsupportedHostError,
  type LinuxContractCapabilities,
  type MissingFeature,
} from './host.ts';
