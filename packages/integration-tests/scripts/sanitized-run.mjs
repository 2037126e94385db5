// Running a harness script again under libasan (ASan + UBSan + LeakSanitizer) and counting what
// the sanitizers reported: shared by the harnesses and the sanitizer job (sanitize.mjs).
import { execFileSync, spawnSync } from 'node:child_process';

/** What a sanitizer report looks like in a process's output, by kind. */
export const SANITIZER_REPORTS = [
  ['ASan errors', /ERROR: AddressSanitizer/g],
  ['UBSan errors', /runtime error:/g],
  ['leaks', /(Direct|Indirect) leak of/g],
];

/** How many reports of each kind `output` holds, in SANITIZER_REPORTS' order. */
export function countReports(output) {
  return SANITIZER_REPORTS.map(([, pattern]) => (output.match(pattern) ?? []).length);
}

/** The libasan to preload: the one already preloaded, or the C++ compiler's. */
export function libasanPath() {
  return process.env.LD_PRELOAD?.includes('libasan')
    ? process.env.LD_PRELOAD
    : execFileSync(process.env.CXX ?? 'g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
}

/**
 * Runs `script` with --expose-gc under libasan (SYSBIND_SANITIZE_RUN=1 tells it it is the inner
 * run), passes its output through, and returns the counts and whether it printed `doneMarker`
 * and exited 0. Sanitizer options the caller set (the job's LSAN_OPTIONS) are kept.
 */
export function runSanitized(script, { doneMarker, env = {}, timeout }) {
  const result = spawnSync(process.execPath, ['--expose-gc', script], {
    env: {
      ...process.env,
      LD_PRELOAD: libasanPath(),
      ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1',
      UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1',
      SYSBIND_SANITIZE: '1',
      SYSBIND_SANITIZE_RUN: '1',
      ...env,
    },
    encoding: 'utf8',
    timeout,
  });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  const [asan, ubsan, leaks] = countReports(result.stderr ?? '');
  const ok = asan + ubsan + leaks === 0 && (result.stdout ?? '').includes(doneMarker) && result.status === 0;
  return { asan, ubsan, leaks, ok, exit: result.status ?? result.signal };
}
