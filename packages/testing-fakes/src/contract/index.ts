export {
  createContractSimulator,
  type ContractSimulator,
  type ContractSimulatorOptions,
  type ContractWorld,
  type SimulatedClock,
  type SimulatedContractInfo,
  type SimulatedProcessInfo,
  type SimulatedProcessTemplate,
  type DeviceChangeOutcome,
} from './simulator.ts';
export { createSimulatorBackend, type SimulatorBackendOptions } from './backend.ts';
export { SimLibcontract, type Out, type OutValue, type SimEventHandle, type SimStatusHandle } from './libcontract.ts';
export { OpenFlags, DEVICES_ROOT } from './open-files.ts';
export { FaultInjector, type InjectedErrno } from './faults.ts';
export type { Privilege } from './model.ts';
export type { CoreFiles } from './kernel.ts';
