export { ContractError, isContractError, type ContractErrorDetails } from './errors.ts';
export { addonPath, loadAddon, type AddonFlavor, type ContractAddonBase } from './addon.ts';
export * from './constants.ts';
export type * from './backend.ts';
export { COMMON_TEMPLATE_TERMS, PROCESS_TEMPLATE_TERMS, DEVICE_TEMPLATE_TERMS } from './backend.ts';
export { createNativeContractBackend } from './native-backend.ts';
