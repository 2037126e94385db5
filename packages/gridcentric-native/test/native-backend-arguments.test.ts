// Regressions found by the fuzzer (packages/integration-tests/fuzz): argument errors of the native
// backend must be Node-style errors that start nothing in the addon and run none of the caller's
// code.
import { describe, expect, it } from 'vitest';
import { createSimulatedNativeBackend } from '../src/testing.ts';
import { createStubGuestApi } from './stub-guest-api.ts';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('native backend argument errors', () => {
  it('rejects a signal that is no AbortSignal before the wait starts', async () => {
    const api = createStubGuestApi();
    using backend = createSimulatedNativeBackend(api);
    const notSignals: unknown[] = [{}, 1, 'signal', new EventTarget(), null];
    for (const signal of notSignals) {
      const waits = [
        backend.waitAny(signal as AbortSignal),
        backend.waitDomain(2, signal as AbortSignal),
        backend.syncTicket(1, signal as AbortSignal),
      ];
      for (const wait of waits) {
        await expect(wait).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      }
    }
    await tick(20);
    // Before the fix each of these waits stayed registered, and its completion threw an uncaught
    // ReferenceError from the adapter's callback.
    expect(backend.stats().pendingWaits).toBe(0);
    expect(api.pending.size).toBe(0);
  });

  it('describes a bad id without calling its toString', async () => {
    using backend = createSimulatedNativeBackend(createStubGuestApi());
    const unprintable: unknown[] = [
      Object.create(null),
      Symbol('id'),
      {
        toString() {
          throw new Error('toString must not run');
        },
      },
    ];
    for (const id of unprintable) {
      await expect(backend.clone(id as number)).rejects.toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
  });
});
