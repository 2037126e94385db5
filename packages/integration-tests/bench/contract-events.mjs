// P2: the cost of one delivered contract event when the process holds 10,000 contracts, divided
// by the same cost when it holds 10, for the simulator's own backend and for the native addon's
// sim flavor over the simulator; and how many descriptors each case holds.
//
// Every contract has one long-lived member. Each measured batch makes members fork children,
// round-robin over the contracts, and waits until every informative pr_fork event has reached the
// 'pr_fork' listener of its Contract; so both cases deliver the same number of events, through the
// same path (simulated kernel → pbundle endpoint → router → Contract → listener), and only the
// number of contracts held differs. The children then exit outside the timed part (pr_exit is not
// in the contracts' sets, so their exits publish nothing). The two cases are interleaved batch by
// batch, after a warm-up, and the figure is the median over the batches.
//
// The forks allocate the simulated children, which stay alive until the batch ends; a scavenge
// they bring on would copy all of them, and it would fall into the delivery that follows. So a
// minor collection runs right before each timed delivery (the script re-runs itself with
// --expose-gc for that); what delivery itself allocates is still collected inside the window.
//
// Descriptors: real ones from /proc/self/fd (Linux), and the simulated ones the simulator's file
// table holds for this process (the simulator's ctfs fds; the native flavor mirrors each with a
// real eventfd).
//
// Runs on the built packages (pnpm run build, or turbo run bench). Last line: ratios and target.
import { execFileSync } from 'node:child_process';
import { constants, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createContractSystem } from '@sysbind/contract';
import { CTFS_ROOT } from '@sysbind/contract-interface';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';

const MANY = Number(process.env.SYSBIND_BENCH_CONTRACTS ?? 10_000);
const FEW = 10;
const EVENTS_PER_BATCH = 5_000;
const WARMUP_BATCHES = 3;
const BATCHES = 15;
const TARGET = 1.3;
// Which backends to measure (comma-separated), e.g. to profile one of them with --cpu-prof.
const KINDS = (process.env.SYSBIND_BENCH_BACKENDS ?? 'fake,native').split(',');

if (typeof globalThis.gc !== 'function') {
  try {
    execFileSync(process.execPath, ['--expose-gc', ...process.execArgv, import.meta.filename], { stdio: 'inherit' });
  } catch (error) {
    process.exitCode = typeof error.status === 'number' ? error.status : 1;
  }
  process.exit();
}
const collectYoung = () => globalThis.gc({ type: 'minor' });

const realFdCount = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * One process holding `count` contracts, each with one member, over its own simulator. `kind` is
 * 'fake' (the simulator's backend) or 'native' (the addon's sim flavor).
 */
function createScenario(kind, count) {
  const fdsBefore = realFdCount();
  const sim = createContractSimulator({ followRealChildren: false });
  const backend = kind === 'fake' ? sim.backend() : createSimulatedNativeBackend(sim);
  const system = createContractSystem({ backend });
  const members = [];
  let received = 0;
  let wanted = Infinity;
  let reached = () => undefined;
  const onFork = () => {
    if (++received === wanted) reached();
  };
  const contracts = [];
  const template = system.activateTemplate({ critical: ['pr_empty'], informative: ['pr_fork'] });
  for (let index = 0; index < count; index++) {
    members.push(sim.world.fork(sim.self.pid));
    const contract = system.latest();
    contract.on('pr_fork', onFork);
    contracts.push(contract);
  }
  template.clear();
  let next = 0;

  return {
    kind,
    count,
    /** Forks `events` children round-robin over the members; resolves when all pr_fork arrived. */
    async batch(events) {
      const children = [];
      const done = new Promise((resolve) => {
        received = 0;
        wanted = events;
        reached = resolve;
      });
      const forking = performance.now();
      for (let index = 0; index < events; index++) {
        children.push(sim.world.fork(members[next]));
        next = (next + 1) % members.length;
      }
      // Delivery starts only now (a microtask for the fake backend, the next poll phase for the
      // native one): the forks are what other processes and the kernel do, not this process's cost.
      const forked = performance.now();
      collectYoung();
      const delivering = performance.now();
      await done;
      const delivered = performance.now();
      for (const child of children) sim.world.exit(child);
      return { delivery: (delivered - delivering) / events, world: (forked - forking) / events };
    },
    fds() {
      const real = realFdCount();
      return {
        real: real === undefined || fdsBefore === undefined ? undefined : real - fdsBefore,
        simulated: simulatedFdCount(sim),
      };
    },
    close() {
      for (const contract of contracts) {
        contract.abandon();
        contract.close();
      }
      system.close();
      backend.close?.();
      sim.close();
    },
  };
}

