// Runs benchmark scripts one after the other (each package's `bench`), so that every figure is
// printed even when an earlier benchmark misses its target; exits non-zero if any of them failed.
// Usage: node ../../scripts/run-benchmarks.mjs bench/a.mjs bench/b.mjs (from the package folder).
import { spawnSync } from 'node:child_process';

let failed = 0;
for (const file of process.argv.slice(2)) {
  const run = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`${file} exited with ${run.status ?? run.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
