import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isGridcentricError } from '@sysbind/gridcentric-interface';
import { addonPath, loadAddon } from '../src/index.ts';

const hasSystemBuild = existsSync(addonPath('system'));

describe('gridcentric addon loader', () => {
  it('loads the sim flavor with the reconstructed status and exit codes', () => {
    const addon = loadAddon('sim');
    expect(addon.flavor).toBe('sim');
    expect(addon.constants).toEqual({
      GC_DOMAIN_UNKNOWN: 0,
      GC_DOMAIN_CREATING: 1,
      GC_DOMAIN_ONLINE: 2,
      GC_DOMAIN_PAUSED: 3,
      GC_DOMAIN_EXITED: 4,
      GC_DOMAIN_CRASHED: 5,
      GC_DOMAIN_KILLED: 6,
      GC_EXIT_EXITED: 0,
      GC_EXIT_CRASHED: 1,
      GC_EXIT_KILLED: 2,
    });
  });

  it.skipIf(hasSystemBuild)(
    'refuses the system flavor where the install built none, with ERR_UNSUPPORTED_PLATFORM (skipped on a Gridcentric guest)',
    () => {
      let caught: unknown;
      try {
        loadAddon('system');
      } catch (error) {
        caught = error;
      }
      expect(isGridcentricError(caught, 'ERR_UNSUPPORTED_PLATFORM')).toBe(true);
      expect((caught as Error).message).toMatch(/@sysbind\/testing-fakes/);
    },
  );

  it('rejects a non-function error constructor with a TypeError, not a crash', () => {
    const addon = loadAddon('sim') as unknown as { setErrorConstructor(value: unknown): void };
    expect(() => {
      addon.setErrorConstructor(undefined);
    }).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('loads in four worker threads at once and lets them exit', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      parentPort.postMessage(require(workerData).constants.GC_DOMAIN_ONLINE);`;
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
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 4 }, () => [2, 0]));
  });
});
