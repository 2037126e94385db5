import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The addon's threads belong to the process, not to each backend or worker: these run plain Node
// processes (the built packages, as users load them) and count the process's threads in
// /proc/self/task, so they need Linux.
const onLinux = process.platform === 'linux';

function run(script: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url).pathname,
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

describe('native backend threads', () => {
  it.skipIf(!onLinux)('12 workers terminated with pending waits leave no thread behind (needs /proc)', () => {
    const output = run(`
      import { readdirSync } from 'node:fs';
      import { Worker } from 'node:worker_threads';
      const threads = () => readdirSync('/proc/self/task').length;
      const source = \`
        (async () => {
          const { parentPort } = await import('node:worker_threads');
          const { createGridcentricSimulator } = await import('@sysbind/testing-fakes');
          const { createSimulatedNativeBackend } = await import('@sysbind/gridcentric-native/testing');
          const sim = createGridcentricSimulator({ bootDelay: 0 });
          const gc = createSimulatedNativeBackend(sim);
          await gc.clone(await gc.requestTickets(1));
          void gc.waitAny().catch(() => {});
          void gc.waitAny().catch(() => {});
          await gc.settleWaits();
          parentPort.postMessage(gc.stats().pendingWaits);
        })();\`;
      const once = () => new Promise((resolve, reject) => {
        const worker = new Worker(source, { eval: true });
        worker.on('message', () => void worker.terminate());
        worker.on('error', reject);
        worker.on('exit', resolve);
      });
      // Node's own threads (platform workers) start lazily too: settle them with one worker first.
      await once();
      const before = threads();
      const counts = [];
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: 4 }, once));
        counts.push(threads());
      }
      console.log(JSON.stringify({ before, counts }));
    `);
    const { before, counts } = JSON.parse(output) as { before: number; counts: number[] };
    for (const count of counts) expect(count).toBeLessThanOrEqual(before);
  });

  it('a controller call that never answers holds up neither other backends nor, once unref’d, the process', () => {
    const output = run(`
      import { createGridcentricSimulator } from '@sysbind/testing-fakes';
      import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
      const sim = createGridcentricSimulator({ bootDelay: 0 });
      const api = { ...sim.library(), gc_list_tickets: () => undefined };
      const stuck = createSimulatedNativeBackend({ masterVmid: 1, library: () => api });
      const other = createSimulatedNativeBackend(createGridcentricSimulator({ capacity: 100 }));
      let settled = false;
      stuck.listTickets().then(() => (settled = true), () => (settled = true));
      // Many calls of another backend, and of the stuck backend's own other calls, go through.
      for (let index = 0; index < 20; index++) await other.requestTickets(1);
      console.log('other backend', (await other.listTickets()).length, 'stuck settled', settled);
      other.close();
      stuck.unref();
      // Nothing else keeps the process alive: it must exit by itself with the call still pending.
    `);
    expect(output).toBe('other backend 20 stuck settled false');
  });

  it('close() settles a controller call that never answers, and the process exits', () => {
    const output = run(`
      import { createGridcentricSimulator } from '@sysbind/testing-fakes';
      import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
      const sim = createGridcentricSimulator({ bootDelay: 0 });
      const api = { ...sim.library(), gc_list_tickets: () => undefined };
      const gc = createSimulatedNativeBackend({ masterVmid: 1, library: () => api });
      setTimeout(() => gc.close(), 20);
      try {
        await gc.listTickets();
      } catch (error) {
        console.log(error.code);
      }
    `);
    expect(output).toBe('ERR_BACKEND_CLOSED');
  });
});
