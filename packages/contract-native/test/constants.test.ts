// The constants table of @sysbind/contract-interface is the one source every package reads; the
// addon exports the values of the headers it was compiled against. This compares the two: on
// illumos (system flavor) against the real <sys/contract*.h>, elsewhere against the sim headers.
import { existsSync } from 'node:fs';
import * as table from '@sysbind/contract-interface';
import { describe, expect, it } from 'vitest';
import { addonPath, loadAddon } from '../src/index.ts';

const flavor = existsSync(addonPath('system')) ? 'system' : 'sim';

// In the table for the simulator's model of the kernel, but in no public header
// (sys/contract_impl.h): the addon cannot export them.
const KERNEL_INTERNAL = new Set(['CTEL_CONTRACT', 'CTEL_BUNDLE', 'CTEL_PBUNDLE', 'CT_EV_FAILURE']);

const numericConstants = Object.entries(table as unknown as Record<string, unknown>).filter(
  (entry): entry is [string, number] => /^CT[A-Z_]*$/.test(entry[0]) && typeof entry[1] === 'number',
);

describe(`contract constants: the table against the ${flavor} build's headers`, () => {
  const exported = loadAddon(flavor).constants;

  it('gives every constant the addon exports the value the headers define', () => {
    const mismatched = Object.entries(exported).filter(
      ([name, value]) => (table as unknown as Record<string, unknown>)[name] !== value,
    );
    expect(mismatched).toEqual([]);
  });

  it('has the addon export every public constant of the table', () => {
    // CT_PR_KEEP_EXEC is absent from illumos headers that predate it.
    const missing = numericConstants
      .map(([name]) => name)
      .filter((name) => !KERNEL_INTERNAL.has(name) && !(name in exported))
      .filter((name) => !(name === 'CT_PR_KEEP_EXEC' && flavor === 'system'));
    expect(missing).toEqual([]);
  });
});
