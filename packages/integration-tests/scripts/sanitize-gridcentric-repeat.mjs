// Runs the Gridcentric sanitizer harness (scripts/sanitize-gridcentric.mjs) many times, optionally
// beside busy-looping processes, and prints how many runs passed: the sanitizer job must never
// fail by chance (LeakSanitizer used to crash about one run in twenty under load, while addon
// threads were still alive at exit).
//
//   node scripts/sanitize-gridcentric-repeat.mjs [--runs 50] [--hogs 2]
//
// Needs the instrumented build (SYSBIND_SANITIZE=1 pnpm run build in packages/gridcentric-native).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '50' }, hogs: { type: 'string', default: '2' } },
});
const runs = Number(values.runs);
const hogCount = Number(values.hogs);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(hogCount) || hogCount < 0) {
  console.error('sanitize repeat: --runs must be >= 1 and --hogs >= 0');
  process.exit(2);
}
const harness = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sanitize-gridcentric.mjs');
const hogs = Array.from({ length: hogCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const failures = new Map();
let passed = 0;
const started = Date.now();
try {
  for (let run = 1; run <= runs; run++) {
    const result = spawnSync(process.execPath, [harness], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const output = `${result.stdout}${result.stderr}`;
    const clean =
      result.status === 0 &&
      !/ERROR: AddressSanitizer|runtime error:|(Direct|Indirect) leak of|LeakSanitizer has encountered/.test(output);
    if (clean) {
      passed++;
      continue;
    }
    const cause =
      /Tracer caught signal \d+/.exec(output)?.[0] ??
      /LeakSanitizer has encountered a fatal error/.exec(output)?.[0] ??
      /(Direct|Indirect) leak of/.exec(output)?.[0] ??
      /ERROR: AddressSanitizer: [\w-]+/.exec(output)?.[0] ??
      `status ${result.status ?? result.signal}`;
    failures.set(cause, (failures.get(cause) ?? 0) + 1);
    console.log(`run ${run}: FAIL (${cause})`);
  }
} finally {
  for (const hog of hogs) hog.kill('SIGKILL');
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `sanitize repeat: ${passed} of ${runs} runs clean with ${hogCount} CPU hog(s) running (${seconds} s)` +
    (failures.size > 0 ? `; failures: ${JSON.stringify(Object.fromEntries(failures))}` : ''),
);
process.exit(passed === runs ? 0 : 1);
