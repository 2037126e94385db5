// Runs the Linux flavor of the contract addon and its sentinel, built with AddressSanitizer +
// UndefinedBehaviorSanitizer (`SYSBIND_SANITIZE=1 node build-linux.mjs` in
// packages/contract-native, into build/linux-asan), through real contracts on this kernel: spawns
// under templates, double-forked members, fork and exit facts, sigsend through freeze and through
// cgroup.kill, fatal events, abandon with NOORPHAN, observers and the bundle, worker threads
// terminated with an open monitor, a sentinel that cleans up after its owner, a synchronous
// child started through the enter helper, and a real overflow of the connector socket (ENOBUFS:
// the poll handle's error path, the resync); once with the process-events connector and once
// without it (exit statuses from pidfds). Prints
// `sanitize-linux: N ASan errors, N UBSan errors, N leaks` and exits non-zero if any. Off Linux,
// or on a host that cannot run the backend, it says so and exits 0.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread } from 'node:worker_threads';
import { runSanitized } from './sanitized-run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const addonFile = path.resolve(here, '../../contract-native/build/linux-asan/Release/contract.node');

async function supervise() {
  if (process.platform !== 'linux') {
    console.log('sanitize-linux: not Linux, nothing to run');
    return;
  }
  // The probe may load the addon: in this process (no libasan preloaded) it must be the plain
  // build, whatever the job's SYSBIND_SANITIZE says; the instrumented one runs in the child below.
  const sanitize = process.env.SYSBIND_SANITIZE;
  delete process.env.SYSBIND_SANITIZE;
  const { probeLinuxContractHost } = await import('@sysbind/contract-native');
  const capabilities = probeLinuxContractHost();
  if (sanitize !== undefined) process.env.SYSBIND_SANITIZE = sanitize;
  if (!capabilities.supported) {
    console.log(
      `sanitize-linux: this host cannot run the Linux backend (${capabilities.missing.map((m) => m.feature)})`,
    );
    return;
  }
  if (!existsSync(addonFile)) {
    console.error(
      `sanitize-linux: ${addonFile} is missing; run SYSBIND_SANITIZE=1 node build-linux.mjs in packages/contract-native`,
    );
    process.exit(2);
  }
  // Twice: with the process-events connector, and without it (SYSBIND_CONTRACT_CONNECTOR=off),
  // where exit statuses come from pidfds instead.
  let failed = false;
  const totals = { asan: 0, ubsan: 0, leaks: 0 };
  for (const connector of ['on', 'off']) {
    const { asan, ubsan, leaks, ok, exit } = runSanitized(fileURLToPath(import.meta.url), {
      doneMarker: 'sanitize-linux: workload done',
      env: connector === 'off' ? { SYSBIND_CONTRACT_CONNECTOR: 'off' } : {},
      timeout: 120_000,
    });
    console.log(
      `sanitize-linux (connector ${connector}): ${asan} ASan errors, ${ubsan} UBSan errors, ${leaks} leaks (exit ${exit})`,
    );
    totals.asan += asan;
    totals.ubsan += ubsan;
    totals.leaks += leaks;
    if (!ok) failed = true;
  }
  console.log(`sanitize-linux: ${totals.asan} ASan errors, ${totals.ubsan} UBSan errors, ${totals.leaks} leaks`);
  process.exit(failed ? 1 : 0);
}

const DAEMON = 'sh -c "setsid sleep 30 </dev/null >/dev/null 2>&1 & echo \\$!"';

function emptied(contract) {
  return new Promise((resolve) => {
    contract.on('pr_empty', resolve);
  });
}

// The members run uninstrumented: libasan is preloaded into node only, not into sh and sleep.
const { LD_PRELOAD: _preload, ...childEnv } = process.env;

