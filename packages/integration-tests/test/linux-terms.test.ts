// Template terms on the Linux backend, checked against the simulator (the reference for every
// backend, itself checked against illumos-gate's ctmpl_set and ctmpl_process_set by the
// conformance suite): every term × representative value, alone and in pairs, on a process
// template, as root in this process and as uid 65534 in a child. Device templates do not exist on
// Linux (the fidelity table's last row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinuxContractBackend } from '@sysbind/contract-native';
import { createDelegatedCgroup } from './support/delegated-cgroup.ts';
import { bundleDriver } from './support/contract-child.ts';
import { killAll, linuxSkipReason } from './support/linux-host.ts';
import { compareWorlds, linuxWorld, nonegIdentity, simulatorWorld } from './support/term-differential.ts';

const skip = linuxSkipReason();
const pids = new Set<number>();
let driver = '';

beforeAll(async () => {
  if (skip === undefined) driver = await bundleDriver('linux-terms');
}, 60_000);

afterAll(() => {
  killAll(pids);
});

describe.skipIf(skip !== undefined)(
  `template terms: the Linux backend against the simulator${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('as root: every term × value, alone and in pairs, gives what the simulator gives (ctmpl_set, ctmpl_process_set)', async () => {
      const reference = simulatorWorld(true);
      const linux = await linuxWorld(pids);
      try {
        const { cases, regent, mismatches } = compareWorlds(reference, linux);
        expect(mismatches.slice(0, 10)).toEqual([]);
        expect(cases).toBeGreaterThan(2000);
        // The one documented difference was met: the caller's own empty contract as a subsume target.
        expect(regent).toBeGreaterThan(0);
      } finally {
        await linux.close();
        await reference.close();
      }
    }, 120_000);

    it('noneg true is a transfer of contract 1 on both backends (CTDP_NONEG = CTPP_SUBSUME)', async () => {
      const reference = simulatorWorld(true);
      const linux = await linuxWorld(pids);
      try {
        const simulated = nonegIdentity(reference);
        expect(simulated.noneg).toEqual(simulated.transfer);
        const real = nonegIdentity(linux);
        expect(real.noneg).toEqual(real.transfer);
      } finally {
        await linux.close();
        await reference.close();
      }
    }, 60_000);

    it('device templates: the Linux backend has none (ENOTSUP from open, as the fidelity table says)', () => {
      const backend = createLinuxContractBackend();
      expect(() => backend.openTemplate('device')).toThrow(
        expect.objectContaining({ name: 'ContractError', code: 'ENOTSUP', syscall: 'open' }),
      );
    });

    it('as uid 65534 in a cgroup chowned to it: the same agreement without privilege', async () => {
      const delegated = createDelegatedCgroup('sysbind-terms');
      try {
        const result = await delegated.runNode([driver], (pid) => pids.add(pid));
        const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? 'null') as {
          uid: number;
          cases: number;
          regent: number;
          mismatches: unknown[];
          identity: Record<'simulator' | 'linux', { noneg: unknown; transfer: unknown }>;
          pids: number[];
        } | null;
        for (const pid of report?.pids ?? []) pids.add(pid);
        expect(result.code, result.stderr).toBe(0);
        expect(report?.uid).toBe(65534);
        expect(report?.mismatches).toEqual([]);
        expect(report?.cases).toBeGreaterThan(2000);
        expect(report?.regent).toBeGreaterThan(0);
        expect(report?.identity.simulator.noneg).toEqual(report?.identity.simulator.transfer);
        expect(report?.identity.linux.noneg).toEqual(report?.identity.linux.transfer);
      } finally {
        await delegated.remove();
      }
    }, 120_000);
  },
);
