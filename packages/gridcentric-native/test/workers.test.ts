import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { addonPath } from '../src/index.ts';

// Plain CommonJS run in each worker: the raw sim addon over an inline GcGuestApi whose controller
// calls answer on the next turn, whose waits never end, and (with `hang`) whose gc_request_tickets
// never completes, so that a binding thread is blocked in the shim when the worker goes away.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.addon);
// One live clone (2) of one held ticket (1), as the never-ending waits imply: the lists must agree
// with the waits, since the addon's router decides from them which waits the library answers now.
const domains = [{ vmid: 2, ticket: 1, status: 2, ip: '10.0.0.2' }];
const tickets = [{ ticket: 1, requested: 1, granted: 1, used: 1, domains: 1, independent: false }];
const answer = (value) => (...args) => { setImmediate(() => args.at(-1)(value, 0)); };
const api = {
  gc_version: (done) => done(0, 0, 'worker'), gc_check: (done) => done(0, 0), gc_my_ip: (done) => done(0, 0, '10.0.0.9'),
  gc_request_tickets: workerData.hang ? () => {} : answer(1), gc_cancel_ticket: answer(0), gc_make_ticket_independent: answer(0),
  gc_list_tickets: (done) => setImmediate(() => done(1, 0, tickets)), gc_clone: answer(2),
  gc_list_clone_domains: (done) => setImmediate(() => done(1, 0, domains)), gc_list_ticket_domains: (t, done) => setImmediate(() => done(1, 0, domains)),
  gc_get_domain_status: answer(2), gc_kill_clone_domain: answer(0), gc_killall_clone_domains: answer(0), gc_killall_ticket_domains: answer(0),
  gc_wait_domain: () => () => {}, gc_wait_any: () => () => {}, gc_sync_ticket: () => () => {},
};
const binding = addon.bindSimulator(api);
const call = (name, ...args) => new Promise((resolve, reject) => binding[name](...args, (error, value) => error ? reject(error) : resolve(value)));
(async () => {
  for (let round = 0; round < 20; round++) await Promise.all([call('clone', 1), call('getDomainStatus', 2), call('listTickets')]);
  for (let index = 0; index < 50; index++) { binding.waitAny(() => {}); binding.waitDomain(2, () => {}); binding.syncTicket(1, () => {}); }
  if (workerData.hang) binding.requestTickets(1, () => {});
  await new Promise((resolve) => setTimeout(resolve, 30));
  // Its waits (and a hung call) never end: unref'd, they let the worker exit once its work is done.
  binding.unref();
  parentPort.postMessage({ version: binding.version(), stats: binding.stats() });
  if (workerData.exit) process.exit(0);
})();`;

function run(options: { hang?: boolean; exit?: boolean; terminate?: boolean }) {
  const worker = new Worker(workerSource, { eval: true, workerData: { addon: addonPath('sim'), ...options } });
  return new Promise<{ message: unknown; code: number }>((resolve, reject) => {
    let message: unknown;
    worker.on('message', (value: unknown) => {
      message = value;
      if (options.terminate === true) void worker.terminate();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      resolve({ message, code });
    });
  });
}

describe('the addon in worker threads', () => {
  it('four workers use it at once, leave waits pending, and exit on their own', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => run({})));
    for (const { message, code } of results) {
      expect(code).toBe(0);
      expect(message).toMatchObject({ version: 'worker' });
      // The addon's threads and counters are the process's: the other workers' waits count too.
      expect((message as { stats: { pendingWaits: number } }).stats.pendingWaits).toBeGreaterThanOrEqual(150);
      const { threads, waiterThreads, controllerThreads } = (
        message as { stats: { threads: number; waiterThreads: number; controllerThreads: number } }
      ).stats;
      expect(threads).toBeLessThanOrEqual(waiterThreads + controllerThreads + 1);
    }
  });

  it('a worker terminated while binding threads are blocked in the shim tears down without deadlock', async () => {
    const results = await Promise.all([
      run({ hang: true, terminate: true }),
      run({ hang: true, exit: true }),
      run({ hang: true, terminate: true }),
      run({ hang: true, exit: true }),
    ]);
    for (const { message } of results) expect(message).toMatchObject({ version: 'worker' });
  });
});