async function workload(rounds) {
  const { createContractSystem } = await import('@sysbind/contract');
  const system = createContractSystem();
  if (system.backend.name !== 'linux') throw new Error(`not the Linux backend: ${system.backend.name}`);
  const watcher = system.watch('process');
  watcher.on('event', () => undefined);
  for (let round = 0; round < rounds; round++) {
    const template = {
      informative: ['pr_fork', 'pr_exit', 'pr_core', 'pr_signal'],
      fatal: ['pr_core'],
      params: round % 2 === 0 ? ['noorphan'] : [],
    };
    const { child, contract } = system.spawn('sh', ['-c', DAEMON], {
      template,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: childEnv,
    });
    const empty = emptied(contract);
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (text += chunk));
    await new Promise((resolve) => child.stdout.on('end', resolve));
    const observer = system.observe(contract.id);
    observer.on('event', () => undefined);
    observer.status();
    const members = contract.status().members;
    if (process.env.SYSBIND_SANITIZE_TRACE === '1')
      console.log(`round ${round}: daemon ${text.trim()}, members ${members}`);
    if (round % 3 === 0) contract.signal('SIGTERM');
    else if (round % 3 === 1) contract.signal('SIGKILL');
    else {
      // The fatal set: a member dying of a core-default signal kills the rest (cgroup.kill).
      process.kill(Number(text.trim()), 'SIGABRT');
    }
    const event = await empty;
    if (process.env.SYSBIND_SANITIZE_TRACE === '1') console.log(`round ${round}: pr_empty`);
    contract.ack(event.evid);
    observer.close();
    contract.abandon();
    contract.close();
  }
  // A synchronous child under a template (through the enter helper), leaving a member behind.
  const active = system.activateTemplate({ informative: ['pr_exit'] });
  let daemon;
  try {
    daemon = Number(execFileSync('sh', ['-c', DAEMON], { encoding: 'utf8', env: childEnv }).trim());
  } finally {
    active.clear();
  }
  const synced = system.latest();
  const syncEmpty = emptied(synced);
  if (!synced.status().members.includes(daemon)) throw new Error(`daemon ${daemon} is not a member`);
  synced.signal('SIGKILL');
  await syncEmpty;
  synced.abandon();
  synced.close();
  // An abandoned NOORPHAN contract with a live member: killed on abandon.
  const { contract } = system.spawn('sh', ['-c', DAEMON], {
    template: { params: ['noorphan'] },
    stdio: 'ignore',
    env: childEnv,
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  contract.abandon();
  // Only with the connector (the run without it has no socket to overflow).
  if (isMainThread && process.env.SYSBIND_CONTRACT_CONNECTOR !== 'off') await overflow(system);
  watcher.close();
  system.close();
}

// A real ENOBUFS: the connector's buffer shrunk to the kernel's minimum (the test-only hook), a
// fork burst in a contract while the event loop is blocked, then the members' exits and pr_empty.
async function overflow(system) {
  const { linuxBackendTestHooks } = await import('@sysbind/contract-native/testing');
  const before = linuxBackendTestHooks.overflows().length;
  linuxBackendTestHooks.setConnectorBuffer(1);
  process.on('warning', () => undefined);
  try {
    const { contract } = system.spawn(
      'sh',
      ['-c', 'for i in $(seq 10); do sleep 1 & done; for i in $(seq 40); do /bin/true; done; wait'],
      { template: { informative: ['pr_fork', 'pr_exit'] }, stdio: 'ignore', env: childEnv },
    );
    const empty = emptied(contract);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    for (let waited = 0; linuxBackendTestHooks.overflows().length === before && waited < 3000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    linuxBackendTestHooks.setConnectorBuffer(0);
    if (linuxBackendTestHooks.overflows().length === before) throw new Error('the connector did not overflow');
    await empty;
    contract.abandon();
    contract.close();
  } finally {
    linuxBackendTestHooks.setConnectorBuffer(0);
  }
}

async function drive() {
  if (!isMainThread) {
    await workload(3);
    return;
  }
  await workload(12);
  // Worker threads with their own monitor, one of them terminated while it is open.
  await Promise.all(
    [1, 2].map(
      () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(fileURLToPath(import.meta.url));
          worker.on('error', reject);
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exit ${code}`))));
        }),
    ),
  );
  const terminated = new Worker(fileURLToPath(import.meta.url));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await terminated.terminate();
  console.log('sanitize-linux: workload done');
}

if (process.env.SYSBIND_SANITIZE_RUN === '1') await drive();
else await supervise();
