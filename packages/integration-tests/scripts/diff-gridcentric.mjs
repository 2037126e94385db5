// Runs the Gridcentric differential test (test/gridcentric-differential.test.ts) on many seeds:
// the native backend over the simulator against the simulator's own backend, step by step.
//
//   pnpm run diff:gridcentric --seeds 200 [--first 1] [--steps 60] [--waits-in-library 0..8]
//
// Without --waits-in-library the seeds cycle through 0, 2 and 8 waits in the library. A failure
// prints the seed and the steps that led to it; rerun that seed with --first S --seeds 1.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    first: { type: 'string', default: '1' },
    steps: { type: 'string', default: '60' },
    'waits-in-library': { type: 'string' },
  },
});
for (const [name, value] of Object.entries(values)) {
  if (value !== undefined && !/^\d+$/.test(value)) {
    console.error(`diff:gridcentric: --${name} must be a non-negative integer, got ${value}`);
    process.exit(2);
  }
}
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  SYSBIND_DIFF_SEEDS: values.seeds,
  SYSBIND_DIFF_FIRST_SEED: values.first,
  SYSBIND_DIFF_STEPS: values.steps,
};
if (values['waits-in-library'] !== undefined) env.SYSBIND_DIFF_WAITS_IN_LIBRARY = values['waits-in-library'];
const started = Date.now();
const { status } = spawnSync('npx', ['vitest', 'run', 'test/gridcentric-differential.test.ts', '--reporter=dot'], {
  cwd: packageDir,
  env,
  stdio: 'inherit',
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const last = Number(values.first) + Number(values.seeds) - 1;
console.log(
  `diff:gridcentric: seeds ${values.first}..${last}, ${values.steps} steps each: ${status === 0 ? 'no difference' : 'DIFFERENCES (see above)'} (${seconds} s)`,
);
process.exit(status ?? 1);
