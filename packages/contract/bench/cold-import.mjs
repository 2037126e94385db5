// P4: the cost of a cold `import '@sysbind/contract'`, as the wall time of a fresh Node process
// that imports it, divided by the same for `import 'node:events'` (so Node's own start-up is in
// both). Also checks that the import loaded no .node file. Median of many runs of each, interleaved.
import { execFileSync } from 'node:child_process';

const RUNS = 25;
const TARGET = 2;
const probe = (specifier) =>
  `const started = process.hrtime.bigint();` +
  `await import(${JSON.stringify(specifier)});` +
  `const loaded = Object.keys((await import('node:module')).default._cache).filter((f) => f.endsWith('.node'));` +
  `process.stdout.write(JSON.stringify({ loaded }));`;

function timeOnce(specifier) {
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', probe(specifier)], { encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  return { elapsed, loaded: JSON.parse(output).loaded };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const facade = [];
const events = [];
const nativeLoads = new Set();
timeOnce('@sysbind/contract'); // warm the file system cache, as any later start would find it
for (let run = 0; run < RUNS; run++) {
  const ours = timeOnce('@sysbind/contract');
  ours.loaded.forEach((file) => nativeLoads.add(file));
  facade.push(ours.elapsed);
  events.push(timeOnce('node:events').elapsed);
}
const ratio = median(facade) / median(events);
console.log(`node -e "import('@sysbind/contract')": median ${median(facade).toFixed(1)} ms over ${RUNS} runs`);
console.log(`node -e "import('node:events')":      median ${median(events).toFixed(1)} ms over ${RUNS} runs`);
console.log(`.node files loaded by the import: ${nativeLoads.size === 0 ? 'none' : [...nativeLoads].join(', ')}`);
console.log(
  `P4 cold import ratio: ${ratio.toFixed(2)} (target <= ${TARGET})${nativeLoads.size === 0 ? '' : ' FAILED: a native addon was loaded'}`,
);
if (nativeLoads.size > 0) process.exitCode = 1;
