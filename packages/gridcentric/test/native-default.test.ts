import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as compat from '../src/compat.ts';
import { createGridcentric, isGridcentricError } from '../src/index.ts';

// This machine is no Gridcentric guest: the default (native) backend must fail typed and helpful,
// and only when first used.
describe('the default native backend off a Gridcentric guest', () => {
  it('createGridcentric() succeeds; the first call throws ERR_UNSUPPORTED_PLATFORM pointing at the fakes', async () => {
    const gc = createGridcentric();
    let thrown: unknown;
    try {
      gc.version();
    } catch (error) {
      thrown = error;
    }
    expect(isGridcentricError(thrown, 'ERR_UNSUPPORTED_PLATFORM')).toBe(true);
    expect((thrown as Error).message).toContain('@sysbind/testing-fakes');
    await expect(gc.requestTicket(1)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_PLATFORM' });
  });

  it('compat functions throw ERR_UNSUPPORTED_PLATFORM synchronously when no backend was chosen', () => {
    compat.useBackend(undefined);
    expect(() => compat.gc_version()).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_PLATFORM' }) as Error);
    expect(() => {
      compat.wait_any(() => undefined);
    }).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_PLATFORM' }) as Error);
  });

  it('item 10: compat gc_check() answers -1 off a guest, as the seed probe `if (gc_check() !== 0)` expects; the facade check() keeps its typed error', () => {
    compat.useBackend(undefined);
    expect(compat.gc_check()).toBe(-1);
    // The probe does not pin a failed load: a later call still reports why.
    expect(() => compat.gc_my_ip()).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_PLATFORM' }) as Error);
    expect(() => {
      createGridcentric().check();
    }).toThrow(expect.objectContaining({ name: 'GridcentricError', code: 'ERR_UNSUPPORTED_PLATFORM' }) as Error);
  });

  it('neither importing nor the failed first use loads a native addon', () => {
    const gc = createGridcentric();
    expect(() => gc.myIp()).toThrow();
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.endsWith('.node'));
    expect(loaded).toEqual([]);
  });
});
