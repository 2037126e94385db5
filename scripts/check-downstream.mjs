// The downstream install test: packs every published package and installs the tarballs with npm
// into a fresh project outside the workspace (with compilers shadowed by recording stubs on PATH),
// as a user of the facades and the fakes would. It prints how many third-party packages that
// brings and fails if there are more than THIRD_PARTY_LIMIT, if any build tool is among them, or if
// any compiler ran. Then it adds vitest and runs a small suite there that mocks both systems
// through the fakes with `import` and `require`. Needs a built workspace.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'sysbind-downstream-'));
const tarballs = path.join(scratch, 'tarballs');
const project = path.join(scratch, 'project');
const stubs = path.join(scratch, 'stubs');
const compilerLog = path.join(scratch, 'compilers.log');
// @parcel/watcher, a native addon with prebuilt binaries, brings about as many.
const THIRD_PARTY_LIMIT = 12;
const BUILD_TOOLS = ['cmake-js', 'node-gyp', 'node-gyp-build', 'prebuild-install', 'cmake'];
const vitestVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.vitest;

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/** Names of every package npm installed in `project`, once each. */
function installedPackages(project) {
  const listing = spawnSync('npm', ['ls', '--all', '--parseable'], { cwd: project, encoding: 'utf8' });
  const names = new Set();
  for (const line of listing.stdout.split('\n')) {
    const at = line.lastIndexOf(`node_modules${path.sep}`);
    if (at !== -1)
      names.add(
        line
          .slice(at + 'node_modules/'.length)
          .split(path.sep)
          .join('/'),
      );
  }
  return [...names].sort();
}

let failed = false;
try {
  mkdirSync(tarballs);
  mkdirSync(path.join(project, 'test'), { recursive: true });
  mkdirSync(stubs);
  const dependencies = {};
  for (const name of readdirSync(path.join(root, 'packages'))) {
    const dir = path.join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const before = new Set(readdirSync(tarballs));
    run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'ignore' });
    const tarball = readdirSync(tarballs).find((file) => !before.has(file));
    dependencies[manifest.name] = `file:${path.join(tarballs, tarball)}`;
  }

  // Anything that compiles during the install leaves a line in compilers.log.
  for (const tool of ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'cmake', 'make', 'ninja']) {
    const stub = path.join(stubs, tool);
    writeFileSync(stub, `#!/bin/sh\necho "${tool} $*" >> "${compilerLog}"\nexit 1\n`);
    chmodSync(stub, 0o755);
  }

  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'downstream', private: true, type: 'module', dependencies }, null, 2),
  );
  for (const file of readdirSync(path.join(root, 'scripts', 'downstream'))) {
    copyFileSync(path.join(root, 'scripts', 'downstream', file), path.join(project, 'test', file));
  }

  const env = {
    ...process.env,
    PATH: `${stubs}${path.delimiter}${process.env.PATH}`,
    CC: path.join(stubs, 'cc'),
    CXX: path.join(stubs, 'c++'),
  };
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, env });
  const compilers = existsSync(compilerLog) ? readFileSync(compilerLog, 'utf8').trim() : '';
  if (compilers !== '' && process.platform === 'linux') {
    console.error(`the install ran a compiler:\n${compilers}`);
    failed = true;
  } else {
    console.log('install: no compiler ran');
  }
  const thirdParty = installedPackages(project).filter((name) => !name.startsWith('@sysbind/'));
  const buildTools = thirdParty.filter((name) => BUILD_TOOLS.includes(name));
  console.log(`install: ${thirdParty.length} third-party packages (${thirdParty.join(', ') || 'none'})`);
  if (buildTools.length > 0) {
    console.error(`install: build tools in the tree: ${buildTools.join(', ')}`);
    failed = true;
  }
  if (thirdParty.length > THIRD_PARTY_LIMIT) {
    console.error(`install: more than ${THIRD_PARTY_LIMIT} third-party packages`);
    failed = true;
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--save-dev', `vitest@${vitestVersion}`], {
    cwd: project,
    env,
  });
  const tests = spawnSync('npx', ['vitest', 'run', '--reporter=default'], { cwd: project, stdio: 'inherit', env });
  if (tests.status !== 0) failed = true;
} catch (error) {
  console.error(error.message);
  failed = true;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log(failed ? 'downstream install test failed' : 'downstream install test passed');
process.exit(failed ? 1 : 0);