// The simulator does not list its fds, but poll() answers EBADF for an fd this process has not
// open, and fds are numbered in sequence: open one more to learn the next number, then poll every
// number below it. Only done outside the timed part.
function simulatedFdCount(sim) {
  const api = sim.library();
  const probe = api.open(`${CTFS_ROOT}/process/template`, constants.O_RDWR);
  if (probe < 0) return undefined;
  let open = 0;
  for (let fd = 0; fd < probe; fd++) if (api.poll(fd) !== -os.constants.errno.EBADF) open++;
  api.close(probe);
  return open;
}

async function measure(kind) {
  // A first scenario pays the one-time costs (loading the addon and what it opens once per
  // process), which belong to neither case's fd count.
  createScenario(kind, 1).close();
  const few = createScenario(kind, FEW);
  const many = createScenario(kind, MANY);
  const costs = { few: [], many: [] };
  const world = { few: [], many: [] };
  for (let batch = 0; batch < WARMUP_BATCHES + BATCHES; batch++) {
    // Alternate which case goes first, so that drift of a loaded machine hits both alike.
    const order = batch % 2 === 0 ? [few, many] : [many, few];
    for (const scenario of order) {
      const cost = await scenario.batch(EVENTS_PER_BATCH);
      if (batch < WARMUP_BATCHES) continue;
      costs[scenario === few ? 'few' : 'many'].push(cost.delivery);
      world[scenario === few ? 'few' : 'many'].push(cost.world);
    }
  }
  // `many` was set up second, so its count is its own; `few`'s is read once `many` is gone.
  const fdsMany = many.fds();
  many.close();
  const fdsFew = few.fds();
  few.close();
  return {
    kind,
    few: median(costs.few),
    many: median(costs.many),
    worldFew: median(world.few),
    worldMany: median(world.many),
    fdsFew,
    fdsMany,
  };
}

const results = [];
for (const kind of KINDS) results.push(await measure(kind));

const us = (ms) => `${(ms * 1000).toFixed(2)} us`;
const fdText = ({ real, simulated }) =>
  `${real === undefined ? 'n/a' : real} real, ${simulated === undefined ? 'n/a' : simulated} simulated`;
for (const result of results) {
  console.log(
    `${result.kind} backend: ${us(result.few)}/event with ${FEW} contracts, ${us(result.many)}/event with ${MANY} ` +
      `(median of ${BATCHES} batches of ${EVENTS_PER_BATCH} events)`,
  );
  console.log(
    `${result.kind} backend: the simulated forks that published them, not counted: ${us(result.worldFew)}/event with ${FEW}, ${us(result.worldMany)} with ${MANY}`,
  );
  console.log(
    `${result.kind} backend fds held: ${fdText(result.fdsFew)} with ${FEW} contracts; ${fdText(result.fdsMany)} with ${MANY}`,
  );
}
const ratios = results.map((result) => ({ kind: result.kind, ratio: result.many / result.few }));
const fdsConstant = results.every(
  (result) => result.fdsMany.real === result.fdsFew.real && result.fdsMany.simulated === result.fdsFew.simulated,
);
const met = ratios.every(({ ratio }) => ratio <= TARGET) && fdsConstant;
console.log(
  `P2 per-event cost ${MANY}/${FEW} contracts: ${ratios.map(({ kind, ratio }) => `${kind} ${ratio.toFixed(2)}`).join(', ')}; ` +
    `fds ${fdsConstant ? 'constant' : 'NOT constant'} (target <= ${TARGET}, fds O(1): ${met ? 'met' : 'NOT met'})`,
);
process.exitCode = met ? 0 : 1;
