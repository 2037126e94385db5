import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Everything that could compile or build during an install.
const BUILD_TOOLS = [
  'cc',
  'c++',
  'gcc',
  'g++',
  'clang',
  'clang++',
  'ld',
  'cmake',
  'make',
  'ninja',
  'cmake-js',
  'node-gyp',
];
const REGISTRY_DOWN = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network|offline|getaddrinfo/i;

/** A packed native package installed with npm into a fresh app, as a user off its platform would. */
export interface PackedInstall extends Disposable {
  /** True if npm could not reach the registry for the package's dependencies. */
  readonly registryUnreachable: boolean;
  /** npm's exit status and output. */
  readonly status: number | null;
  readonly output: string;
  /** The build tools called so far (one line each), empty if none. */
  buildToolCalls(): string;
  /** Runs `node args…` in the app, with the same environment, and returns its stdout. */
  node(args: readonly string[]): string;
}

// The packages of this workspace by name, for following `workspace:` dependencies.
function workspacePackages(): Map<string, string> {
  const packagesDir = path.resolve(import.meta.dirname, '../../..');
  const byName = new Map<string, string>();
  for (const name of readdirSync(packagesDir)) {
    const manifest = path.join(packagesDir, name, 'package.json');
    try {
      byName.set((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, path.dirname(manifest));
    } catch {
      // Not a package folder.
    }
  }
  return byName;
}

// `packageDir` and every workspace package it depends on at run time (not published yet, so they
// cannot come from the registry).
function withWorkspaceDependencies(packageDir: string): string[] {
  const byName = workspacePackages();
  const found = new Set<string>();
  const visit = (dir: string): void => {
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      const dependency = byName.get(name);
      if (range.startsWith('workspace:') && dependency !== undefined) visit(dependency);
    }
  };
  visit(packageDir);
  return [...found];
}

/** How {@link installPacked} installs. */
export interface PackedInstallOptions {
  /**
   * Leave the machine's compilers and build tools on PATH, for an install that builds from source
   * (as on the package's target platform); by default each is replaced by a stand-in that records
   * its call and fails.
   */
  readonly buildTools?: 'blocked' | 'available';
}

/**
 * Packs `packageDir` and the workspace packages it depends on with pnpm and installs the tarballs
 * with npm into a new app, with every compiler and build tool on PATH replaced by a stand-in that
 * records its call and fails (unless `options.buildTools` is 'available'). Third-party
 * dependencies come from the user's configured registry.
 */
export function installPacked(
  packageDir: string,
  extraEnv: Readonly<Record<string, string>> = {},
  options: PackedInstallOptions = {},
): PackedInstall {
  const work = mkdtempSync(path.join(tmpdir(), 'sysbind-pack-'));
  const packageDirs = withWorkspaceDependencies(packageDir);
  for (const dir of packageDirs) {
    execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: dir, stdio: 'ignore' });
  }
  const tarballs = readdirSync(work).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== packageDirs.length) throw new Error('pnpm pack made no tarball');

  const record = path.join(work, 'build-tools.log');
  writeFileSync(record, '');
  const standIns = path.join(work, 'build-tools');
  mkdirSync(standIns);
  for (const tool of options.buildTools === 'available' ? [] : BUILD_TOOLS) {
    writeFileSync(path.join(standIns, tool), `#!/bin/sh\necho "${tool} $*" >> "${record}"\nexit 1\n`);
    chmodSync(path.join(standIns, tool), 0o755);
  }
  const env = {
    ...process.env,
    ...extraEnv,
    PATH: `${standIns}${path.delimiter}${process.env['PATH'] ?? ''}`,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  const install = spawnSync('npm', ['install', ...tarballs.map((tarball) => path.join(work, tarball))], {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const output = `${install.stderr}${install.stdout}`;

  return {
    registryUnreachable: install.status !== 0 && REGISTRY_DOWN.test(output),
    status: install.status,
    output,
    buildToolCalls: () => readFileSync(record, 'utf8'),
    node: (args) => execFileSync(process.execPath, args, { cwd: app, env, encoding: 'utf8' }),
    [Symbol.dispose]: () => {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
