// Differential fuzzer of the Linux backend: the same seeded sequence of backend-interface calls
// (templates with valid and invalid terms, spawns of harmless children under them, latest,
// status, sigsend, control and event endpoints, double closes) runs on the testing-fakes
// simulator, which follows real children, and on the real Linux backend; the outcomes (error
// name, code, syscall and errno, or the shape of a success) must match, except where the fidelity
// table of docs/guides/linux.md lists a difference (linux-exclusions.mjs names the row).
//
//   node fuzz/linux-differential.mjs [--seed S] [--ops N] [--epochs E] [--trace]
//
// Safe on a real machine: see linux-sequence.mjs. Skips (exit 0, saying why) where the Linux
// backend cannot run. Last line: `fuzz linux: N calls, N mismatches, N excused, S s`; the exit
// status is non-zero on a mismatch or a crash-free failure of the harness itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLinuxContractBackend, probeLinuxContractHost } from '@sysbind/contract-native';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { environmentCtid, excusedBy, poolOf, taintOf, valuesOwnError } from './linux-exclusions.mjs';
import { closeWorld, createWorld, drawSequence, killLeftovers, runOp } from './linux-sequence.mjs';
import { chunkSeed, createRandom } from './random-values.mjs';

const { values: options } = parseArgs({
  options: {
    seed: { type: 'string' },
    ops: { type: 'string', default: '150' },
    epochs: { type: 'string', default: '4' },
    jobs: { type: 'string', default: '2' },
    epoch: { type: 'string' },
    trace: { type: 'boolean', default: false },
    reference: { type: 'string', default: 'addon' },
    child: { type: 'boolean', default: false },
  },
});
const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(options.seed) >>> 0;
const opsPerEpoch = Number(options.ops);
const epochs = Number(options.epochs);
const EPOCH_TIMEOUT_MS = 120_000;
/** Not a fidelity row: a slot filled from a ctid only the simulated system has (environmentCtid). */
const ENVIRONMENT = Symbol('the simulated system');

if (options.child) {
  await runEpochAsChild(Number(options.epoch));
} else {
  const reason = skipReason();
  if (reason !== undefined) console.log(`fuzz linux: skipped: ${reason}`);
  else await supervise();
}

function skipReason() {
  if (process.platform !== 'linux') return 'needs Linux';
  const capabilities = probeLinuxContractHost();
  if (!capabilities.supported) {
    return `needs a writable cgroup2 (missing: ${capabilities.missing.map((entry) => entry.feature).join(', ')})`;
  }
  if (!capabilities.connector)
    return 'needs the process-events connector (root, or kernel 6.6+ in the initial namespaces)';
  return undefined;
}

