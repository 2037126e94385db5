import { describe, expect, it } from 'vitest';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';

interface ThreadReport {
  thread: number;
  contracts: number;
  empties: number;
  members: number;
}

describe('contract addon in worker threads', () => {
  it('serves four workers and the main thread at once, and the process exits cleanly with handles left open', async () => {
    const outcome = await runNode(await bundleDriver('contract-workers'));
    expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    const report = reportOf(outcome) as { main: ThreadReport; workers: { report: ThreadReport; code: number }[] };
    expect(report.main).toMatchObject({ contracts: 200, empties: 200, members: 200 });
    expect(report.workers).toHaveLength(4);
    for (const worker of report.workers) {
      expect(worker.code).toBe(0);
      expect(worker.report).toMatchObject({ contracts: 200, empties: 200, members: 200 });
    }
    expect(new Set(report.workers.map((worker) => worker.report.thread)).size).toBe(4);
  }, 120_000);

  it('survives workers terminated while their endpoints deliver events', async () => {
    const outcome = await runNode(await bundleDriver('contract-terminate'));
    expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    expect(reportOf(outcome)).toEqual({ terminated: 20 });
  }, 120_000);
});
