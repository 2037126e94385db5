import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs a script in a fresh Node process on the built packages and reports whether it exited on
// its own within `ms` (the event loop emptied) or had to be killed.
function exitsWithin(script: string, ms: number): Promise<boolean> {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { cwd, timeout: ms }, (error) => {
      resolve(error === null);
    });
    child.stdin?.end();
  });
}

const prelude = `
import { createContractSystem } from '@sysbind/contract';
import { createContractSimulator } from '@sysbind/testing-fakes';
const sim = createContractSimulator({ followRealChildren: false });
const system = createContractSystem({ backend: sim.backend() });
const contract = system.withTemplate({}, () => { sim.world.fork(sim.self.pid); return system.latest(); });
`;

describe('event loop', () => {
  it("a contract with a listener keeps the process alive while ref'd (the default)", async () => {
    expect(await exitsWithin(`${prelude} contract.on('pr_empty', () => {});`, 1500)).toBe(false);
  });

  it('unref() lets the process exit; so does having no consumer', async () => {
    expect(await exitsWithin(`${prelude} contract.on('pr_empty', () => {}); contract.unref();`, 5000)).toBe(true);
    expect(await exitsWithin(prelude, 5000)).toBe(true);
  });

  it('removing the last listener releases the process', async () => {
    expect(
      await exitsWithin(
        `${prelude} const f = () => {}; contract.on('pr_empty', f); setTimeout(() => contract.off('pr_empty', f), 50);`,
        5000,
      ),
    ).toBe(true);
  });
});
