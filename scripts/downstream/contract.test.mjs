// Runs in a fresh project outside the workspace, against the packed tarballs installed with npm.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createContractSystem, isContractError } from '@sysbind/contract';
import { createContractSimulator } from '@sysbind/testing-fakes';

const require = createRequire(import.meta.url);

describe('a downstream project tests contract code on the fakes', () => {
  it('import: a real child in a simulated process contract reports its exit', async () => {
    const sim = createContractSimulator();
    const system = createContractSystem({ backend: sim.backend() });
    const { contract } = system.spawn('sh', ['-c', 'exit 3'], { template: { informative: ['pr_exit'] } });
    const names = [];
    for await (const event of contract.events()) {
      names.push(event.type);
      if (event.type === 'pr_exit') expect(event.exit).toEqual({ exited: true, signaled: false, code: 3 });
      if (event.type === 'pr_empty') break;
    }
    expect(names).toEqual(['pr_exit', 'pr_empty']);
    contract.abandon();
    system.close();
    sim.close();
  });

  it('require: the illumos_contract compat API over the simulator', async () => {
    const compat = require('@sysbind/contract/compat');
    const { createContractSimulator: createSim } = require('@sysbind/testing-fakes');
    const { spawn } = require('node:child_process');
    const sim = createSim();
    compat.useBackend(sim.backend());
    compat.set_template({ type: 'process', critical: { pr_empty: true }, param: { noorphan: true } });
    spawn('true');
    compat.clear_template();
    const ct = compat.latest();
    const event = await new Promise((resolve) => ct.on('pr_empty', resolve));
    expect(event).toMatchObject({ ctid: ct.status().ctid, type: 'pr_empty' });
    ct.abandon();
    ct.dispose();
    compat.useBackend(undefined);
    sim.close();
  });

  it('the default backend is the system itself: illumos, Linux (prebuilt, no compiler), else a typed error', () => {
    const system = createContractSystem();
    let thrown;
    try {
      system.latest();
    } catch (error) {
      thrown = error;
    }
    system.close();
    // No contract was created, so a working backend answers ESRCH, as <type>/latest does; a Linux
    // host without cgroup2 or the connector says so with its own code.
    const expected =
      process.platform === 'sunos'
        ? ['ESRCH']
        : process.platform === 'linux'
          ? ['ESRCH', 'ERR_CONTRACT_HOST_UNSUPPORTED']
          : ['ERR_UNSUPPORTED_PLATFORM'];
    expect(isContractError(thrown)).toBe(true);
    expect(expected).toContain(thrown.code);
  });
});
