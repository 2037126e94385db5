import { describe, expect, it } from 'vitest';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';

interface AbuseReport {
  calls: number;
  typeErrors: number;
  rangeErrors: number;
  contractErrors: number;
  returned: number;
  unexpected: string[];
  unexpectedCount: number;
  healthy: boolean;
}

// In a child process: a crash ends it with a signal, and the test fails instead of the runner.
describe('contract addon under abuse', () => {
  it('answers wrong argument types, wrong receivers and closed handles with TypeError, RangeError or ContractError, never a crash', async () => {
    const outcome = await runNode(await bundleDriver('contract-abuse'));
    expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    const report = reportOf(outcome) as AbuseReport;
    expect(report.unexpected).toEqual([]);
    expect(report.healthy).toBe(true);
    expect(report.calls).toBeGreaterThan(5000);
    expect(report.typeErrors).toBeGreaterThan(1000);
    expect(report.contractErrors).toBeGreaterThan(500);
  }, 120_000);
});
