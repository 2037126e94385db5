// Packs every published package the way `pnpm publish` would, then runs publint and
// @arethetypeswrong/cli over the tarball. Exits non-zero on any finding. Needs a built workspace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const packagesDir = path.join(root, 'packages');
const scratch = mkdtempSync(path.join(tmpdir(), 'sysbind-pack-'));
let failures = 0;

const run = (command, args, cwd) => spawnSync(command, args, { cwd, stdio: 'inherit' }).status === 0;

try {
  for (const name of readdirSync(packagesDir)) {
    const dir = path.join(packagesDir, name);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    console.log(`\n== ${manifest.name}`);
    const before = new Set(readdirSync(scratch));
    if (!run('pnpm', ['pack', '--pack-destination', scratch], dir)) {
      failures++;
      continue;
    }
    const tarball = readdirSync(scratch).find((file) => !before.has(file));
    const file = path.join(scratch, tarball);
    if (!run('pnpm', ['exec', 'publint', 'run', file, '--strict'], root)) failures++;
    // ESM-only entry points (no `require` condition, e.g. one that imports vitest) are checked as such.
    const esmOnly = Object.entries(manifest.exports)
      .filter(([, conditions]) => typeof conditions === 'object' && !('require' in conditions))
      .map(([subpath]) => subpath);
    const attw = ['exec', 'attw', file, '--format', 'table-flipped'];
    const exclude = esmOnly.length > 0 ? ['--exclude-entrypoints', ...esmOnly] : [];
    if (!run('pnpm', [...attw, '--profile', 'node16', ...exclude], root)) failures++;
    if (esmOnly.length > 0 && !run('pnpm', [...attw, '--profile', 'esm-only', '--entrypoints', ...esmOnly], root))
      failures++;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(failures === 0 ? '\nall packages pass publint and attw' : `\n${failures} package check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
