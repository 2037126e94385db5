// The sanitizer job (CI runs it): builds the ASan + UBSan sim flavor of both addons
// (build/sim-asan, apart from the normal build/sim) and, on Linux, the Linux flavor of the
// contract addon (build/linux-asan), then runs under libasan with leak detection: the contract
// harness, the Linux backend harness, the Gridcentric harness, a fuzz smoke and a short run of
// the Linux differential fuzzer. Fails on any AddressSanitizer,
// UndefinedBehaviorSanitizer or LeakSanitizer report, and on any failing step.
//
//   pnpm run sanitize                 (in packages/integration-tests)
//   SYSBIND_SANITIZE_SKIP_BUILD=1 …   reuse the instrumented builds already there
//   SYSBIND_SANITIZE_FUZZ_CALLS=N …   size of the fuzz smoke (default 5000)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANITIZER_REPORTS, countReports, libasanPath } from './sanitized-run.mjs';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativePackages = ['contract-native', 'gridcentric-native'].map((name) => path.resolve(packageDir, '..', name));
const fuzzCalls = process.env.SYSBIND_SANITIZE_FUZZ_CALLS ?? '5000';

const libasan = libasanPath();
if (!path.isAbsolute(libasan)) {
  console.error(`sanitize: ${process.env.CXX ?? 'g++'} knows no libasan.so (install libasan for it)`);
  process.exit(2);
}
const sanitizedEnv = {
  ...process.env,
  SYSBIND_SANITIZE: '1',
  LD_PRELOAD: libasan,
  ASAN_OPTIONS: 'detect_leaks=1',
  // Thread-local storage is not a root (use_tls=0). LeakSanitizer's tracer, scanning each thread's
  // TLS at exit, crashed now and then under load ("Tracer caught signal 11"; 4 of 100 fuzz smokes
  // with two CPU hogs, 0 of 100 with this setting). It also makes the check stricter, not looser:
  // memory reachable only from TLS is reported. The one such allocation that is not ours, glibc's
  // loader's name of a dlopen'd addon, is suppressed in lsan.supp.
  LSAN_OPTIONS: `use_tls=0:suppressions=${path.join(packageDir, 'scripts/lsan.supp')}`,
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
};

const steps = [];
if (process.env.SYSBIND_SANITIZE_SKIP_BUILD !== '1') {
  for (const dir of nativePackages) {
    // What `SYSBIND_SANITIZE=1 pnpm run build` does in the package, minus the TypeScript build,
    // which the workspace build already made (the harnesses import dist/). Without LD_PRELOAD:
    // cmake and the compiler are not instrumented.
    steps.push({
      name: `build ${path.basename(dir)} (sim-asan)`,
      command: [process.execPath, [path.resolve(packageDir, '../../scripts/build-native.mjs')]],
      cwd: dir,
      env: { ...process.env, SYSBIND_SANITIZE: '1' },
      scan: false,
    });
  }
}
// The Linux flavor of the contract addon and its sentinel (into build/linux-asan), on Linux.
if (process.env.SYSBIND_SANITIZE_SKIP_BUILD !== '1' && process.platform === 'linux') {
  steps.push({
    name: 'build contract-native (linux-asan)',
    command: [process.execPath, ['build-linux.mjs']],
    cwd: nativePackages[0],
    env: { ...process.env, SYSBIND_SANITIZE: '1' },
    scan: false,
  });
}
// Each harness re-runs itself under LD_PRELOAD; its outer process (which bundles with esbuild and
// never loads an addon) stays uninstrumented, since LeakSanitizer would report Node's own
// allocations of that process at its exit.
const { LD_PRELOAD: _preload, ...harnessEnv } = sanitizedEnv;
steps.push(
  {
    name: 'contract harness',
    command: [process.execPath, ['scripts/sanitize-contract.mjs']],
    env: harnessEnv,
    scan: true,
  },
  {
    // Real contracts on this kernel (says so and passes where the host cannot run them).
    name: 'contract harness, Linux backend',
    command: [process.execPath, ['scripts/sanitize-linux.mjs']],
    env: harnessEnv,
    scan: true,
  },
  {
    name: 'gridcentric harness',
    command: [process.execPath, ['scripts/sanitize-gridcentric.mjs']],
    env: harnessEnv,
    scan: true,
  },
  {
    name: `fuzz smoke (${fuzzCalls} calls)`,
    // A fixed seed, as CI's own fuzz smoke has: the job is deterministic; run the fuzzer unseeded to explore.
    command: [
      process.execPath,
      ['fuzz/fuzz.mjs', '--seed', '20261122', '--calls', fuzzCalls, '--chunk', String(Math.ceil(fuzzCalls / 2))],
    ],
    scan: true,
  },
  {
    // The Linux backend against the addon over the simulator, on real children (says so and
    // passes where the host cannot run it).
    name: 'Linux differential fuzz (2 epochs)',
    command: [process.execPath, ['fuzz/linux-differential.mjs', '--seed', '20261122', '--epochs', '2', '--ops', '120']],
    scan: true,
  },
);

let failed = 0;
const started = Date.now();
for (const step of steps) {
  const stepStarted = Date.now();
  const [file, args] = step.command;
  const result = spawnSync(file, args, {
    cwd: step.cwd ?? packageDir,
    env: step.env ?? sanitizedEnv,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const counts = step.scan ? countReports(output).map((count, index) => [SANITIZER_REPORTS[index][0], count]) : [];
  const reported = counts.some(([, count]) => count > 0);
  const ok = result.status === 0 && !reported;
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  const summary = counts.map(([name, count]) => `${count} ${name}`).join(', ');
  console.log(`sanitize: ${ok ? 'ok  ' : 'FAIL'} ${step.name} (${seconds} s${summary ? `; ${summary}` : ''})`);
  if (!ok) {
    failed++;
    process.stdout.write(output.split('\n').slice(-80).join('\n') + '\n');
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`sanitize: ${steps.length - failed} of ${steps.length} steps passed in ${seconds} s`);
process.exit(failed === 0 ? 0 : 1);
