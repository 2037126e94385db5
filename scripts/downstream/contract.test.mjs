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
      names.push(event.name);
      if (event.name === 'pr_exit') expect(event.exit).toEqual({ exited: true, signaled: false, code: 3 });
      if (event.name === 'pr_empty') break;
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

  it('the native backend is a typed error off illumos, not an install or import failure', () => {
    const system = createContractSystem();
    let thrown;
    try {
      system.latest();
    } catch (error) {
      thrown = error;
    }
    expect(isContractError(thrown, 'ERR_UNSUPPORTED_PLATFORM')).toBe(process.platform !== 'sunos');
  });
});
