import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// What a user off a Gridcentric guest gets from `npm install @sysbind/gridcentric-native`: the
// packed tarball installs without running any compiler (there is no gc-guest.h here), the package
// loads, and asking for the system flavor says ERR_UNSUPPORTED_PLATFORM.
const packageDir = path.resolve(new URL('../../gridcentric-native', import.meta.url).pathname);
const work = mkdtempSync(path.join(tmpdir(), 'sysbind-pack-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const COMPILERS = ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'cmake', 'make', 'ninja', 'cmake-js', 'node-gyp'];

/** A folder of stand-ins that log their invocation and fail, placed first on PATH. */
function compilerTraps(log: string): string {
  const folder = path.join(work, 'traps');
  execFileSync('mkdir', ['-p', folder]);
  for (const name of COMPILERS) {
    const file = path.join(folder, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit 1\n`);
    chmodSync(file, 0o755);
  }
  return folder;
}

const REGISTRY_DOWN = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network|offline|getaddrinfo/i;

describe('packed tarball, installed off a Gridcentric guest', () => {
  it('installs with npm without running a compiler; the package loads and the system flavor is ERR_UNSUPPORTED_PLATFORM', (context) => {
    const packed = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: packageDir, encoding: 'utf8' });
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    expect(tarball, packed).toBeDefined();

    const app = path.join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const log = path.join(work, 'compilers.log');
    writeFileSync(log, '');
    const env = {
      ...process.env,
      PATH: `${compilerTraps(log)}${path.delimiter}${process.env['PATH'] ?? ''}`,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      SYSBIND_GC_INCLUDE_DIR: path.join(work, 'no-such-include-dir'),
    };
    // Keep the user's own npm settings (registry, proxy); the install fetches cmake-js and
    // node-addon-api from the registry, which is the one network access this test needs.
    const install = spawnSync('npm', ['install', path.join(work, tarball ?? '')], {
      cwd: app,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (install.status !== 0 && REGISTRY_DOWN.test(`${install.stderr}${install.stdout}`)) {
      context.skip(`the npm registry is unreachable, so the dependencies cannot be fetched:\n${install.stderr}`);
    }
    expect(install.status, install.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('');

    const probe = `
      const native = require('@sysbind/gridcentric-native');
      let code;
      try { native.loadAddon('system'); } catch (error) { code = error.code; }
      let backendCode;
      try { native.createNativeGridcentricBackend(); } catch (error) { backendCode = error.code; }
      console.log(JSON.stringify({ code, backendCode, isError: typeof native.isGridcentricError }));`;
    const required = JSON.parse(
      execFileSync(process.execPath, ['-e', probe], { cwd: app, env, encoding: 'utf8' }),
    ) as unknown;
    expect(required).toEqual({
      code: 'ERR_UNSUPPORTED_PLATFORM',
      backendCode: 'ERR_UNSUPPORTED_PLATFORM',
      isError: 'function',
    });
    const imported = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('@sysbind/gridcentric-native'); console.log(typeof m.loadAddon);",
      ],
      { cwd: app, env, encoding: 'utf8' },
    );
    expect(imported.trim()).toBe('function');
    expect(readFileSync(log, 'utf8')).toBe('');
  }, 300_000);
});
