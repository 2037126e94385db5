// Soak: 250,000 waits on the Gridcentric native backend (sim flavor), every one with the same
// long-lived AbortSignal, in waves of 1,000 at once (past the waiter pool, so both the waiter
// threads and the router serve them), each answered by the library (ECHILD: the VM has no clone,
// so the simulator keeps no record per wait and the figures are the binding's). Prints the
// heap after full collections at each checkpoint: it must stay flat (the adapter adds one abort
// listener per wait and removes it when the wait settles, and builds no AbortSignal per wait).
// The facade and the simulator's own backend are not involved; the figures are the addon's.
//
//   node --expose-gc scripts/soak-waits.mjs [waits=250000] [checkpoints=5]
//
// Runs on the built packages. Exits non-zero if the heap grew more than 2 MiB from the first
// checkpoint to the last.
import { setMaxListeners } from 'node:events';
import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { settledHeap } from './heap-figures.mjs';

const total = Number(process.argv[2] ?? '250000');
const checkpoints = Number(process.argv[3] ?? '5');
const wave = 1000;
if (!(total >= wave * checkpoints)) throw new Error(`need at least ${wave * checkpoints} waits`);

const sim = createGridcentricSimulator({ bootDelay: 0 });
const gc = createSimulatedNativeBackend(sim);
const controller = new AbortController();
setMaxListeners(0, controller.signal);
const { signal } = controller;

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(2);
const figures = [];
const started = Date.now();
let done = 0;
const every = Math.floor(total / wave / checkpoints) * wave;
const expectEchild = (error) => {
  if (error?.code !== 'ECHILD') throw error;
};
figures.push({ waits: 0, heapMiB: mib(await settledHeap()) });
while (done < total) {
  const count = Math.min(wave, total - done);
  const waits = Array.from({ length: count }, (_, index) =>
    (index % 2 === 0 ? gc.waitDomain(9999, signal) : gc.waitAny(signal)).then(() => {
      throw new Error('a wait with nothing to wait for resolved');
    }, expectEchild),
  );
  await Promise.all(waits);
  done += count;
  if (done % every === 0 || done === total) figures.push({ waits: done, heapMiB: mib(await settledHeap()) });
}
gc.close();
sim.close();
const seconds = ((Date.now() - started) / 1000).toFixed(1);
for (const { waits, heapMiB } of figures) console.log(`after ${String(waits).padStart(7)} waits: heap ${heapMiB} MiB`);
const growth = Number(figures.at(-1).heapMiB) - Number(figures[1].heapMiB);
console.log(
  `soak waits: ${total} waits sharing one AbortSignal in ${seconds} s; heap ${figures[1].heapMiB} -> ${figures.at(-1).heapMiB} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MiB)`,
);
process.exit(growth > 2 ? 1 : 0);
