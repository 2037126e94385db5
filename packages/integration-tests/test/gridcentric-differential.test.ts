import { describe, expect, it } from 'vitest';
import { runDifferential } from './support/gridcentric-differential.ts';

// The native backend over the simulator must agree, step by step, with the simulator's own
// backend on random sequences of calls, waits, aborts and world events (see the support file for
// what is compared). CI runs these fixed seeds; `pnpm run diff:gridcentric --seeds N` runs many
// (SYSBIND_DIFF_SEEDS / SYSBIND_DIFF_FIRST_SEED select them here).
const count = Number(process.env['SYSBIND_DIFF_SEEDS'] ?? '12');
const first = Number(process.env['SYSBIND_DIFF_FIRST_SEED'] ?? '1');
const steps = Number(process.env['SYSBIND_DIFF_STEPS'] ?? '60');
const seeds = Array.from({ length: count }, (_, index) => first + index);

describe('native backend vs the simulator backend, on random sequences', () => {
  it.each(seeds)('seed %i: every step has the same outcomes', async (seed) => {
    const summary = await runDifferential({ seed, steps });
    expect(summary.steps).toBe(steps);
  }, 120_000);
});
