import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runScriptedLoad } from '../chat-load.mjs';
import { supervise } from '../supervisor.mjs';
import { openContractSystem } from '../systems.mjs';
import { followGrandchild } from '../grandchild.mjs';

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
      // One pr_exit per member (on the real Linux backend the shell's own children are members
      // too), then pr_empty.
      expect(runs[2].events.at(-1)).toBe('pr_empty');
      expect(new Set(runs[2].events.slice(0, -1))).toEqual(new Set(['pr_exit']));
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

describe('the grandchild demo', () => {
  it('holds a double-forked, setsid grandchild where the backend follows real trees, and kills it', async () => {
    const opened = openContractSystem();
    try {
      const { daemon, held } = await followGrandchild(opened.system, opened.kind, quiet);
      // The Linux backend holds it; the simulator follows direct children only.
      expect(held).toBe(opened.kind === 'linux');
      let gone = false;
      for (let tries = 0; tries < 200 && !gone; tries++) {
        try {
          gone = readFileSync(`/proc/${daemon}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
        } catch {
          gone = true;
        }
        if (!gone) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(gone).toBe(true);
    } finally {
      opened.close();
    }
  });
});

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid, within = 5_000) {
  for (const deadline = Date.now() + within; Date.now() < deadline; await sleep(20)) if (!alive(pid)) return true;
  return !alive(pid);
}

describe('the autoscaling chat demo', () => {
  it('item 9: rooms are served by the clones the front end made; each room reads back what was posted in it, from its clone; no ticket is left', async () => {
    const pids = new Set();
    try {
      const waves = 6;
      const roomsPerWave = 3;
      const run = await runScriptedLoad({
        waves,
        roomsPerWave,
        usersPerRoom: 2,
        messagesPerUser: 2,
        log: quiet,
        onLaunched: (chat) => pids.add(chat.pid),
      });
      for (const pid of run.servers) pids.add(pid);
      expect(run.code).toBe(0);
      expect(run.rooms).toHaveLength(waves * roomsPerWave);
      for (const { room, home, said, reads } of run.rooms) {
        // A clone (the master is vm 1) on its own address served the room...
        expect(home.vmid, room).toBeGreaterThan(1);
        for (const read of reads) {
          // ...and every read came back from that clone, a process other than the front end's,
          // with every message posted in the room, in order.
          expect(read.servedBy.ip, room).toBe(home.ip);
          expect(read.servedBy.pid, room).not.toBe(run.chatPid);
          expect(
            read.messages.map(({ user, text }) => ({ user, text })),
            room,
          ).toEqual(said);
        }
      }
      // Each clone holds 2 rooms: a wave of 3 rooms needs 2 clones, and the cluster grew to that.
      expect(Math.max(...run.stats.map((entry) => entry.clones))).toBe(2);
      expect(run.servers.length).toBeGreaterThanOrEqual(4);
      // Idle clones ended (killed), and tickets never piled up: at most one reservation per
      // growing room, none at the end.
      expect(run.final.ended).toBeGreaterThanOrEqual(4);
      expect(Math.max(...run.stats.map((entry) => entry.tickets))).toBeLessThanOrEqual(roomsPerWave);
      expect(run.final.tickets).toBe(0);
      // The chat stopped: its clone processes are gone with it.
      for (const pid of run.servers) expect(await gone(pid)).toBe(true);
    } finally {
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});
