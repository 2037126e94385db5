// AddressSanitizer + UndefinedBehaviorSanitizer (with LeakSanitizer) run of the gridcentric addon:
// a plain Node script (vitest's pools hide leaks, see the toolchain notes) that drives the sim
// flavor through the conformance paths, waits beyond the waiter pool, aborts, closes, garbage
// collection of bindings and workers torn down while binding threads are blocked in the shim.
//
// Needs the instrumented build first: `SYSBIND_SANITIZE=1 pnpm run build` in packages/gridcentric-native
// (and the other packages built). Run as `pnpm run sanitize`: the script restarts itself under
// LD_PRELOAD of libasan with leak detection on, and exits non-zero on any report.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

if (process.env.SYSBIND_SANITIZE_CHILD !== '1') {
  const require = createRequire(import.meta.url);
  const { addonPath } = require('@sysbind/gridcentric-native');
  process.env.SYSBIND_SANITIZE = '1';
  if (!existsSync(addonPath('sim'))) {
    console.error(
      `no instrumented build at ${addonPath('sim')}: run SYSBIND_SANITIZE=1 pnpm run build in packages/gridcentric-native`,
    );
    process.exit(2);
  }
  const libasan = execFileSync(process.env.CXX ?? 'g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  const { status, signal } = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      SYSBIND_SANITIZE_CHILD: '1',
      LD_PRELOAD: libasan,
      ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:exitcode=23',
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    },
  });
  if (status === 0) console.log('sanitizers: 0 errors, 0 leaks');
  else console.error(`sanitizers: the run failed (status ${status ?? signal})`);
  process.exit(status ?? 1);
}

const { setMaxListeners } = await import('node:events');
const { Worker } = await import('node:worker_threads');
const { isAbortError, isGridcentricError } = await import('@sysbind/gridcentric-interface');
const { addonPath, loadAddon } = await import('@sysbind/gridcentric-native');
const { createSimulatedNativeBackend } = await import('@sysbind/gridcentric-native/testing');
const { createGridcentricSimulator } = await import('@sysbind/testing-fakes');

const check = (condition, what) => {
  if (!condition) throw new Error(`sanitize harness: expected ${what}`);
};
const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));
const eventually = async (condition, what) => {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await tick();
  }
};
const failure = (promise) =>
  promise.then(
    () => undefined,
    (error) => error,
  );

function world(options = {}) {
  const sim = createGridcentricSimulator({ capacity: 32, bootDelay: 5, ...options });
  const gc = createSimulatedNativeBackend(sim);
  return { sim, gc, done: () => (gc.close(), sim.close()) };
}

async function online(sim, gc, ticket) {
  const vmid = await gc.clone(ticket);
  sim.clock.advance(5);
  return vmid;
}

async function conformancePaths() {
  const { sim, gc, done } = world();
  check(gc.version().length > 0 && gc.myIp() !== '', 'quick calls');
  gc.check();
  const ticket = await gc.requestTickets(6);
  const [a, b, c] = [await online(sim, gc, ticket), await online(sim, gc, ticket), await online(sim, gc, ticket)];
  check((await gc.listTickets()).length === 1, 'one ticket');
  check((await gc.listCloneDomains()).length === 3, 'three clones');
  check((await gc.listTicketDomains(ticket)).length === 3, 'three ticket clones');
  check((await gc.getDomainStatus(a)) === 2, 'ONLINE');
  const exits = [gc.waitDomain(a), gc.waitAny(), gc.waitAny()];
  await eventually(() => sim.pendingWaits() === 3, 'three waits registered');
  sim.world.exit(a, 1);
  sim.world.crash(b, 2);
  await gc.killCloneDomain(c);
  const reaped = await Promise.all(exits);
  check(
    reaped
      .map((exit) => exit.vmid)
      .sort()
      .join() === [a, b, c].sort().join(),
    'every exit reaped once',
  );
  check(isGridcentricError(await failure(gc.waitAny()), 'ECHILD'), 'ECHILD with nothing to wait for');
  check(isGridcentricError(await failure(gc.clone(999)), 'ENOENT'), 'ENOENT');
  const d = await online(sim, gc, ticket);
  const join = gc.syncTicket(ticket);
  await eventually(() => sim.pendingWaits() === 1, 'join registered');
  sim.world.exit(d);
  await join;
  const other = await gc.requestTickets(2);
  const e = await online(sim, gc, other);
  await gc.makeTicketIndependent(other);
  check((await gc.killallCloneDomains()) === 0, 'independent clone spared');
  check((await gc.killallTicketDomains(other)) === 1, 'ticket kill');
  check(isGridcentricError(await failure(gc.waitDomain(e)), 'ECHILD'), 'independent not waitable');
  await gc.cancelTicket(other);
  sim.injectFault({ operation: 'gc_my_ip', errno: 'EIO' });
  let threw = false;
  try {
    gc.myIp();
  } catch (error) {
    threw = isGridcentricError(error, 'EIO');
  }
  check(threw, 'injected EIO on a quick call');
  done();
}

