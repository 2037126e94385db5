// Soak of the compat API as code written for illumos_contract uses it (issue 12, item 21): each
// round spawns under the active template, takes latest(), waits for pr_empty, then abandon() and
// removeAllListeners(), and never calls dispose() (the original required it; real code forgets).
// Runs on the simulator's backend ('fake'), the native addon's sim flavor over the simulator
// ('native'), or, on Linux, the real Linux backend over real children ('linux': every round spawns
// a real `true` into a real cgroup; it says why and stops where the host cannot run it), and prints the heap after full collections and the fd count every tenth of the run,
// then a JSON report. Needs --expose-gc; runs on the built packages.
//
// Spawns are simulated forks by default; --real spawns a real `true` per round (the fork capturer
// path, slower). --short runs 3,000 rounds (what CI runs); the default is 10,000. The first fifth
// (at most 1,000 rounds) warms up: compiled code and one-time allocations are not growth.
//
// Usage: node --expose-gc scripts/soak-compat.mjs [fake|native|linux] [rounds] [--real] [--short]
// Last line: a JSON report.
import { spawn } from 'node:child_process';
import * as contract from '@sysbind/contract/compat';
import { createLinuxContractBackend, probeLinuxContractHost } from '@sysbind/contract-native';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { fdCount, settledHeap } from './heap-figures.mjs';

const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const [kind = 'fake', roundsText] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const real = kind === 'linux' || flags.includes('--real');
const rounds = Number(roundsText ?? (flags.includes('--short') ? 3000 : 10_000));
if (kind !== 'fake' && kind !== 'native' && kind !== 'linux') throw new Error(`unknown backend ${kind}`);
if (kind === 'linux') {
  const capabilities = process.platform === 'linux' ? probeLinuxContractHost() : undefined;
  const missing =
    capabilities === undefined
      ? 'needs Linux'
      : capabilities.supported
        ? undefined
        : `needs a writable cgroup2 (missing: ${capabilities.missing.map((entry) => entry.feature).join(', ')})`;
  if (missing !== undefined) {
    console.log(`soak-compat linux: skipped: ${missing}`);
    process.stdout.write(`${JSON.stringify({ kind, skipped: missing })}\n`);
    process.exit(0);
  }
}
if (!Number.isInteger(rounds) || rounds < 100) throw new Error('rounds must be an integer >= 100');

const sim = createContractSimulator({ followRealChildren: real });
const backend =
  kind === 'fake'
    ? sim.backend()
    : kind === 'native'
      ? createSimulatedNativeBackend(sim)
      : createLinuxContractBackend();
contract.useBackend(backend);
// Manta's marlin agent's template, set once and never cleared.
contract.set_template({
  type: 'process',
  critical: { pr_empty: true, pr_hwerr: true, pr_core: true },
  fatal: { pr_hwerr: true, pr_core: true },
  param: { noorphan: true },
});

// Every tenth contract of the measured rounds, weakly: after the run and full collections none
// may be alive (the heap figure also holds compiled code; this one counts only contracts).
const sampled = [];

function round(sample) {
  return new Promise((resolve, reject) => {
    let pid;
    if (real) {
      const child = spawn('true', [], { stdio: 'ignore' });
      child.on('error', reject);
      pid = child.pid;
    } else {
      pid = sim.world.fork(sim.self.pid);
    }
    let ct = contract.latest();
    if (sample) sampled.push(new WeakRef(ct));
    ct.on('pr_empty', (ev) => {
      if (ev.ctid !== ct.ctid) reject(new Error(`pr_empty of ${ev.ctid} on contract ${ct.ctid}`));
      ct.abandon();
      ct.removeAllListeners();
      ct = null;
      resolve();
    });
    if (!real) sim.world.exit(pid, 0);
  });
}

// Printed before the first sample: the first write to stdout opens a descriptor of its own.
console.log(`soak-compat ${kind}${real ? ' (real spawns)' : ''}: ${rounds} rounds, never disposed`);
const started = Date.now();
const warmup = Math.min(1000, Math.floor(rounds / 5));
for (let index = 0; index < warmup; index++) await round(false);
const samples = [];
const every = Math.floor(rounds / 10);
for (let done = warmup; done < rounds; done++) {
  if (done % every === 0) {
    const sample = { round: done, heap: await settledHeap(), fds: fdCount() };
    samples.push(sample);
    console.log(`round ${String(done).padStart(6)}: heap ${(sample.heap / 1e6).toFixed(2)} MB, fds ${sample.fds}`);
  }
  await round((done - warmup) % 10 === 0);
}
const end = { round: rounds, heap: await settledHeap(), fds: fdCount() };
samples.push(end);
console.log(`round ${String(rounds).padStart(6)}: heap ${(end.heap / 1e6).toFixed(2)} MB, fds ${end.fds}`);
const alive = sampled.filter((reference) => reference.deref() !== undefined).length;
const first = samples[0];
const perRound = (end.heap - first.heap) / (end.round - first.round);
console.log(
  `soak-compat ${kind}${real ? ' (real spawns)' : ''}: ${rounds} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `heap ${(first.heap / 1e6).toFixed(2)} → ${(end.heap / 1e6).toFixed(2)} MB (${perRound.toFixed(1)} bytes a round); ` +
    `fds ${first.fds} → ${end.fds}; ${alive} of ${sampled.length} sampled contracts still alive`,
);
contract.clear_template();
contract.useBackend(undefined);
backend.close?.();
sim.close();
process.stdout.write(
  `${JSON.stringify({ kind, real, rounds, samples, bytesPerRound: perRound, sampled: sampled.length, alive })}\n`,
);
