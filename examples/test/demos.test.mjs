import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScriptedLoad } from '../autoscale-chat.mjs';
import { supervise } from '../supervisor.mjs';
import { openContractSystem } from '../systems.mjs';

const quiet = () => {};

describe('the supervisor demo', () => {
  it('restarts a worker after each fatal event and stops once it ends cleanly', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'sysbind-supervisor-'));
    const counter = path.join(scratch, 'runs');
    const worker = `n=$(cat "${counter}" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "${counter}"; if [ $n -lt 3 ]; then kill -SEGV $$; fi; exit 0`;
    const { system, close } = openContractSystem();
    try {
      const runs = await supervise(system, 'sh', ['-c', worker], { restarts: 5, log: quiet, stdio: 'ignore' });
      expect(runs.map((run) => run.fatal)).toEqual(['pr_core', 'pr_core', undefined]);
      expect(runs[2].events).toEqual(['pr_exit', 'pr_empty']);
    } finally {
      close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('gives up after the allowed restarts', async () => {
    const { system, close } = openContractSystem();
    try {
      const runs = await supervise(system, 'sh', ['-c', 'kill -SEGV $$'], { restarts: 1, log: quiet, stdio: 'ignore' });
      expect(runs).toHaveLength(2);
      expect(runs.every((run) => run.fatal === 'pr_core')).toBe(true);
    } finally {
      close();
    }
  });

  it('stops the process tree on abort', async () => {
    const { system, close } = openContractSystem();
    const controller = new AbortController();
    try {
      const running = supervise(system, 'sleep', ['30'], { log: quiet, signal: controller.signal, stdio: 'ignore' });
      setTimeout(() => controller.abort(), 100);
      const runs = await running;
      expect(runs).toHaveLength(1);
      expect(runs[0].events.at(-1)).toBe('pr_empty');
    } finally {
      close();
    }
  });
});

describe('the autoscaling chat demo', () => {
  it('grows a clone per full room and kills the idle ones', async () => {
    const lines = [];
    const { peak, ended, remaining } = await runScriptedLoad({ users: 7, log: (line) => lines.push(line) });
    expect(peak).toBe(3); // rooms of 3: 3 + 3 + 1
    expect(remaining).toBe(0);
    expect(ended.map((exit) => exit.reason)).toEqual(['KILLED', 'KILLED', 'KILLED']);
    expect(lines.filter((line) => line.includes('cloned vm'))).toHaveLength(3);
  });
});
