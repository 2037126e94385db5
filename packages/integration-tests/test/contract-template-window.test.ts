// Issue 12 item 16: a thread created while the JS thread has an active template inherits a copy
// of it (lwp_ctmpl_copy in illumos's lwp_create), and every process that thread forks later gets a
// contract. So no thread may start inside the window, and spawn keeps the window to the spawn
// itself. Checked in a fresh process, whose libuv thread pool has not started, by counting the
// process's threads (/proc/self/task, Linux) at each activate and clear. Runs the built packages.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportOf, runNode } from './support/contract-child.ts';

const driver = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/contract-template-window.cjs');

interface WindowReport {
  readonly threadsAtStart: number;
  readonly windows: readonly { threadsAtActivate: number; threadsAtClear: number; callsInside: string[] }[];
}

describe.runIf(process.platform === 'linux')('item 16: the active-template window (/proc, Linux)', () => {
  for (const kind of ['fake', 'native'] as const) {
    it(`item 16: no thread starts inside a window, and spawn's window holds the spawn alone (${kind} backend)`, async () => {
      const outcome = await runNode(driver, [kind]);
      expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
        code: 0,
        signal: null,
        stderr: '',
      });
      const report = reportOf(outcome) as WindowReport;
      expect(report.windows).toHaveLength(2);
      const [caller, spawn] = report.windows;
      // The first thread-pool request was made inside the caller's window, yet the pool's threads
      // were already running when the template was activated.
      expect(caller?.threadsAtActivate).toBeGreaterThan(report.threadsAtStart);
      expect(caller?.threadsAtClear).toBe(caller?.threadsAtActivate);
      expect(spawn?.threadsAtClear).toBe(spawn?.threadsAtActivate);
      // Between spawn's activate and clear the backend is not called at all (latest is read after).
      expect(spawn?.callsInside).toEqual([]);
    }, 60_000);
  }
});
