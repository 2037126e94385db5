// Soak driver: runs contract lifecycles (fork under a template → latest() → the member exits →
// pr_exit and pr_empty read from an events() iterator → abandon → close) through the facade, on
// the simulator's backend ('fake'), the native addon's sim flavor over the simulator ('native'),
// or the Linux backend with real processes ('linux': spawns of `true` under a template),
// and reports the heap after a full collection and the fd counts at a checkpoint and at the end,
// so that a caller can check they stay flat. Needs --expose-gc; runs on the built packages.
//
// Usage: node --expose-gc scripts/soak-lifecycles.mjs <fake|native|linux> <lifecycles> <checkpoint>
// Last line: a JSON report.
import { readFileSync, readdirSync } from 'node:fs';
import { createContractSystem } from '@sysbind/contract';
import { probeLinuxContractHost } from '@sysbind/contract-native';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { fdCount, settledHeap } from './heap-figures.mjs';

const [kind = 'fake', totalText = '100000', checkpointText = '10000'] = process.argv.slice(2);
const total = Number(totalText);
const checkpoint = Number(checkpointText);
if (kind !== 'fake' && kind !== 'native' && kind !== 'linux') throw new Error(`unknown backend ${kind}`);
const linux = kind === 'linux';
if (!(checkpoint > 0 && checkpoint < total)) throw new Error('need 0 < checkpoint < lifecycles');

const sim = linux ? undefined : createContractSimulator({ followRealChildren: false });
const backend = sim === undefined ? undefined : kind === 'fake' ? sim.backend() : createSimulatedNativeBackend(sim);
const system = createContractSystem(backend === undefined ? {} : { backend });
const terms = { critical: ['pr_empty'], informative: ['pr_exit'] };
const template = linux ? undefined : system.activateTemplate(terms);
const registry = linux ? (probeLinuxContractHost().registry ?? '') : '';

// Contracts and processes still there: the simulator's, or this process's cgroups and children.
function contractsNow() {
  if (sim !== undefined) return sim.world.ctids().length;
  return readdirSync(registry).filter((name) => name.startsWith(`ct.${process.pid}.`)).length;
}
function processesNow() {
  if (sim !== undefined) return sim.world.pids().length;
  let children = 0;
  for (const task of readdirSync('/proc/self/task')) {
    children += readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean).length;
  }
  return children;
}

async function lifecycle() {
  let contract;
  let exitLater;
  if (sim === undefined) {
    ({ contract } = system.spawn('true', [], { stdio: 'ignore', template: terms }));
  } else {
    const pid = sim.world.fork(sim.self.pid);
    contract = system.latest();
    exitLater = () => sim.world.exit(pid, 0);
  }
  const events = contract.events();
  exitLater?.();
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
// pr_empty can come before libuv has reaped the last child (it does so on SIGCHLD): let it.
if (linux) await new Promise((resolve) => setTimeout(resolve, 50));
const fdsAtStart = fdCount();
const contractsAtStart = contractsNow();
const processesAtStart = processesNow();
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
// libuv reaps the last children from its SIGCHLD handler: give it a turn.
await new Promise((resolve) => setTimeout(resolve, 50));
const contractsLeft = contractsNow();
const processesLeft = processesNow();
template?.clear();
system.close();
backend?.close?.();
sim?.close();
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
