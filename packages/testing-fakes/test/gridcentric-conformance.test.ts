import { describeGridcentricBackend } from '../src/conformance.ts';
import { createGuestApiBackend } from '../src/index.ts';

describeGridcentricBackend('simulator backend (createGuestApiBackend over the C-level API)', (guest) =>
  createGuestApiBackend(guest),
);
