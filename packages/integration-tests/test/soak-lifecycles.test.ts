// Soak: many contract lifecycles (fork → exit → events → abandon → close) leave the heap and the
// fd count flat, on the simulator's backend and on the native addon over the simulator. Each run
// is a child process started with --expose-gc (scripts/soak-lifecycles.mjs, on the built
// packages), which measures the heap after full collections at a checkpoint and at the end.
// Both run 100,000 lifecycles (about 15 s together on a 2-core machine, the native one most of
// it); SYSBIND_SOAK_LIFECYCLES and SYSBIND_SOAK_NATIVE_LIFECYCLES change the counts, e.g. to
// soak longer by hand (pnpm run soak). The Linux backend runs real processes (2,000 lifecycles).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode } from './support/contract-child.ts';
import { linuxSkipReason } from './support/linux-host.ts';

const driver = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/soak-lifecycles.mjs');
// A leak of even one small object per lifecycle would add megabytes over these counts.
const HEAP_TOLERANCE = 1024 * 1024;

interface SoakReport {
  readonly lifecycles: number;
  readonly seconds: number;
  readonly heapAtCheckpoint: number;
  readonly heapAtEnd: number;
  readonly fdsAtStart: number;
  readonly fdsAtCheckpoint: number;
  readonly fdsAtEnd: number;
  readonly contractsAtStart: number;
  readonly contractsLeft: number;
  readonly processesAtStart: number;
  readonly processesLeft: number;
}

function count(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 100) throw new RangeError(`${name} must be an integer >= 100`);
  return value;
}

async function soak(kind: 'fake' | 'native' | 'linux', lifecycles: number): Promise<SoakReport> {
  const checkpoint = Math.floor(lifecycles / 10);
  const outcome = await runNode(driver, [kind, String(lifecycles), String(checkpoint)], ['--expose-gc']);
  expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
    code: 0,
    signal: null,
    stderr: '',
  });
  const report = JSON.parse(outcome.stdout.trim().split('\n').at(-1) ?? 'null') as SoakReport;
  console.log(
    `soak ${kind}: ${String(report.lifecycles)} lifecycles in ${report.seconds.toFixed(1)} s; heap after GC ` +
      `${(report.heapAtCheckpoint / 1e6).toFixed(2)} MB at ${String(checkpoint)}, ${(report.heapAtEnd / 1e6).toFixed(2)} MB at the end; ` +
      `fds ${String(report.fdsAtStart)} → ${String(report.fdsAtCheckpoint)} → ${String(report.fdsAtEnd)}`,
  );
  return report;
}

function expectFlat(report: SoakReport): void {
  expect(report.heapAtEnd - report.heapAtCheckpoint).toBeLessThan(HEAP_TOLERANCE);
  expect([report.fdsAtCheckpoint, report.fdsAtEnd]).toEqual([report.fdsAtStart, report.fdsAtStart]);
  // Every contract was destroyed and every simulated process reaped.
  expect(report.contractsLeft).toBe(report.contractsAtStart);
  expect(report.processesLeft).toBe(report.processesAtStart);
}

describe.runIf(process.platform === 'linux')('soak: contract lifecycles leave heap and fds flat (/proc, Linux)', () => {
  it('on the simulator backend', async () => {
    expectFlat(await soak('fake', count('SYSBIND_SOAK_LIFECYCLES', 100_000)));
  }, 600_000);

  it('on the native addon over the simulator', async () => {
    expectFlat(await soak('native', count('SYSBIND_SOAK_NATIVE_LIFECYCLES', 100_000)));
  }, 600_000);

  // Real forks cost milliseconds each: 2,000 by default (SYSBIND_SOAK_LINUX_LIFECYCLES).
  it.skipIf(linuxSkipReason() !== undefined)(
    `on the Linux backend with real processes${linuxSkipReason() === undefined ? '' : ` (skipped: ${String(linuxSkipReason())})`}`,
    async () => {
      expectFlat(await soak('linux', count('SYSBIND_SOAK_LINUX_LIFECYCLES', 2_000)));
    },
    600_000,
  );
});
