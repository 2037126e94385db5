import { describeContractBackend } from '../src/conformance.ts';

describeContractBackend('simulator backend', (_library, { simulator, pid }) => simulator.backend({ pid }));
