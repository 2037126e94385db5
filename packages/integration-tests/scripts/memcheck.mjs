// valgrind memcheck over the plain (non-ASan) sim builds of both addons: a fuzz chunk, which
// drives both raw addons, their native backends and both facades, and the Gridcentric sanitizer
// harness (threads, waits, aborts, workers). Not part of CI: under valgrind each takes about a
// minute. Fails on any memcheck error or definite leak (--error-exitcode=99);
// node-memcheck.supp hides what Node itself does (see the comments there).
//
//   pnpm run memcheck                         (in packages/integration-tests, after the workspace build)
//   SYSBIND_MEMCHECK_FUZZ_CALLS=N pnpm run memcheck   (default 600)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fuzzCalls = process.env.SYSBIND_MEMCHECK_FUZZ_CALLS ?? '600';
const valgrindOptions = [
  '--leak-check=full',
  '--errors-for-leak-kinds=definite',
  '--error-exitcode=99',
  `--suppressions=${path.join(packageDir, 'scripts/node-memcheck.supp')}`,
];
// The plain sim builds: SYSBIND_SANITIZE must be off, or the loaders pick the ASan builds.
const { SYSBIND_SANITIZE: _sanitize, LD_PRELOAD: _preload, ...env } = process.env;

const runs = [
  {
    name: `fuzz chunk (${fuzzCalls} calls)`,
    args: ['--expose-gc', 'fuzz/fuzz.mjs', '--child', '--seed', '1', '--calls', fuzzCalls],
    env,
  },
  {
    name: 'gridcentric harness',
    // The harness's own workload, without its ASan re-run.
    args: ['--expose-gc', 'scripts/sanitize-gridcentric.mjs'],
    env: { ...env, SYSBIND_SANITIZE_CHILD: '1' },
  },
];

let failed = 0;
for (const run of runs) {
  const started = Date.now();
  const result = spawnSync('valgrind', [...valgrindOptions, process.execPath, ...run.args], {
    cwd: packageDir,
    env: run.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error !== undefined) {
    console.error(`memcheck: cannot run valgrind (${result.error.message})`);
    process.exit(2);
  }
  const summary = /ERROR SUMMARY: (\d+) errors/.exec(result.stderr)?.[1] ?? '?';
  const definite = /definitely lost: ([\d,]+) bytes/.exec(result.stderr)?.[1] ?? '0';
  const ok = result.status === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `memcheck: ${ok ? 'ok  ' : 'FAIL'} ${run.name} (${seconds} s; ${summary} errors, ${definite} bytes definitely lost, exit ${result.status ?? result.signal})`,
  );
  if (!ok) {
    failed++;
    process.stdout.write(`${result.stdout.slice(-4000)}\n${result.stderr.slice(-20000)}\n`);
  }
}
console.log(`memcheck: ${runs.length - failed} of ${runs.length} runs passed`);
process.exit(failed === 0 ? 0 : 1);
