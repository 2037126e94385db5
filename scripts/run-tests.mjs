// The README's test command: runs every package's vitest suite through turbo, then adds up the
// JSON reports into one closing line, `N passed, N failed, N skipped`. Exits non-zero when any
// test or task failed, or when no test ran at all.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const projects = ['packages', 'examples'].flatMap((folder) => {
  const dir = path.join(root, folder);
  if (!existsSync(dir)) return [];
  if (existsSync(path.join(dir, 'package.json'))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name));
});
const reportOf = (project) => path.join(project, 'reports', 'vitest.json');

// Stale reports would count old results; turbo restores fresh ones from its cache when it can.
for (const project of projects) rmSync(reportOf(project), { force: true });

const turbo = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

const totals = { passed: 0, failed: 0, skipped: 0 };
let suitesFailedToRun = 0;
for (const project of projects) {
  if (!existsSync(reportOf(project))) continue;
  const report = JSON.parse(readFileSync(reportOf(project), 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A test file that failed to load has no failed tests but is a failure all the same.
  suitesFailedToRun += report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
}

const ran = totals.passed + totals.failed;
if (suitesFailedToRun > 0) console.error(`${suitesFailedToRun} test file(s) failed to load`);
if (turbo.status !== 0) console.error(`turbo run test exited with ${turbo.status ?? turbo.signal}`);
if (ran === 0) console.error('no test ran');
console.log(`${totals.passed} passed, ${totals.failed + suitesFailedToRun} failed, ${totals.skipped} skipped`);
process.exit(turbo.status === 0 && totals.failed === 0 && suitesFailedToRun === 0 && ran > 0 ? 0 : 1);
