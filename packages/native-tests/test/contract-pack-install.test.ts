import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `npm install @sysbind/contract-native` off illumos: the install script builds only on sunos, so
// installing the packed tarball must not start any compiler or build tool, and the installed
// package must load (require and import) and refuse the system flavor with
// ERR_UNSUPPORTED_PLATFORM.
const contractNative = fileURLToPath(new URL('../../contract-native', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'sysbind-contract-pack-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

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
const UNREACHABLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo|network/i;

/** PATH with a folder first whose build tools only record that they were called. */
function pathWithTripwires(record: string): string {
  const folder = path.join(scratch, 'tripwires');
  mkdirSync(folder, { recursive: true });
  for (const tool of BUILD_TOOLS) {
    writeFileSync(path.join(folder, tool), `#!/bin/sh\necho "${tool} $*" >> "${record}"\nexit 1\n`);
    chmodSync(path.join(folder, tool), 0o755);
  }
  return `${folder}${path.delimiter}${process.env['PATH'] ?? ''}`;
}

describe.skipIf(process.platform === 'sunos')(
  '@sysbind/contract-native packed and installed off illumos (skipped on illumos)',
  () => {
    it('installs with no compiler run, loads, and reports ERR_UNSUPPORTED_PLATFORM for the system flavor', (context) => {
      execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: contractNative, stdio: 'ignore' });
      const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
      if (tarball === undefined) throw new Error('pnpm pack made no tarball');
      const app = path.join(scratch, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
      const record = path.join(scratch, 'build-tools.log');
      writeFileSync(record, '');
      const env = {
        ...process.env,
        PATH: pathWithTripwires(record),
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      };

      // The dependencies (cmake-js, node-addon-api) come from the user's configured registry.
      const install = spawnSync('npm', ['install', path.join(scratch, tarball)], {
        cwd: app,
        env,
        encoding: 'utf8',
        timeout: 240_000,
      });
      if (install.status !== 0 && UNREACHABLE.test(install.stderr + install.stdout)) {
        context.skip(`no registry to fetch the dependencies from:\n${install.stderr}`);
      }
      expect(install.status, install.stderr).toBe(0);
      expect(readFileSync(record, 'utf8')).toBe('');

      const required = execFileSync(
        process.execPath,
        [
          '-e',
          `const m = require('@sysbind/contract-native');
         const codes = [];
         for (const attempt of [() => m.loadAddon('system'), () => m.createNativeContractBackend()]) {
           try { attempt(); } catch (error) { codes.push(error.code, m.isContractError(error)); }
         }
         console.log(JSON.stringify(codes));`,
        ],
        { cwd: app, env, encoding: 'utf8' },
      );
      expect(JSON.parse(required)).toEqual(['ERR_UNSUPPORTED_PLATFORM', true, 'ERR_UNSUPPORTED_PLATFORM', true]);
      const imported = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const m = await import('@sysbind/contract-native/testing'); console.log(typeof m.createSimulatedNativeBackend);",
        ],
        { cwd: app, env, encoding: 'utf8' },
      );
      expect(imported.trim()).toBe('function');
      expect(readFileSync(record, 'utf8')).toBe('');
    }, 300_000);
  },
);
