import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installPacked } from './support/packed-install.ts';

// What a user off a Gridcentric guest gets from `npm install @sysbind/gridcentric-native`: the
// packed tarball installs without running any compiler (there is no gc-guest.h here), the package
// loads, and asking for the system flavor says ERR_UNSUPPORTED_PLATFORM.
const packageDir = fileURLToPath(new URL('../../gridcentric-native', import.meta.url));

describe('packed tarball, installed off a Gridcentric guest', () => {
  it('installs with npm without running a compiler; the package loads and the system flavor is ERR_UNSUPPORTED_PLATFORM', (context) => {
    // Point the install's header probe at a folder that does not exist, whatever this machine has.
    using install = installPacked(packageDir, {
      SYSBIND_GC_INCLUDE_DIR: '/nonexistent/sysbind-gc-include',
    });
    if (install.registryUnreachable) context.skip(`the npm registry is unreachable:\n${install.output}`);
    expect(install.status, install.output).toBe(0);
    expect(install.buildToolCalls()).toBe('');

    const probe = `
      const native = require('@sysbind/gridcentric-native');
      const { isGridcentricError } = require('@sysbind/gridcentric-interface');
      let code;
      try { native.loadAddon('system'); } catch (error) { code = isGridcentricError(error) && error.code; }
      let backendCode;
      try { native.createNativeGridcentricBackend(); } catch (error) { backendCode = error.code; }
      console.log(JSON.stringify({ code, backendCode, isError: typeof isGridcentricError }));`;
    expect(JSON.parse(install.node(['-e', probe]))).toEqual({
      code: 'ERR_UNSUPPORTED_PLATFORM',
      backendCode: 'ERR_UNSUPPORTED_PLATFORM',
      isError: 'function',
    });
    const imported = install.node([
      '--input-type=module',
      '-e',
      "const m = await import('@sysbind/gridcentric-native'); console.log(typeof m.loadAddon);",
    ]);
    expect(imported.trim()).toBe('function');
    expect(install.buildToolCalls()).toBe('');
  }, 300_000);
});
