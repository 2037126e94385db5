// Simulated contract lifecycles per second through the facade: fork under a long-lived template
// → latest() → member exit → pr_exit and pr_empty delivered to an async iterator → abandon.
// Runs on the built packages: build contract-native, testing-fakes and contract first.
import { createContractSystem } from '@sysbind/contract';
import { createContractSimulator } from '@sysbind/testing-fakes';

const TARGET = 50_000;
const WARMUP = 5_000;
const DURATION_MS = 2_000;

const sim = createContractSimulator({ followRealChildren: false });
const system = createContractSystem({ backend: sim.backend() });
const template = system.activateTemplate({ critical: ['pr_empty'], informative: ['pr_exit'] });
const self = sim.self.pid;

async function lifecycle() {
  const pid = sim.world.fork(self);
  const contract = system.latest();
  const events = contract.events();
  sim.world.exit(pid, 0);
  const exit = await events.next();
  const empty = await events.next();
  if (exit.value?.type !== 'pr_exit' || empty.value?.type !== 'pr_empty') {
    throw new Error(`unexpected events ${exit.value?.type} ${empty.value?.type}`);
  }
  contract.abandon();
  contract.close();
}

for (let index = 0; index < WARMUP; index++) await lifecycle();
let count = 0;
const started = process.hrtime.bigint();
const deadline = started + BigInt(DURATION_MS) * 1_000_000n;
while (process.hrtime.bigint() < deadline) {
  for (let index = 0; index < 1000; index++) await lifecycle();
  count += 1000;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
template.clear();
system.close();
sim.close();
const rate = Math.round(count / seconds);
console.log(`${count} lifecycles in ${seconds.toFixed(2)} s`);
console.log(`P3 simulated lifecycles/s: ${rate} (target >= ${TARGET}: ${rate >= TARGET ? 'met' : 'NOT met'})`);
process.exitCode = rate >= TARGET ? 0 : 1;
