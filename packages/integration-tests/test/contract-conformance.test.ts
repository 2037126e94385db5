import { describe, expect, it } from 'vitest';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { describeContractBackend } from '@sysbind/testing-fakes/conformance';
import { createContractSimulator } from '@sysbind/testing-fakes';

// The suite the simulator's own backend passes, on the native addon's sim flavor: the binding's
// calls into libcontract reach the same simulator through the C shim, and events arrive through
// uv_poll on real descriptors.
describeContractBackend('native addon over the simulator', (_library, { simulator, pid }) =>
  createSimulatedNativeBackend(simulator, { pid }),
);

// What the shared suite cannot see: the C shim's own answers, told apart by how often the binding
// has to call it.
describe('native addon over the simulator: the C shim behaves like libcontract', () => {
  // Linux's PATH_MAX: the size of the binding's first buffer for ct_dev_tmpl_get_minor.
  const PATH_MAX = 4096;

  function minorOfLength(length: number): string {
    const head = '/pci@0/disk@0:';
    return head + 'x'.repeat(length - head.length);
  }

  it('item 12: ct_dev_tmpl_get_minor is EOVERFLOW for a buffer of exactly strlen+1 bytes (lib/libcontract device.c: ret >= *buflenp)', () => {
    const sim = createContractSimulator();
    const backend = createSimulatedNativeBackend(sim);
    try {
      for (const [length, calls] of [
        [PATH_MAX - 2, 1], // strlen+1 < PATH_MAX: fits at once
        [PATH_MAX - 1, 2], // strlen+1 == PATH_MAX: EOVERFLOW asking for strlen+2, then fits
      ] as const) {
        const minor = minorOfLength(length);
        sim.world.addDevice(minor);
        const handle = backend.openTemplate('device');
        handle.set('minor', minor);
        expect(handle.get('minor')).toBe(minor);
        // The first call succeeds, a second one would fail.
        sim.injectFault({ operation: 'ct_dev_tmpl_get_minor', errno: 'EIO', skip: 1 });
        if (calls === 1) {
          expect(handle.get('minor')).toBe(minor);
        } else {
          expect(() => handle.get('minor')).toThrow(expect.objectContaining({ code: 'EIO' }) as Error);
        }
        sim.clearFaults();
        handle.close();
      }
    } finally {
      backend.close?.();
      sim.close();
    }
  });
});
