import { describe, expect, it } from 'vitest';
import { runDifferential } from './support/gridcentric-differential.ts';

// The native backend over the simulator must agree, step by step, with the simulator's own
// backend on random sequences of calls, waits, aborts and world events (see the support file for
// what is compared). CI runs the fixed seeds below; `pnpm run diff:gridcentric --seeds N` runs
// many (it sets SYSBIND_DIFF_SEEDS, SYSBIND_DIFF_FIRST_SEED, SYSBIND_DIFF_STEPS and
// SYSBIND_DIFF_WAITS_IN_LIBRARY).
const env = process.env;
const steps = Number(env['SYSBIND_DIFF_STEPS'] ?? '60');
const runs: [seed: number, waitsInLibrary: number][] =
  env['SYSBIND_DIFF_SEEDS'] === undefined
    ? [
        // Most waits past the bound (2 in the library), none in the library, the whole pool.
        ...Array.from({ length: 10 }, (_, index): [number, number] => [index + 1, 2]),
        ...[11, 12, 13].map((seed): [number, number] => [seed, 0]),
        ...[14, 15, 16].map((seed): [number, number] => [seed, 8]),
      ]
    : Array.from({ length: Number(env['SYSBIND_DIFF_SEEDS']) }, (_, index): [number, number] => [
        Number(env['SYSBIND_DIFF_FIRST_SEED'] ?? '1') + index,
        Number(env['SYSBIND_DIFF_WAITS_IN_LIBRARY'] ?? String(index % 3 === 0 ? 0 : index % 3 === 1 ? 2 : 8)),
      ]);

describe('native backend vs the simulator backend, on random sequences', () => {
  it.each(runs)(
    'seed %i (%i waits in the library): every step has the same outcomes',
    async (seed, waitsInLibrary) => {
      const summary = await runDifferential({ seed, steps, waitsInLibrary });
      expect(summary.steps).toBe(steps);
    },
    120_000,
  );
});
