// Issue 12 item 17: close-on-exec is set right after each open (ctfs refuses O_CLOEXEC on most of
// its files: ctfs_ctl_open, ctfs_latest_open and ctfs_endpoint_open compare their flags, FCLOEXEC
// included, for equality), so the binding makes the window between the two unobservable to
// fork(2). A worker thread spawns shells that list their descriptors after exec, while the main
// thread opens and closes ctfs files through the addon's sim flavor; no shell may see one of
// them (they are eventfds there). Without the window's lock about a third of the shells did.
import { describe, expect, it } from 'vitest';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';

describe.runIf(process.platform === 'linux')('item 17: no child inherits a contract descriptor (/proc, Linux)', () => {
  it('item 17: forks on another thread never see a descriptor between its open and its close-on-exec', async () => {
    const outcome = await runNode(await bundleDriver('contract-cloexec-race'), ['300']);
    expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    const report = reportOf(outcome) as { spawns: number; leaked: number; opens: number };
    expect(report.spawns).toBe(300);
    // The opens really raced the forks: thousands of them ran while the shells were spawned.
    expect(report.opens).toBeGreaterThan(1000);
    expect(report.leaked).toBe(0);
  }, 120_000);
});
