import { describeContractBackend } from '../src/conformance.ts';
import { createContractSimulator } from '../src/index.ts';

describeContractBackend('simulator backend', (options) => {
  const sim = createContractSimulator(options);
  return { backend: sim.backend(), sim };
});
