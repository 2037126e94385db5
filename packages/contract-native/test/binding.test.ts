import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ContractError, isContractError } from '@sysbind/contract-interface';
import { addonPath, createNativeContractBackend } from '../src/index.ts';
import { loadSimulatorAddon } from '../src/testing.ts';

// The binding on its own, with no simulator bound: its exports, its argument checks (which run
// before any system call) and its errors. Behaviour over the simulator is tested in
// packages/integration-tests.
describe('contract binding', () => {
  it('exports one function per ctfs open, the off-thread device open, sigsend, and bindSimulator in the sim flavor', () => {
    const addon = loadSimulatorAddon() as unknown as Record<string, unknown>;
    const functions = Object.keys(addon)
      .filter((key) => typeof addon[key] === 'function')
      .sort();
    expect(functions).toEqual([
      'bindSimulator',
      'openBundle',
      'openControl',
      'openDeviceNode',
      'openDeviceNodeAsync',
      'openEvents',
      'openLatest',
      'openProcessBundle',
      'openStatus',
      'openTemplate',
      'setErrorConstructor',
      'sigsend',
    ]);
  });

  it('checks arguments before touching the system', () => {
    const addon = loadSimulatorAddon() as unknown as Record<string, (...args: unknown[]) => unknown>;
    const code = (call: () => unknown): unknown => {
      try {
        call();
      } catch (error) {
        return [(error as Error).name, (error as { code?: string }).code];
      }
      return 'returned';
    };
    expect(code(() => addon['openTemplate']?.(1))).toEqual(['TypeError', 'ERR_INVALID_ARG_TYPE']);
    expect(code(() => addon['openTemplate']?.('bogus'))).toEqual(['TypeError', 'ERR_INVALID_ARG_VALUE']);
    expect(code(() => addon['openStatus']?.(-1))).toEqual(['RangeError', 'ERR_OUT_OF_RANGE']);
    expect(code(() => addon['openStatus']?.(1.5))).toEqual(['RangeError', 'ERR_OUT_OF_RANGE']);
    expect(code(() => addon['openStatus']?.(2 ** 31))).toEqual(['RangeError', 'ERR_OUT_OF_RANGE']);
    expect(code(() => addon['openStatus']?.('1'))).toEqual(['TypeError', 'ERR_INVALID_ARG_TYPE']);
    expect(code(() => addon['sigsend']?.(1))).toEqual(['TypeError', 'ERR_INVALID_ARG_TYPE']);
    expect(code(() => addon['openDeviceNode']?.('relative:a'))).toEqual(['TypeError', 'ERR_INVALID_ARG_VALUE']);
    expect(code(() => addon['openDeviceNode']?.('/nul\0l:a'))).toEqual(['TypeError', 'ERR_INVALID_ARG_VALUE']);
    expect(code(() => addon['bindSimulator']?.({}))).toEqual(['TypeError', 'ERR_INVALID_ARG_TYPE']);
  });

  it('fails like an unmounted ctfs when no simulator is bound on the thread, with a ContractError', async () => {
    // A fresh worker has its own addon instance, which no simulator was ever bound to.
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData);
      class ContractError extends Error {
        static fromErrno(errno, syscall, extra) {
          return Object.assign(new ContractError('failed'), { code: 'E' + errno, syscall, ...extra });
        }
      }
      ContractError.prototype.name = 'ContractError';
      addon.setErrorConstructor(ContractError);
      try { addon.openTemplate('process'); } catch (error) {
        parentPort.postMessage({ name: error.name, syscall: error.syscall, path: error.path, isClass: error instanceof ContractError });
      }`;
    const worker = new Worker(source, { eval: true, workerData: addonPath('sim') });
    const message = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(message).toEqual({
      name: 'ContractError',
      syscall: 'open',
      path: '/system/contract/process/template',
      isClass: true,
    });
    await new Promise((resolve) => worker.once('exit', resolve));
  });

  it('constructs failures with the stored ContractError class', () => {
    const addon = loadSimulatorAddon();
    let caught: unknown;
    try {
      addon.sigsend(1, 0);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContractError);
    expect(isContractError(caught)).toBe(true);
    expect(caught).toMatchObject({ syscall: 'sigsend', ctid: 1 });
  });

  // On Linux the default is the real Linux backend (covered by native-tests' linux-*.test.ts).
  it.skipIf(process.platform === 'sunos' || process.platform === 'linux')(
    'refuses the native backend off illumos and Linux (skipped on illumos and Linux, where it exists)',
    () => {
      expect(() => createNativeContractBackend()).toThrow(
        expect.objectContaining({ code: 'ERR_UNSUPPORTED_PLATFORM' }),
      );
    },
  );
});
