// Runs `changeset version` in a scratch clone of the committed tree, as the release would, and
// fails unless it succeeds and gives every package with a pending changeset a new version and a
// CHANGELOG.md. The working tree is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'sysbind-changeset-'));
const changesetBin = createRequire(path.join(root, 'package.json')).resolve('@changesets/cli/bin.js');
const versionOf = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

let failed = false;
try {
  const clone = spawnSync('git', ['clone', '--quiet', root, scratch], { stdio: 'inherit' });
  if (clone.status !== 0) throw new Error('git clone failed');
  const packages = readdirSync(path.join(scratch, 'packages')).map((name) => path.join(scratch, 'packages', name));
  const before = new Map(packages.map((dir) => [dir, versionOf(dir)]));
  const pending = readdirSync(path.join(scratch, '.changeset')).filter(
    (file) => file.endsWith('.md') && file !== 'README.md',
  );
  const result = spawnSync(process.execPath, [changesetBin, 'version'], { cwd: scratch, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('changeset version failed');
  for (const dir of packages) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    if (pending.length > 0 && manifest.version === before.get(dir))
      throw new Error(`${manifest.name} kept version ${manifest.version}`);
    if (pending.length > 0 && !existsSync(path.join(dir, 'CHANGELOG.md')))
      throw new Error(`${manifest.name} got no CHANGELOG.md`);
    console.log(`${manifest.name}: ${before.get(dir)} -> ${manifest.version}`);
  }
} catch (error) {
  console.error(error.message);
  failed = true;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(failed ? 'changeset version check failed' : 'changeset version runs clean');
process.exit(failed ? 1 : 0);
