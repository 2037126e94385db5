import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { describeContractBackend } from '@sysbind/testing-fakes/conformance';
import { createContractSimulator } from '@sysbind/testing-fakes';

// The suite the simulator's own backend passes, on the native addon's sim flavor: the binding's
// calls into libcontract reach the same simulator through the C shim, and events arrive through
// uv_poll on real descriptors.
describeContractBackend('native addon over the simulator', (options) => {
  const sim = createContractSimulator(options);
  return { sim, backend: createSimulatedNativeBackend(sim) };
});
