import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installPacked } from './support/packed-install.ts';

// `npm install @sysbind/contract-native` off illumos: the install script builds only on sunos, so
// installing the packed tarball must not start any compiler or build tool, and the installed
// package must load (require and import) and refuse the system flavor with
// ERR_UNSUPPORTED_PLATFORM.
const contractNative = fileURLToPath(new URL('../../contract-native', import.meta.url));

describe.skipIf(process.platform === 'sunos')(
  '@sysbind/contract-native packed and installed off illumos (skipped on illumos)',
  () => {
    it('installs with no compiler run, loads, and reports ERR_UNSUPPORTED_PLATFORM for the system flavor', (context) => {
      using install = installPacked(contractNative);
      if (install.registryUnreachable) context.skip(`no registry to fetch the dependencies from:\n${install.output}`);
      expect(install.status, install.output).toBe(0);
      expect(install.buildToolCalls()).toBe('');

      const required = install.node([
        '-e',
        `const m = require('@sysbind/contract-native');
         const { isContractError } = require('@sysbind/contract-interface');
         const codes = [];
         for (const attempt of [() => m.loadAddon('system'), () => m.createNativeContractBackend()]) {
           try { codes.push(attempt().name); } catch (error) { codes.push(error.code, isContractError(error)); }
         }
         console.log(JSON.stringify(codes));`,
      ]);
      // On Linux the default backend is the Linux one, from the prebuilt binary the package ships
      // (on x64; elsewhere the install built it): it loads where the host allows it.
      const linuxDefault = process.platform === 'linux' ? ['linux'] : ['ERR_UNSUPPORTED_PLATFORM', true];
      expect(JSON.parse(required)).toEqual(['ERR_UNSUPPORTED_PLATFORM', true, ...linuxDefault]);
      const imported = install.node([
        '--input-type=module',
        '-e',
        "const m = await import('@sysbind/contract-native/testing'); console.log(typeof m.createSimulatedNativeBackend);",
      ]);
      expect(imported.trim()).toBe('function');
      expect(install.buildToolCalls()).toBe('');
    }, 300_000);
  },
);
