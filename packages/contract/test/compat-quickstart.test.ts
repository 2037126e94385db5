import * as childProcess from 'node:child_process';
import * as util from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createContractSimulator, type ContractSimulator } from '@sysbind/testing-fakes';
import * as contract from '../src/compat.ts';

// The seed README's Quick Start, verbatim except for two things: the command (rpcbind is not on
// Linux, `sleep 0.2` is) and the cookie's closing quote, which the README mistypes as a backtick.
const QUICK_START = `
var contract = require('illumos_contract');
var util = require('util');
var child_process = require('child_process');
var ct;
var child;
var tmpl = {
type: 'process',
critical: {
pr_empty: true,
pr_hwerr: true
},
informative: {
pr_exit: true,
pr_core: true
},
param: {
noorphan: true
},
cookie: '0xdeadbeef'
};
contract.set_template(tmpl);
child = child_process.spawn('sleep', ['0.2']);
contract.clear_template();
ct = contract.latest();
console.log(util.inspect(ct.status(), null, true));
ct.on('pr_empty', function (ev) {
console.log(util.inspect(ev, null, true));
console.log('contract ' + ev.ctid + ' has emptied');
console.log(util.inspect(ct.status(), null, true));
ct.abandon();
ct.removeAllListeners();
ct = null;
});
`;

let sim: ContractSimulator | undefined;
afterEach(() => {
  contract.useBackend(undefined);
  sim?.close();
});

describe('compat Quick Start', () => {
  it('runs unchanged over the simulator with a real child and sees pr_empty after it exits', async () => {
    sim = createContractSimulator();
    contract.useBackend(sim.backend());
    const lines: string[] = [];
    const modules: Record<string, unknown> = { illumos_contract: contract, util, child_process: childProcess };
    const fakeRequire = (name: string): unknown => modules[name];
    const fakeConsole = { log: (line: string) => lines.push(line) };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('require', 'console', QUICK_START) as (
      load: typeof fakeRequire,
      log: typeof fakeConsole,
    ) => void;
    // `sleep 0.2` starts inside run(): pr_empty cannot come sooner than 200 ms after this instant.
    const spawned = Date.now();
    run(fakeRequire, fakeConsole);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("state: 'owned'");
    expect(lines[0]).toContain("cookie: '3735928559'");
    expect(lines[0]).toMatch(/pr_members: \{ '0': \d+ \}/);
    const started = Date.now();
    while (lines.length < 4 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain("type: 'pr_empty'");
    expect(lines[2]).toMatch(/^contract \d+ has emptied$/);
    expect(lines[3]).not.toContain('pr_members');
    expect(Date.now() - spawned).toBeGreaterThanOrEqual(190);
  });
});
