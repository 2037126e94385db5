// Benchmark: does a crowd of pending Gridcentric waits slow the rest of the process down?
//
// With 1,000 pending waitDomain()/waitAny() calls on the native backend over the simulator (a
// virtual clock that never advances, so no clone ever exits and every wait stays pending), it
// measures the latency of fs.promises.readFile against the same reads with no wait pending. The
// seed binding ran each wait on libuv's thread pool, where four pending waits stall every fs call;
// the addon's waits run on its own bounded threads, so the ratio should stay near 1.
//
// Runs on the built packages (pnpm run build, or turbo run bench). Last line: the ratio and target.
import { setMaxListeners } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator } from '@sysbind/testing-fakes';

const PENDING_WAITS = 1000;
const READS = 2000;
const ROUNDS = 5;
const TARGET = 1.1;

const folder = await mkdtemp(path.join(tmpdir(), 'sysbind-bench-'));
const file = path.join(folder, 'payload.bin');
await writeFile(file, Buffer.alloc(16 * 1024, 7));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function readLatency() {
  const samples = [];
  for (let index = 0; index < READS; index++) {
    const start = performance.now();
    await readFile(file);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const settle = async (condition) => {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the waits did not all become pending');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

await readLatency(); // warm up the fs path and the JIT

const sim = createGridcentricSimulator({ capacity: 64, bootDelay: 0 });
const gc = createSimulatedNativeBackend(sim);
const ticket = await gc.requestTickets(50);
const vmids = [];
for (let index = 0; index < 50; index++) vmids.push(await gc.clone(ticket));
sim.clock.runUntilIdle(); // every clone ONLINE; the clock never moves again

async function startWaits() {
  const controller = new AbortController();
  // One signal for all the waits: a thousand listeners on it are intended.
  setMaxListeners(PENDING_WAITS + 1, controller.signal);
  const waits = [];
  for (let index = 0; index < PENDING_WAITS; index++) {
    const wait =
      index % 2 === 0 ? gc.waitDomain(vmids[index % vmids.length], controller.signal) : gc.waitAny(controller.signal);
    waits.push(wait.catch(() => undefined));
  }
  await settle(() => {
    const stats = gc.stats();
    return stats.pendingWaits === PENDING_WAITS && stats.waitsInLibrary === stats.waiterThreads;
  });
  return { controller, waits, stats: gc.stats() };
}

async function stopWaits({ controller, waits }) {
  controller.abort();
  await Promise.all(waits);
  await settle(() => gc.stats().pendingWaits === 0 && sim.pendingWaits() === 0);
}

// Alternate the two conditions, so that drift of the machine affects both alike.
const none = [];
const pending = [];
let stats;
for (let round = 0; round < ROUNDS; round++) {
  none.push(await readLatency());
  const running = await startWaits();
  stats = running.stats;
  pending.push(await readLatency());
  await stopWaits(running);
}

gc.close();
sim.close();
await rm(folder, { recursive: true, force: true });

const withoutWaits = median(none);
const withWaits = median(pending);
const ratio = withWaits / withoutWaits;
console.log(
  `pending waits: ${stats.pendingWaits} (${stats.waitsInLibrary} in the library, ${stats.queuedWaits} served by the router); addon threads: ${stats.threads}`,
);
console.log(
  `fs.promises.readFile median latency: ${(withWaits * 1000).toFixed(1)} us with the waits pending, ${(withoutWaits * 1000).toFixed(1)} us with none (${ROUNDS} rounds of ${READS} reads)`,
);
console.log(`P1 readFile latency ratio with ${PENDING_WAITS} pending waits: ${ratio.toFixed(3)} (target <= ${TARGET})`);
process.exitCode = ratio <= TARGET ? 0 : 1;
