export { ContractError, isContractError, type ContractErrorDetails } from './errors.ts';
export { addonPath, loadAddon, type AddonFlavor, type ContractAddonBase } from './addon.ts';
