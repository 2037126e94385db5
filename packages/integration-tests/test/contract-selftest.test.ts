// Issue 12 item 22: the self-test (runSelfTest of @sysbind/contract-native/selftest, the cases
// that need only real processes) passes here on the simulator backend and on the native addon
// over the simulator, and prints its report. Each case checks the backend against what Node sees
// of the real children (pids, exit codes, signals); a Linux backend plugs in the same way, as a
// factory. The adopt case needs a contract whose owner, another process of this one's process
// contract, exited without abandoning it: here a simulated process forks a simulated worker under
// an INHERIT template and exits (the simulated self is a regent, as an SMF service is).
import { describe, expect, it } from 'vitest';
import { CT_PR_INHERIT } from '@sysbind/contract-interface';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { runSelfTest, type SelfTestReport } from '@sysbind/contract-native/selftest';
import { createContractSimulator, type ContractSimulator } from '@sysbind/testing-fakes';

function foreignOwner(sim: ContractSimulator): () => Promise<number> {
  return () => {
    const owner = sim.world.fork(sim.self.pid, { template: null });
    const worker = sim.world.fork(owner, { template: { param: CT_PR_INHERIT } });
    const ctid = sim.world.process(worker)?.contract ?? 0;
    sim.world.exit(owner);
    return Promise.resolve(ctid);
  };
}

function expectAllPassed(report: SelfTestReport): void {
  console.log(report.text);
  expect(report.results.map((result) => [result.name, result.status, result.detail])).toEqual(
    report.results.map((result) => [result.name, 'pass', result.detail]),
  );
  expect(report.results).toHaveLength(6);
  expect(report.text).toMatch(/6 passed, 0 failed, 0 skipped$/);
}

describe.runIf(process.platform === 'linux')('item 22: the self-test (real children)', () => {
  it('item 22: passes on the simulator backend', async () => {
    const sim = createContractSimulator();
    try {
      expectAllPassed(await runSelfTest(() => sim.backend(), { foreignOwner: foreignOwner(sim) }));
    } finally {
      sim.close();
    }
  }, 120_000);

  it('item 22: passes on the native addon over the simulator', async () => {
    const sim = createContractSimulator();
    try {
      expectAllPassed(await runSelfTest(() => createSimulatedNativeBackend(sim), { foreignOwner: foreignOwner(sim) }));
    } finally {
      sim.close();
    }
  }, 120_000);

  it('item 22: a case whose backend lies fails, with the reason in the report', async () => {
    const sim = createContractSimulator();
    try {
      // A backend that reports every status with a wrong holder: the first case must catch it.
      const report = await runSelfTest(() => {
        const backend = sim.backend();
        return {
          ...backend,
          openStatus(ctid: number) {
            const handle = backend.openStatus(ctid);
            return {
              ...handle,
              read: (detail: 0 | 1 | 2) => ({ ...handle.read(detail), holder: 1 }),
              close: () => {
                handle.close();
              },
            };
          },
        };
      });
      expect(report.results[0]?.status).toBe('fail');
      expect(report.results[0]?.detail).toMatch(/^holder 1, expected \d+$/);
      expect(report.failed).toBeGreaterThan(0);
    } finally {
      sim.close();
    }
  }, 120_000);
});
