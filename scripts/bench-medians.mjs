// Runs each benchmark (P1–P4) several times and prints the median of each figure, as the notes
// report them. The rounds are interleaved (P1, P2, P3, P4, then again), so that a change in the
// machine's load over the run affects every benchmark alike. Runs the built packages: build first
// (pnpm run build). Usage: node scripts/bench-medians.mjs [runs] [ids] (default 5, all: P1,P2,…).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
// Optional: a comma-separated list of benchmark ids to run (default: all).
const only = process.argv[3];
if (!Number.isInteger(runs) || runs < 1)
  throw new RangeError(`runs must be a positive integer, not ${process.argv[2]}`);

// Each benchmark prints its figure(s) on its last line; `figures` reads them from it.
const benchmarks = [
  {
    id: 'P1',
    folder: 'packages/integration-tests',
    file: 'bench/pending-waits.mjs',
    target: '<= 1.1',
    figures: (line) => ({ 'readFile latency ratio, 1,000 pending waits': /: ([\d.]+) \(target/.exec(line)?.[1] }),
  },
  {
    id: 'P2',
    folder: 'packages/integration-tests',
    file: 'bench/contract-events.mjs',
    target: '<= 1.3, fds O(1)',
    figures: (line) => ({
      'per-event cost ratio, fake backend': /\bfake ([\d.]+)/.exec(line)?.[1],
      'per-event cost ratio, native backend': /\bnative ([\d.]+)/.exec(line)?.[1],
    }),
  },
  {
    id: 'P3',
    folder: 'packages/contract',
    file: 'bench/lifecycles.mjs',
    target: '>= 50000',
    figures: (line) => ({ 'simulated lifecycles/s': /lifecycles\/s: (\d+)/.exec(line)?.[1] }),
  },
  {
    id: 'P4',
    folder: 'packages/contract',
    file: 'bench/cold-import.mjs',
    target: '<= 2',
    figures: (line) => ({ 'cold import ratio': /ratio: ([\d.]+)/.exec(line)?.[1] }),
  },
  // Process contracts on the real kernel: Linux only.
  ...(process.platform === 'linux'
    ? [
        {
          id: 'P5',
          folder: 'packages/integration-tests',
          file: 'bench/linux-contracts.mjs',
          target: 'ratio <= 1.5, p99 <= 20 ms, 0 lost, fds O(1)',
          figures: (line) => ({
            'spawn-until-pr_empty / plain spawn-until-exit': /spawn ratio ([\d.]+)/.exec(line)?.[1],
            'pr_empty latency median (ms)': /latency median ([\d.]+)/.exec(line)?.[1],
            'pr_empty latency p99 (ms)': /p99 ([\d.]+) ms/.exec(line)?.[1],
            'lost exits, 1,000 contracts': /lost exits (\d+)/.exec(line)?.[1],
            'fds with 1,000 contracts minus with 10': /fds (\d+) -> (\d+)/
              .exec(line)
              ?.slice(1)
              .reduce((few, many) => String(Number(many) - Number(few))),
          }),
        },
      ]
    : []),
].filter(({ id }) => only === undefined || only.split(',').includes(id));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** figure name → the values of the runs, per benchmark id. */
const samples = new Map(benchmarks.map(({ id }) => [id, new Map()]));
const lastLines = new Map();
let failures = 0;
for (let run = 1; run <= runs; run++) {
  for (const benchmark of benchmarks) {
    const result = spawnSync(process.execPath, [benchmark.file], {
      cwd: path.join(root, benchmark.folder),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
    lastLines.set(benchmark.id, lastLine);
    console.log(`run ${run}/${runs} ${benchmark.id}: ${lastLine}`);
    for (const [name, text] of Object.entries(benchmark.figures(lastLine))) {
      const value = Number(text);
      if (text === undefined || !Number.isFinite(value)) {
        failures++;
        console.error(`${benchmark.id}: no "${name}" on its last line (exit ${result.status ?? result.signal})`);
        continue;
      }
      const values = samples.get(benchmark.id).get(name) ?? [];
      values.push(value);
      samples.get(benchmark.id).set(name, values);
    }
  }
}

console.log(`\nmedians of ${runs} runs:`);
for (const benchmark of benchmarks) {
  for (const [name, values] of samples.get(benchmark.id)) {
    const figure = median(values);
    const shown = figure > 100 ? String(Math.round(figure)) : figure.toFixed(2);
    console.log(`${benchmark.id} ${name}: ${shown} (target ${benchmark.target}; runs: ${values.join(', ')})`);
  }
}
process.exitCode = failures === 0 ? 0 : 1;