// Each epoch runs in a process of its own: a crash ends one epoch, not the run, and the Linux
// backend's per-thread state (latest, the event id counter) starts afresh, as the simulator's does.
async function supervise() {
  const started = Date.now();
  const totals = { calls: 0, ops: 0, mismatches: 0, crashes: 0, valueErrors: 0, environment: 0, excused: new Map() };
  const reported = new Set();
  console.log(`fuzz linux: seed ${seed}, ${epochs} epochs of ${opsPerEpoch} operations`);
  let next = 0;
  const worker = async () => {
    while (next < epochs) {
      const epoch = next++;
      const result = await runChild(epoch);
      if (result.report === undefined) {
        totals.crashes++;
        const replay = `node fuzz/linux-differential.mjs --seed ${seed} --ops ${opsPerEpoch} --child --epoch ${epoch} --trace`;
        console.log(
          `CRASH epoch ${epoch}: ${result.signal ?? `exit ${result.code}`}${result.timedOut ? ' (timed out)' : ''}\n${result.stderr.split('\n').slice(-20).join('\n')}\n  replay: ${replay}`,
        );
        continue;
      }
      const { report } = result;
      totals.calls += report.calls;
      totals.ops += report.ops;
      totals.valueErrors += report.valueErrors;
      totals.environment += report.environment;
      for (const [row, count] of Object.entries(report.excused))
        totals.excused.set(row, (totals.excused.get(row) ?? 0) + count);
      for (const mismatch of report.mismatches) {
        totals.mismatches++;
        const key = `${mismatch.kind}: ${mismatch.simulator} ≠ ${mismatch.linux}`;
        if (reported.has(key) || reported.size > 40) continue;
        reported.add(key);
        console.log(
          `MISMATCH epoch ${epoch} op ${mismatch.index}: ${mismatch.label}\n  simulator: ${mismatch.simulator}\n  linux:     ${mismatch.linux}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Number(options.jobs), epochs)) }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const excused = [...totals.excused].map(([row, count]) => `'${row}' ${count}`).join(', ');
  console.log(`fuzz linux: excused by fidelity row: ${excused || 'none'}`);
  console.log(`fuzz linux: differences where a hostile value threw its own error on one side: ${totals.valueErrors}`);
  console.log(`fuzz linux: differences over small ctids the simulated system itself holds: ${totals.environment}`);
  console.log(
    `fuzz linux: ${totals.calls} calls (${totals.ops} operations on each backend), ${totals.mismatches} mismatches, ` +
      `${[...totals.excused.values()].reduce((a, b) => a + b, 0)} excused, ${totals.crashes} crashes, ${seconds} s`,
  );
  process.exitCode = totals.mismatches + totals.crashes === 0 ? 0 : 1;
}

function runChild(epoch) {
  return new Promise((resolve) => {
    const args = [
      fileURLToPath(import.meta.url),
      '--child',
      '--seed',
      String(seed),
      '--epoch',
      String(epoch),
      '--ops',
      String(opsPerEpoch),
      '--reference',
      options.reference,
      ...(options.trace ? ['--trace'] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (data) => (stdout += data));
    child.stderr.setEncoding('utf8').on('data', (data) => (stderr = (stderr + data).slice(-100_000)));
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, EPOCH_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      let report;
      try {
        report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '').report;
      } catch {
        report = undefined;
      }
      resolve({ code, signal, stderr, report, timedOut });
    });
  });
}

async function runEpochAsChild(epoch) {
  // The Linux backend first: its ChildProcess#spawn hook must sit below the simulator's, which
  // the simulator removes again when its template is cleared.
  const linuxBackend = createLinuxContractBackend();
  const epochSeed = chunkSeed(seed, epoch);
  const simulator = createContractSimulator({
    followRealChildren: true,
    euid: 0,
    privileges: ['contract_event', 'contract_identity', 'contract_observer', 'proc_owner'],
  });
  const reference = options.reference === 'simulator' ? simulator.backend() : createSimulatedNativeBackend(simulator);
  const simRun = await runPass(reference, drawSequence(createRandom(epochSeed), opsPerEpoch), 'simulator');
  simulator.close();
  const ops = drawSequence(createRandom(epochSeed), opsPerEpoch);
  const linuxRun = await runPass(linuxBackend, ops, 'linux');
  const report = {
    calls: simRun.calls + linuxRun.calls,
    ops: ops.length,
    mismatches: [],
    excused: {},
    valueErrors: 0,
    environment: 0,
  };
  // A slot an excused difference filled differently stays excused (by the same row) until reopened.
  const slotRows = new Map();
  for (const [index, op] of ops.entries()) {
    const sim = simRun.outcomes[index].outcome.join(' | ');
    const linux = linuxRun.outcomes[index].outcome.join(' | ');
    const pool = poolOf(op);
    const key = pool === undefined ? undefined : `${pool}[${op.slot}]`;
    const opens = key !== undefined && op.kind.startsWith('open');
    if (sim === linux) {
      if (opens) slotRows.delete(key);
      continue;
    }
    const row =
      excusedBy(op, sim, linux) ??
      (opens ? undefined : slotRows.get(key)) ??
      // newct takes a template from another slot.
      (op.kind === 'control' && op.method === 'newct' ? slotRows.get(`template[${op.template}]`) : undefined) ??
      linuxRun.outcomes[index].tainted ??
      simRun.outcomes[index].tainted;
    const environment = row === undefined && environmentCtid(op) ? ENVIRONMENT : undefined;
    if (opens) {
      if ((row ?? environment) === undefined) slotRows.delete(key);
      else slotRows.set(key, row ?? environment);
    }
    if (row === ENVIRONMENT || environment !== undefined) report.environment++;
    else if (row !== undefined) report.excused[row] = (report.excused[row] ?? 0) + 1;
    else if (valuesOwnError(sim) || valuesOwnError(linux)) report.valueErrors++;
    else report.mismatches.push({ index, kind: op.kind, label: op.label, simulator: sim, linux });
  }
  process.stdout.write(`${JSON.stringify({ report })}\n`);
}

async function runPass(backend, ops, name) {
  const world = createWorld(backend);
  const outcomes = [];
  try {
    for (const [index, op] of ops.entries()) {
      if (options.trace) {
        const own = op.ctid?.own ?? op.argument?.own;
        const resolved =
          own === undefined || world.contracts.length === 0 ? '' : ` [= #${own % world.contracts.length}]`;
        process.stderr.write(`${name} ${index}: ${op.label}${resolved}\n`);
      }
      const outcome = await runOp(op, world);
      if (options.trace) process.stderr.write(`  → ${outcome.join(' | ')}\n`);
      outcomes.push({ outcome, tainted: taintsFor(op, world, outcome) });
    }
  } finally {
    closeWorld(world);
    killLeftovers(world);
  }
  return { outcomes, calls: world.calls };
}

/** The fidelity row that makes this op's outcome incomparable, given what came before on its slot or contract. */
function taintsFor(op, world, outcome) {
  const pool = poolOf(op);
  const key = pool === undefined ? undefined : `${pool}[${op.slot}]`;
  const fresh = taintOf(op);
  // A tainted template, once active, taints what spawns under it create, and every contract a
  // transfer could have subsumed.
  // (Only when the call took effect: a closed template's activate changes nothing.)
  const tookEffect = outcome[0]?.startsWith('ok') === true;
  if (op.kind === 'template method' && op.method === 'activate' && tookEffect) {
    world.activeTaint = world.taintedSlots.get(key);
  }
  if (op.kind === 'template method' && op.method === 'clear' && tookEffect) world.activeTaint = undefined;
  if (op.kind === 'spawn' && world.activeTaint !== undefined) {
    for (let index = 0; index < world.contracts.length; index++) world.taintedContracts.set(index, world.activeTaint);
  }
  // An open starts the slot afresh; other ops may taint it from the next one on.
  const before = key === undefined ? undefined : world.taintedSlots.get(key);
  if (key !== undefined && op.kind.startsWith('open')) {
    if (fresh === undefined) world.taintedSlots.delete(key);
    else world.taintedSlots.set(key, fresh);
  } else if (key !== undefined && fresh !== undefined && before === undefined) {
    world.taintedSlots.set(key, fresh);
    return undefined;
  }
  if (key !== undefined && world.taintedSlots.has(key)) return world.taintedSlots.get(key);
  // Which of the run's contracts this op (or the slot it works on) concerns.
  let concerns;
  for (const choice of [op.ctid, op.argument]) {
    if (choice?.own !== undefined && world.contracts.length > 0) concerns = choice.own % world.contracts.length;
  }
  if (op.kind === 'openLatest' && world.contracts.length > 0) concerns = world.contracts.length - 1;
  if (key !== undefined && op.kind.startsWith('open')) world.slotContracts.set(key, concerns);
  else if (key !== undefined) concerns = world.slotContracts.get(key);
  return concerns === undefined ? undefined : world.taintedContracts.get(concerns);
}
