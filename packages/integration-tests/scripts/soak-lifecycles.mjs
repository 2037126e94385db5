// Soak driver: runs contract lifecycles (fork under a template → latest() → the member exits →
// pr_exit and pr_empty read from an events() iterator → abandon → close) through the facade, on
// the simulator's backend ('fake') or the native addon's sim flavor over the simulator ('native'),
// and reports the heap after a full collection and the fd counts at a checkpoint and at the end,
// so that a caller can check they stay flat. Needs --expose-gc; runs on the built packages.
//
// Usage: node --expose-gc scripts/soak-lifecycles.mjs <fake|native> <lifecycles> <checkpoint>
// Last line: a JSON report.
import { readdirSync } from 'node:fs';
import { createContractSystem } from '@sysbind/contract';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';

const [kind = 'fake', totalText = '100000', checkpointText = '10000'] = process.argv.slice(2);
const total = Number(totalText);
const checkpoint = Number(checkpointText);
if (kind !== 'fake' && kind !== 'native') throw new Error(`unknown backend ${kind}`);
if (!(checkpoint > 0 && checkpoint < total)) throw new Error('need 0 < checkpoint < lifecycles');
const collect = globalThis.gc;
if (typeof collect !== 'function') throw new Error('run with --expose-gc');

const fdCount = () => readdirSync('/proc/self/fd').length;
const turn = () => new Promise((resolve) => setImmediate(resolve));

// The heap after full collections. Handles of the native addon are freed in two steps (the
// collection queues their Node-API finalizers, which run from an immediate, and what they held
// goes with a later collection), so collect over several turns and keep the lowest figure.
async function settledHeap() {
  let heap = Infinity;
  for (let round = 0; round < 8; round++) {
    collect();
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 5));
    heap = Math.min(heap, process.memoryUsage().heapUsed);
  }
  return heap;
}

const sim = createContractSimulator({ followRealChildren: false });
const backend = kind === 'fake' ? sim.backend() : createSimulatedNativeBackend(sim);
const system = createContractSystem({ backend });
const template = system.activateTemplate({ critical: ['pr_empty'], informative: ['pr_exit'] });

async function lifecycle() {
  const pid = sim.world.fork(sim.self.pid);
  const contract = system.latest();
  const events = contract.events();
  sim.world.exit(pid, 0);
  const exit = await events.next();
  const empty = await events.next();
  if (exit.value?.type !== 'pr_exit' || empty.value?.type !== 'pr_empty') {
    throw new Error(`contract ${contract.id}: got ${exit.value?.type} then ${empty.value?.type}`);
  }
  contract.abandon();
  contract.close();
}

const started = Date.now();
// A first round loads the code paths whose one-time allocations are not growth, and fills the
// LWP's latest slot (the last contract lingers, DEAD, while that slot refers to it).
for (let index = 0; index < Math.min(1000, checkpoint); index++) await lifecycle();
const fdsAtStart = fdCount();
const contractsAtStart = sim.world.ctids().length;
const processesAtStart = sim.world.pids().length;
let heapAtCheckpoint = 0;
let fdsAtCheckpoint = 0;
for (let done = Math.min(1000, checkpoint); done < total; done++) {
  if (done === checkpoint) {
    heapAtCheckpoint = await settledHeap();
    fdsAtCheckpoint = fdCount();
  }
  await lifecycle();
}
const heapAtEnd = await settledHeap();
const fdsAtEnd = fdCount();
const contractsLeft = sim.world.ctids().length;
const processesLeft = sim.world.pids().length;
template.clear();
system.close();
backend.close?.();
sim.close();
process.stdout.write(
  `${JSON.stringify({
    kind,
    lifecycles: total,
    checkpoint,
    seconds: (Date.now() - started) / 1000,
    heapAtCheckpoint,
    heapAtEnd,
    fdsAtStart,
    fdsAtCheckpoint,
    fdsAtEnd,
    contractsAtStart,
    contractsLeft,
    processesAtStart,
    processesLeft,
  })}\n`,
);
