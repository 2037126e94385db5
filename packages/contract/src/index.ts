export { createContractSystem, ContractSystem } from './system.ts';
export type {
  ContractSystemOptions,
  ContractSpawnOptions,
  ContractSpawnResult,
  ActiveTemplate,
  ObserveOptions,
  OpenedDevice,
  DeviceOpenFlags,
} from './system.ts';
export { Contract, OBSERVER_CHECK_INTERVAL, type ContractRole, type ContractHandles } from './contract.ts';
export { ContractWatcher } from './watcher.ts';
export { ContractEventSource, type EventsOptions } from './event-source.ts';
export type { ContractListener } from './subscriber-context.ts';
export {
  decodeExitStatus,
  type ContractEvent,
  type ContractEventCommon,
  type ContractEventOf,
  type ProcessEmptyEvent,
  type ProcessForkEvent,
  type ProcessExitEvent,
  type ProcessCoreEvent,
  type ProcessSignalEvent,
  type ProcessHardwareErrorEvent,
  type DeviceStateEvent,
  type NegotiationEndEvent,
  type UnknownContractEvent,
  type CoreFilePaths,
  type DecodedExitStatus,
  type ExitedStatus,
  type SignaledStatus,
} from './event.ts';
export type { ContractStatus, CommonContractStatus, ProcessContractStatus, DeviceContractStatus } from './status.ts';
export type { ContractTemplate, ProcessTemplate, DeviceTemplate } from './template.ts';
export { AbortError } from './errors.ts';
export { UNCLAIMED_EVENT_LIMIT } from './router.ts';
export {
  ContractError,
  isContractError,
  CONTRACT_STATES,
  DEVICE_EVENTS,
  DEVICE_STATES,
  FATAL_EVENTS,
  PROCESS_EVENTS,
  PROCESS_PARAMS,
} from '@sysbind/contract-interface';
export type {
  ContractBackend,
  ContractType,
  ProcessEventName,
  DeviceEventName,
  DeviceStateName,
  ProcessParamName,
  FatalEventName,
  ContractStateName,
} from '@sysbind/contract-interface';
export { NEGEND_EVENT, type ContractEventName } from './names.ts';
