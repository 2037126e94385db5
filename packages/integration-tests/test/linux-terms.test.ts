// Template terms on the Linux backend, checked against the simulator (the reference for every
// backend, itself checked against illumos-gate's ctmpl_set and ctmpl_process_set by the
// conformance suite): every term × representative value, alone and in pairs, on a process
// template, as root in this process and as uid 65534 in a child. Device templates do not exist on
// Linux (the fidelity table's last row).
import { spawn } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinuxContractBackend, probeLinuxContractHost } from '@sysbind/contract-native';
import { bundleDriver } from './support/contract-child.ts';
import { killAll, linuxSkipReason, until } from './support/linux-host.ts';
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
      const mount = probeLinuxContractHost().cgroupMount ?? '';
      const delegated = path.join(mount, `sysbind-terms-${process.pid}-${Date.now()}`);
      mkdirSync(delegated);
      try {
        for (const file of ['', 'cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control'])
          chownSync(path.join(delegated, file), 65534, 65534);
        const script =
          `echo $$ > ${path.join(delegated, 'cgroup.procs')} && ` +
          `exec setpriv --reuid=65534 --regid=65534 --clear-groups ${process.execPath} ${driver}`;
        const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
          if (child.pid !== undefined) pids.add(child.pid);
          let stdout = '';
          let stderr = '';
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
          child.on('close', (code) => {
            resolve({ code, stdout, stderr });
          });
        });
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
        // Whatever is left in the delegated cgroup (its sentinel) is killed, then the tree removed.
        writeFileSync(path.join(delegated, 'cgroup.kill'), '1');
        await until(() => {
          try {
            for (const name of readdirSync(path.join(delegated, 'sysbind.contracts'))) {
              if (name.startsWith('ct.') || name.startsWith('probe.'))
                rmdirSync(path.join(delegated, 'sysbind.contracts', name));
            }
            rmdirSync(path.join(delegated, 'sysbind.contracts'));
          } catch {
            // not there, or not empty yet
          }
          try {
            rmdirSync(delegated);
            return true;
          } catch {
            return false;
          }
        }, 5000);
      }
    }, 120_000);
  },
);
