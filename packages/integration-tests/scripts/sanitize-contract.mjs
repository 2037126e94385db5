// Runs the contract addon's sim flavor, built with AddressSanitizer + UndefinedBehaviorSanitizer
// (`SYSBIND_SANITIZE=1 pnpm run build` in packages/contract-native), through templates, latest,
// status, events, ctl, device negotiation, sigsend, worker threads and every close path,
// including handles left to the garbage collector and to the environment teardown. Prints
// `sanitize-contract: N ASan errors, N UBSan errors, N leaks` and exits non-zero if any.
//
// A plain node script rather than a vitest run: LeakSanitizer checks at process exit, which
// vitest's workers do not reach. It re-runs itself with LD_PRELOAD of libasan (node is not
// instrumented, so the runtime must be loaded first) unless that is already set.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { runSanitized } from './sanitized-run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const addonFile = path.resolve(packageDir, '../contract-native/build/sim-asan/Release/contract.node');
const bundleFile = path.join(packageDir, 'node_modules/.cache/sysbind-contract-drivers/contract-simulator.mjs');

async function supervise() {
  if (!existsSync(addonFile)) {
    console.error(
      `sanitize-contract: ${addonFile} is missing; run SYSBIND_SANITIZE=1 pnpm run build in packages/contract-native`,
    );
    process.exit(2);
  }
  // The simulator (TypeScript sources) as one ESM file; the addon package is loaded from its build.
  const { build } = await import('esbuild');
  mkdirSync(path.dirname(bundleFile), { recursive: true });
  await build({
    stdin: {
      contents: "export { createContractSimulator } from '@sysbind/testing-fakes';",
      resolveDir: packageDir,
      loader: 'js',
    },
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@sysbind/source'],
    external: ['@sysbind/contract-interface', '@sysbind/contract-native', '@sysbind/contract-native/*'],
    logLevel: 'silent',
  });
  const { asan, ubsan, leaks, ok, exit } = runSanitized(fileURLToPath(import.meta.url), {
    doneMarker: 'sanitize-contract: workload done',
  });
  console.log(`sanitize-contract: ${asan} ASan errors, ${ubsan} UBSan errors, ${leaks} leaks (exit ${exit})`);
  process.exit(ok ? 0 : 1);
}

