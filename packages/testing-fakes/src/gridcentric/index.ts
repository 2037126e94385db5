export {
  createGridcentricSimulator,
  type CloneHook,
  type CloneSide,
  type DomainSnapshot,
  type GridcentricSimulator,
  type GridcentricSimulatorOptions,
  type GridcentricSimulatorSnapshot,
  type GridcentricWorld,
  type TicketSnapshot,
  type WaitSnapshot,
} from './simulator.ts';
export { createGuestApiBackend } from './backend.ts';
export type { SimulatorClock, SimulatorClockMode } from '../shared/clock.ts';
export type { FaultableFunction, GridcentricFaultSpec } from './fault-spec.ts';
export { openSimulatedGuest, type SimulatedGuest, type SimulatedGuestOptions } from './simulated-guest.ts';
export type { CloneProcessInfo, CloneProcessOptions } from './clone-processes.ts';
export type { ReapCause, TicketLifecycle } from './model.ts';
export { deriveCloneIp, GC_DEFAULT_CLONE_NETWORK, GC_SIMULATED_LIBRARY_VERSION } from './policy.ts';
