import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
import { describeGridcentricBackend } from '@sysbind/testing-fakes/conformance';

// The same suite the simulator's own backend passes, on the native addon: its C shim forwards
// every libgridcentric call of the binding's threads to the simulated VM.
describeGridcentricBackend('native addon over the simulator', (_guest, { simulator, vmid }) =>
  createSimulatedNativeBackend(simulator, { vmid }),
);