async function drive() {
  const { createContractSimulator } = await import(pathToFileURL(bundleFile).href);
  const native = await import('@sysbind/contract-interface');
  const { createSimulatedNativeBackend, loadSimulatorAddon } = await import('@sysbind/contract-native/testing');
  const { CT_PR_EV_EMPTY, CT_PR_EV_EXIT, CT_PR_EV_FORK, CT_PR_INHERIT, CTD_COMMON, CTD_FIXED, CTD_ALL } = native;
  if (!isMainThread && workerData.churn) {
    churn(createContractSimulator, createSimulatedNativeBackend);
    return;
  }
  if (!isMainThread) {
    await workload(createContractSimulator, createSimulatedNativeBackend, native, workerData.rounds);
    return;
  }
  const addon = loadSimulatorAddon();
  if (!addon.constructor || addon.flavor !== 'sim') throw new Error('not the sim flavor');

  await workload(createContractSimulator, createSimulatedNativeBackend, native, 40);

  // Worker threads, each with its own simulator, at the same time as the main thread.
  const workers = [1, 2].map(
    () =>
      new Promise((resolve, reject) => {
        const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { rounds: 20 } });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exit ${code}`))));
      }),
  );
  await workload(createContractSimulator, createSimulatedNativeBackend, native, 20);
  await Promise.all(workers);

  // Workers terminated while their endpoints deliver events: teardown in the middle of a drain.
  for (let round = 0; round < 5; round++) {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { churn: true } });
    await new Promise((resolve) => setTimeout(resolve, 20 + round * 10));
    await worker.terminate();
  }

  // Handles nobody closes: the finalizers close them.
  const sim = createContractSimulator({ followRealChildren: false });
  const backend = createSimulatedNativeBackend(sim);
  for (let index = 0; index < 200; index++) {
    backend.openTemplate('process');
    backend.openBundle('process');
    backend.openProcessBundle('device');
  }
  for (let round = 0; round < 5; round++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  // And handles left for the environment teardown (a watching endpoint among them).
  const leftOpen = backend.openProcessBundle('process');
  leftOpen.listen({ onEvent() {}, onError() {} });
  backend.openTemplate('device');
  void [CT_PR_EV_EMPTY, CT_PR_EV_EXIT, CT_PR_EV_FORK, CT_PR_INHERIT, CTD_COMMON, CTD_FIXED, CTD_ALL];
  console.log('sanitize-contract: workload done');
}

function churn(createContractSimulator, createSimulatedNativeBackend) {
  const sim = createContractSimulator({ followRealChildren: false });
  const backend = createSimulatedNativeBackend(sim);
  const pbundle = backend.openProcessBundle('process');
  pbundle.listen({ onEvent() {}, onError() {} });
  pbundle.ref();
  const template = backend.openTemplate('process');
  const step = () => {
    for (let index = 0; index < 20; index++) {
      template.activate();
      const pid = sim.world.fork(sim.self.pid);
      template.clear();
      sim.world.exit(pid);
    }
    setImmediate(step);
  };
  step();
}

function expectError(action, code) {
  try {
    action();
  } catch (error) {
    if (error?.code === code) return;
    throw new Error(`expected ${code}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected ${code}, got no error`);
}

async function expectRejection(promise, code) {
  try {
    await promise;
  } catch (error) {
    if (error?.code === code) return;
    throw new Error(`expected ${code}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected ${code}, got no rejection`);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2));

async function workload(createContractSimulator, createSimulatedNativeBackend, native, rounds) {
  const { CT_PR_EV_EMPTY, CT_PR_EV_EXIT, CT_PR_EV_FORK, CT_PR_INHERIT, CTD_COMMON, CTD_FIXED, CTD_ALL } = native;
  const sim = createContractSimulator({
    followRealChildren: false,
    privileges: ['sys_devices', 'contract_event', 'contract_identity', 'contract_observer'],
  });
  const backend = createSimulatedNativeBackend(sim);

  // Templates: every term of both types, set and read back, cross-type errors, create.
  const template = backend.openTemplate('process');
  template.set('cookie', 0xdeadbeefn);
  template.set('critical', CT_PR_EV_EMPTY | CT_PR_EV_EXIT);
  template.set('informative', CT_PR_EV_FORK);
  template.set('fatal', 0x20);
  template.set('param', CT_PR_INHERIT);
  template.set('transfer', 0);
  template.set('svc_fmri', 'svc:/sanitize:default');
  template.set('svc_aux', 'aux'.repeat(200));
  for (const term of ['cookie', 'critical', 'informative', 'fatal', 'param', 'transfer', 'svc_fmri', 'svc_aux'])
    template.get(term);
  // Parameter ids overlap across types (CTDP_ACCEPT = CTPP_PARAMS = 1): ctmpl_process_set takes it.
  template.set('aset', CT_PR_INHERIT);
  expectError(() => template.create(), 'EINVAL');

  const minor = '/pseudo/sanitize@0:a';
  sim.world.addDevice(minor);
  const device = backend.openTemplate('device');
  expectError(() => device.get('minor'), 'ENOENT');
  device.set('minor', minor);
  device.set('aset', 1);
  device.set('noneg', true);
  device.set('noneg', false);
  for (const term of ['minor', 'aset', 'noneg', 'cookie', 'critical', 'informative']) device.get(term);
  expectError(() => device.set('fatal', 8), 'EINVAL');

  // Endpoints watched through uv_poll.
  const seen = [];
  const pbundle = backend.openProcessBundle('process');
  pbundle.listen({ onEvent: (event) => seen.push(event), onError: (error) => seen.push(error) });
  const bundle = backend.openBundle('process');
  const deviceBundle = backend.openProcessBundle('device');
  deviceBundle.listen({ onEvent: (event) => seen.push(event), onError: (error) => seen.push(error) });

  // Process contracts: latest, status at each level, per-contract events, ctl, sigsend.
  for (let round = 0; round < rounds; round++) {
    template.activate();
    const pid = sim.world.fork(sim.self.pid);
    template.clear();
    const latest = backend.openLatest('process');
    for (const detail of [CTD_COMMON, CTD_FIXED, CTD_ALL]) latest.read(detail);
    const events = backend.openEvents(latest.ctid);
    events.listen({ onEvent: () => undefined, onError: () => undefined });
    const control = backend.openControl(latest.ctid);
    sim.world.fork(pid);
    backend.sigsend(latest.ctid, 0);
    sim.world.exit(pid);
    await settle();
    for (let event = bundle.read(); event !== undefined; event = bundle.read()) void event;
    events.reset();
    for (let event = events.readCritical(); event !== undefined; event = events.readCritical()) control.ack(event.evid);
    expectError(() => control.nack(1n), 'ESRCH');
    expectError(() => control.qack(1n), 'ESRCH');
    control.newct(1n, template);
    control.abandon();
    events.close();
    control.close();
    latest.close();
    latest.close();
  }
  pbundle.reliable();

  // A read error reaches onError and stops the watch.
  sim.injectFault({ operation: 'ct_event_read', errno: 'EIO' });
  template.activate();
  sim.world.exit(sim.world.fork(sim.self.pid));
  template.clear();
  await settle();

  // Adoption of a contract inherited by our process contract.
  const worker = sim.world.fork(sim.self.pid, { template: null });
  const grandchild = sim.world.fork(worker, { template: { param: CT_PR_INHERIT } });
  const inherited = sim.world.process(grandchild).contract;
  sim.world.exit(worker);
  const adopter = backend.openControl(inherited);
  adopter.adopt();
  adopter.abandon();
  adopter.close();

  // Device contracts: ct_tmpl_create, open of a minor node, negotiation with ack and nack.
  const created = device.create();
  const node = (() => {
    device.activate();
    const handle = backend.openDeviceNode(minor);
    device.clear();
    return handle;
  })();
  sim.world.setDeviceState(minor, 'offline');
  await settle();
  for (const event of seen.filter((item) => item.contractType === 'device' && (item.flags & 4) !== 0)) {
    const control = backend.openControl(event.ctid);
    if (event.ctid === created) control.nack(event.evid);
    else control.ack(event.evid);
    control.close();
  }
  sim.clock.advance(61_000);
  await settle();
  const status = backend.openStatus(created);
  status.read(CTD_ALL);
  status.close();
  node.close();
  node.close();

  // The calls that run off the JS thread (issue 12 item 14): create, open under the template
  // with O_NDELAY|O_NOCTTY, abandon; handles closed while their call is in flight, and a node
  // left to the garbage collector.
  sim.world.setDeviceState(minor, 'online');
  const createdLater = device.createAsync();
  const openedLater = backend.openDeviceNodeAsync(minor, { template: device, ndelay: true, noctty: true });
  const closedTemplate = backend.openTemplate('device');
  closedTemplate.set('minor', minor);
  const createdClosed = closedTemplate.createAsync();
  closedTemplate.close();
  const [laterId, opened, closedId] = await Promise.all([createdLater, openedLater, createdClosed]);
  opened.node.close();
  for (const ctid of [laterId, opened.ctid, closedId]) {
    const control = backend.openControl(ctid);
    const abandoning = control.abandonAsync();
    control.close();
    await abandoning;
  }
  await backend.openDeviceNodeAsync(minor);
  await expectRejection(backend.openDeviceNodeAsync('/pseudo/none@0:z', { template: device }), 'ENOENT');

  expectError(() => backend.openStatus(2_000_000), 'ENOENT');
  expectError(() => backend.openLatest('device').read(9), 'EINVAL');
  for (const handle of [template, device, pbundle, bundle, deviceBundle]) {
    handle.close();
    handle.close();
  }
  backend.close();
  sim.close();
  if (!seen.some((item) => item instanceof Error)) throw new Error('the injected read error was not delivered');
}

if (isMainThread && process.env.SYSBIND_SANITIZE_RUN !== '1') {
  await supervise();
} else {
  await drive();
}
