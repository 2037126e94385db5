// The status and exit-reason codes of @sysbind/gridcentric-interface are the one table every
// package reads; the addon exports the values of the header it was compiled against (gc_api.h
// in the sim flavor, the real gc-guest.h on a guest). This compares the two.
import { existsSync } from 'node:fs';
import { GC_DOMAIN_STATUS, GC_EXIT_REASON } from '@sysbind/gridcentric-interface';
import { describe, expect, it } from 'vitest';
import { addonPath, loadAddon } from '../src/index.ts';

const flavor = existsSync(addonPath('system')) ? 'system' : 'sim';

describe(`gridcentric constants: the table against the ${flavor} build's header`, () => {
  it('exports exactly the table, code for code', () => {
    const expected = {
      ...Object.fromEntries(Object.entries(GC_DOMAIN_STATUS).map(([name, code]) => [`GC_DOMAIN_${name}`, code])),
      ...Object.fromEntries(Object.entries(GC_EXIT_REASON).map(([name, code]) => [`GC_EXIT_${name}`, code])),
    };
    expect(loadAddon(flavor).constants).toEqual(expected);
  });
});
