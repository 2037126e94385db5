export * from './simulator.ts';
export { createSimulatorBackend, type SimulatorBackendOptions } from './backend.ts';
export { SimLibcontract, type Out, type OutValue, type SimEventHandle, type SimStatusHandle } from './libcontract.ts';
export { OpenFlags, DEVICES_ROOT } from './open-files.ts';
export type { ContractFaultOperation, ContractFaultSpec } from './fault-spec.ts';
export type { Privilege } from './model.ts';
export type { CoreFiles } from './engine.ts';
