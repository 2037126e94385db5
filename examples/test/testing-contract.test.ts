// The contract examples of the "Testing with @sysbind/testing-fakes" guide, run as tests.
import { describe, expect, it } from 'vitest';
// #region contract-setup
import { createContractSystem, isContractError } from '@sysbind/contract';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { runJob } from '../src/run-job.ts';

function simulatedSystem() {
  // One simulator per test: no global state, so tests may run concurrently.
  const sim = createContractSimulator();
  const system = createContractSystem({ backend: sim.backend() });
  return {
    sim,
    system,
    [Symbol.dispose]() {
      system.close();
      sim.close();
    },
  };
}
// #endregion contract-setup

describe('runJob', () => {
  // #region contract-real-children
  it('reports a job that exits with a non-zero status', async () => {
    using world = simulatedSystem();
    expect(await runJob(world.system, 'sh', ['-c', 'exit 2'])).toBe('failed');
  });

  it('reports a job that dumps core', async () => {
    using world = simulatedSystem();
    expect(await runJob(world.system, 'sh', ['-c', 'kill -SEGV $$'])).toBe('crashed');
  });
  // #endregion contract-real-children

  // #region contract-faults
  it('surfaces a system failure as a ContractError', async () => {
    using world = simulatedSystem();
    world.sim.injectFault({ operation: 'ct_tmpl_activate', errno: 'EAGAIN' });
    await expect(runJob(world.system, 'true', [])).rejects.toSatisfy((error) => isContractError(error, 'EAGAIN'));
  });
  // #endregion contract-faults

  // #region contract-simulated-processes
  it('sees what happens to simulated processes, deterministically', async () => {
    using world = simulatedSystem();
    const { sim, system } = world;
    using _template = system.activateTemplate({ critical: ['pr_empty'], informative: ['pr_fork', 'pr_exit'] });
    const parent = sim.world.fork(sim.self.pid); // a simulated child of this process, in a new contract
    const contract = system.latest();
    const child = sim.world.fork(parent); // forks inside the contract: pr_fork
    sim.world.exit(child, 3);
    sim.world.exit(parent, 0);
    const seen: string[] = [];
    for await (const event of contract.events()) {
      seen.push(event.type);
      if (event.type === 'pr_empty') break;
    }
    // pr_fork for each process that joined (the first one too), then the exits, then empty.
    expect(seen).toEqual(['pr_fork', 'pr_fork', 'pr_exit', 'pr_exit', 'pr_empty']);
    contract.abandon();
    contract.close();
  });
  // #endregion contract-simulated-processes
});