async function abortsAndOverflow() {
  const { sim, gc, done } = world({ bootDelay: 0 });
  const ticket = await gc.requestTickets(20);
  const vmids = [];
  for (let index = 0; index < 20; index++) vmids.push(await gc.clone(ticket));
  sim.clock.runUntilIdle();
  const controller = new AbortController();
  setMaxListeners(100, controller.signal);
  const aborted = Array.from({ length: 40 }, (_, index) =>
    failure(index % 2 ? gc.waitAny(controller.signal) : gc.waitDomain(vmids[index % 20], controller.signal)),
  );
  await eventually(() => gc.stats().pendingWaits === 40, 'forty waits pending');
  controller.abort();
  check((await Promise.all(aborted)).every(isAbortError), 'aborts');
  await eventually(() => sim.pendingWaits() === 0 && gc.stats().pendingWaits === 0, 'withdrawn');
  const waits = vmids.map((vmid) => gc.waitDomain(vmid));
  const anys = Array.from({ length: 10 }, () => failure(gc.waitAny()));
  await eventually(() => gc.stats().pendingWaits === 30, 'thirty waits pending');
  for (const vmid of vmids) sim.world.exit(vmid, 3);
  check(
    (await Promise.all(waits)).every((exit) => exit.code === 3),
    'exits through the pool and the router',
  );
  check(
    (await Promise.all(anys)).every((error) => isGridcentricError(error, 'ECHILD')),
    'ECHILD for the rest',
  );
  // Close with work in flight: every call is settled (ERR_BACKEND_CLOSED), nothing leaks.
  const again = await gc.requestTickets(1);
  void gc.clone(again).catch(() => undefined);
  void gc.waitAny().catch(() => undefined);
  gc.close();
  sim.close();
  done();
}

async function collectedBindings() {
  for (let index = 0; index < 20; index++) {
    const sim = createGridcentricSimulator({ bootDelay: 0 });
    const gc = createSimulatedNativeBackend(sim);
    await gc.requestTickets(1);
    sim.close();
  }
  for (let round = 0; round < 5; round++) {
    globalThis.gc?.();
    await tick(10);
  }
}

async function abuse() {
  const addon = loadAddon('sim');
  for (const bad of [undefined, 1, {}, { gc_version: 1 }]) {
    try {
      addon.bindSimulator(bad);
    } catch (error) {
      check(error instanceof TypeError, 'TypeError for a bad api');
    }
  }
  const { gc, done } = world();
  for (const bad of ['1', 1.5, 2 ** 40, Number.NaN]) {
    const error = await failure(gc.clone(bad));
    check(error instanceof TypeError || error instanceof RangeError, 'argument error');
  }
  done();
}

async function workers() {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const addon = require(workerData);
    const answer = (value) => (...args) => { setImmediate(() => args.at(-1)(value, 0)); };
    const api = {
      gc_version: (done) => done(0, 0, 'w'), gc_check: (done) => done(0, 0), gc_my_ip: (done) => done(0, 0, '10.0.0.3'),
      gc_request_tickets: () => {}, gc_cancel_ticket: answer(0), gc_make_ticket_independent: answer(0),
      gc_list_tickets: (done) => setImmediate(() => done(0, 0, [])), gc_clone: answer(2),
      gc_list_clone_domains: (done) => setImmediate(() => done(0, 0, [])), gc_list_ticket_domains: (t, done) => setImmediate(() => done(0, 0, [])),
      gc_get_domain_status: answer(2), gc_kill_clone_domain: answer(0), gc_killall_clone_domains: answer(0), gc_killall_ticket_domains: answer(0),
      gc_wait_domain: () => () => {}, gc_wait_any: () => () => {}, gc_sync_ticket: () => () => {},
    };
    const binding = addon.bindSimulator(api);
    binding.unref();
    for (let index = 0; index < 30; index++) { binding.waitAny(() => {}); binding.waitDomain(2, () => {}); }
    binding.requestTickets(1, () => {});
    setTimeout(() => { parentPort.postMessage('ready'); }, 30);`;
  const runs = Array.from({ length: 4 }, (_, index) => {
    const worker = new Worker(source, { eval: true, workerData: addonPath('sim') });
    return new Promise((resolve, reject) => {
      worker.on('message', () => {
        if (index % 2 === 0) void worker.terminate();
        else worker.postMessage('ignored');
      });
      worker.on('error', reject);
      worker.on('exit', resolve);
      if (index % 2 === 1) setTimeout(() => void worker.terminate(), 200);
    });
  });
  await Promise.all(runs);
}

console.log(`sanitize harness: ${addonPath('sim')}`);
await conformancePaths();
await abortsAndOverflow();
await collectedBindings();
await abuse();
await workers();

// The end: the process ends by itself with addon threads busy (waits blocked in the library, a
// controller call that never answers), all unref'd. The environment's cleanup hook must shut
// those calls down and join every addon thread before LeakSanitizer stops the world at exit:
// with addon threads still running, its tracer crashed about one run in twenty.
{
  const sim = createGridcentricSimulator({ bootDelay: 0 });
  const api = { ...sim.library(), gc_list_tickets: () => undefined };
  const gc = createSimulatedNativeBackend({ masterVmid: sim.masterVmid, library: () => api });
  const ticket = await gc.requestTickets(2);
  await gc.clone(ticket);
  await gc.clone(ticket);
  void gc.listTickets().catch(() => undefined);
  for (let index = 0; index < 12; index++) void gc.waitAny().catch(() => undefined);
  await eventually(() => sim.pendingWaits() === gc.stats().waitsInLibrary && sim.pendingWaits() > 0, 'waits blocked');
  gc.unref();
  console.log('sanitize harness: every path ran');
}
