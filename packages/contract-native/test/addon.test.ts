import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isContractError } from '@sysbind/contract-interface';
import { addonPath, loadAddon } from '../src/index.ts';

describe('contract addon loader', () => {
  it('loads the sim flavor with the illumos constant values', () => {
    const addon = loadAddon('sim');
    expect(addon.flavor).toBe('sim');
    expect(addon.constants).toMatchObject({
      CTD_ALL: 2,
      CTE_ACK: 0x1,
      CTE_INFO: 0x2,
      CT_EV_NEGEND: 0,
      CTS_DEAD: 3,
      CT_PR_EV_EMPTY: 0x1,
      CT_PR_EV_HWERR: 0x20,
      CT_PR_ALLFATAL: 0x38,
      CT_PR_REGENT: 0x8,
      CT_DEV_EV_OFFLINE: 0x4,
    });
  });

  it('returns the same instance on a second load', () => {
    expect(loadAddon('sim')).toBe(loadAddon('sim'));
  });

  it.skipIf(process.platform === 'sunos')(
    'refuses the system flavor off illumos with ERR_UNSUPPORTED_PLATFORM (skipped on illumos)',
    () => {
      let caught: unknown;
      try {
        loadAddon('system');
      } catch (error) {
        caught = error;
      }
      expect(isContractError(caught, 'ERR_UNSUPPORTED_PLATFORM')).toBe(true);
      expect((caught as Error).message).toMatch(/@sysbind\/testing-fakes/);
    },
  );

  it('puts each flavor in its own folder', () => {
    expect(addonPath('sim')).toMatch(/build[/\\]sim(-asan)?[/\\]Release[/\\]contract\.node$/);
    expect(addonPath('system')).toMatch(/build[/\\]system[/\\]Release[/\\]contract\.node$/);
  });

  it('rejects a non-function error constructor with a TypeError, not a crash', () => {
    const addon = loadAddon('sim') as unknown as { setErrorConstructor(value: unknown): void };
    expect(() => {
      addon.setErrorConstructor(42);
    }).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('loads in four worker threads at once and lets them exit', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData);
      parentPort.postMessage(addon.constants.CT_PR_EV_EXIT);`;
    const runs = Array.from({ length: 4 }, () => {
      const worker = new Worker(source, { eval: true, workerData: addonPath('sim') });
      return new Promise<[unknown, number]>((resolve, reject) => {
        let value: unknown;
        worker.on('message', (message: unknown) => {
          value = message;
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          resolve([value, code]);
        });
      });
    });
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 4 }, () => [4, 0]));
  });
});
