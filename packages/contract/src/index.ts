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
export { ContractError, isContractError, type ContractBackend, type ContractType } from '@sysbind/contract-interface';
export {
  CONTRACT_STATES,
  DEVICE_EVENTS,
  DEVICE_STATES,
  FATAL_EVENTS,
  NEGEND_EVENT,
  PROCESS_EVENTS,
  PROCESS_PARAMS,
  type ContractEventName,
  type ProcessEventName,
  type DeviceEventName,
  type DeviceStateName,
  type ProcessParamName,
  type FatalEventName,
  type ContractStateName,
} from './names.ts';
