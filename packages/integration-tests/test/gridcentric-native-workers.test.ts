import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// A plain Node process (CommonJS: workers evaluate their source the same way) (the built packages, as users load them) that starts four workers; each
// runs its own simulator and native backend at once, leaves waits pending, and returns. The
// process must then exit on its own, cleanly: the addon's threads stopped with each environment.
const script = `
const { Worker } = require('node:worker_threads');
const source = \`
  const { parentPort, workerData } = require('node:worker_threads');
  (async () => {
    const { createGridcentricSimulator } = await import('@sysbind/testing-fakes');
    const { createSimulatedNativeBackend } = await import('@sysbind/gridcentric-native/testing');
    const sim = createGridcentricSimulator({ capacity: 16, bootDelay: 0 });
    const gc = createSimulatedNativeBackend(sim);
    const ticket = await gc.requestTickets(12);
    const vmids = [];
    for (let index = 0; index < 12; index++) vmids.push(await gc.clone(ticket));
    sim.clock.runUntilIdle();
    const waits = vmids.slice(0, 6).map((vmid) => gc.waitDomain(vmid));
    for (let index = 0; index < 20; index++) void gc.waitAny().catch(() => {});
    for (const vmid of vmids.slice(0, 6)) sim.world.exit(vmid, workerData.id);
    const exits = await Promise.all(waits);
    parentPort.postMessage({ id: workerData.id, codes: exits.map((exit) => exit.code), threads: gc.stats().threads });
    // Pending waits keep a worker alive, as pending I/O does: end them the two ways a user would.
    if (workerData.id % 2 === 0) gc.unref(); else sim.close();
  })();\`;
(async () => {
const results = await Promise.all([0, 1, 2, 3].map((id) => new Promise((resolve, reject) => {
  const worker = new Worker(source, { eval: true, workerData: { id } });
  let message;
  worker.on('message', (value) => { message = value; });
  worker.on('error', reject);
  worker.on('exit', (code) => resolve({ code, message }));
})));
console.log(JSON.stringify(results));
})();`;

describe('native backend in worker threads', () => {
  it('four workers use the addon over their own simulators at once, and the process exits cleanly', () => {
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const results = JSON.parse(output) as { code: number; message: { id: number; codes: number[]; threads: number } }[];
    expect(results).toHaveLength(4);
    for (const [id, result] of results.entries()) {
      expect(result.code).toBe(0);
      expect(result.message.codes).toEqual(Array.from({ length: 6 }, () => id));
      expect(result.message.threads).toBeLessThanOrEqual(13);
    }
  });
});
