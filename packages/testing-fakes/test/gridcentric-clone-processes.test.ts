import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { GC_EXIT_REASON } from '@sysbind/gridcentric-interface';
import { deriveCloneIp } from '../src/gridcentric/policy.ts';
import { describe, expect, it } from 'vitest';

// The program under test is a plain guest program (fixtures/clone-program.mjs) run by Node
// outside vitest, against the built package, as an application would run it: the master process
// runs the simulator, and each clone is a process the simulator starts. Every process reports on
// the shared stdout, one JSON line per event, with its pid.
const program = fileURLToPath(new URL('fixtures/clone-program.mjs', import.meta.url));

interface Event {
  readonly pid: number;
  readonly side: 'start' | 'parent' | 'clone' | 'grandchild';
  readonly [field: string]: unknown;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone (an exited process lingers until its parent, or init, reaps it). */
async function gone(pid: number, within = 5_000): Promise<boolean> {
  for (const deadline = Date.now() + within; Date.now() < deadline;) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !alive(pid);
}

/**
 * Runs the program with `scenario`; `act` sees every event as it arrives (and may kill a
 * process). Resolves with the events and the master's exit code. Every process seen is killed by
 * its pid in `finally`, whatever happened.
 */
async function runProgram(
  scenario: string,
  act: (event: Event, tellMaster: (line: string) => void) => void = () => {},
  beforeCleanup: () => Promise<void> = async () => {},
): Promise<{ events: Event[]; code: number | null; pids: Set<number> }> {
  const master = spawn(process.execPath, [program, scenario], { stdio: ['pipe', 'pipe', 'inherit'] });
  const tellMaster = (line: string): void => {
    master.stdin.write(`${line}\n`);
  };
  const events: Event[] = [];
  const pids = new Set<number>();
  if (master.pid !== undefined) pids.add(master.pid);
  let buffered = '';
  master.stdout.setEncoding('utf8');
  master.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as Event;
      events.push(event);
      pids.add(event.pid);
      act(event, tellMaster);
    }
  });
  const timer = setTimeout(() => master.kill('SIGKILL'), 20_000);
  try {
    const [code] = (await once(master, 'exit')) as [number | null];
    // The clones write to the same pipe: it ends once the last of them has gone.
    if (master.stdout.readable) await once(master.stdout, 'end');
    await beforeCleanup();
    return { events, code, pids };
  } finally {
    clearTimeout(timer);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

const exitReason = (reason: keyof typeof GC_EXIT_REASON): number => GC_EXIT_REASON[reason];

describe('item 8: process-level clones (openSimulatedGuest)', () => {
  it('item 8: clone() resolves in both copies: the parent gets the vmid, a new process sees 0 and acts as the clone', async () => {
    const { events, code, pids } = await runProgram('exit');
    expect(code).toBe(0);
    const parent = events.find((event) => event.side === 'parent' && 'vmid' in event);
    const clone = events.find((event) => event.side === 'clone' && 'ipAfter' in event);
    expect(parent).toMatchObject({ role: 'master', vmid: 2, ip: deriveCloneIp(1), ipBefore: deriveCloneIp(1) });
    // A different OS process, whose copy of the same clone() call returned 0.
    expect(clone?.pid).not.toBe(parent?.pid);
    expect(clone).toMatchObject({ role: 'clone', vmid: 2, ticket: 1 });
    // Before the clone point it saw the parent's answers; after it, it is the clone VM.
    expect(clone?.['ipBefore']).toBe(deriveCloneIp(1));
    expect(clone?.['ipAfter']).toBe(deriveCloneIp(2));
    // The parent's ticket is not the clone's: the clone's later calls are made as the clone VM.
    expect(clone?.['tickets']).toEqual([]);
    expect(events.find((event) => 'ownTicket' in event)).toMatchObject({ ownTicket: 2, ownTickets: [2] });
    // The process's exit (exitCode 7) is the clone VM's exit, as the parent's wait reaps it.
    const reaped = events.find((event) => 'exit' in event);
    expect(reaped?.['exit']).toEqual({ vmid: 2, reason: exitReason('EXITED'), code: 7 });
    expect(reaped?.['processesLeft']).toBe(0);
    // The copy ran the program from its start, but what it printed before the clone point is muted.
    expect(events.filter((event) => event.side === 'start')).toEqual([
      { pid: parent?.pid, side: 'start', role: 'master' },
    ]);
    for (const pid of pids) expect(await gone(pid)).toBe(true);
  });

  it('item 8: killing the clone process is the clone VM crashing, as the parent waits see it', async () => {
    let victim: number | undefined;
    const { events, code } = await runProgram('hang', (event) => {
      if (event.side === 'clone' && victim === undefined) {
        victim = event.pid;
        process.kill(event.pid, 'SIGKILL');
      }
    });
    expect(code).toBe(0);
    expect(victim).toBeDefined();
    // SIGKILL is signal 9: CRASHED with 128 + 9, as a shell reports a death by signal.
    expect(events.find((event) => 'exit' in event)?.['exit']).toEqual({
      vmid: 2,
      reason: exitReason('CRASHED'),
      code: 137,
    });
    expect(await gone(victim ?? 0)).toBe(true);
  });

  it('item 8: killing the clone VM from the parent ends its process', async () => {
    const { events, code } = await runProgram('vm-kill', (event, tellMaster) => {
      if (event.side === 'clone') tellMaster('kill');
    });
    expect(code).toBe(0);
    const listed = events.find((event) => 'processes' in event)?.['processes'] as { vmid: number; pid: number }[];
    const clone = events.find((event) => event.side === 'clone');
    expect(listed).toEqual([{ vmid: 2, pid: clone?.pid }]);
    expect(events.find((event) => 'exit' in event)?.['exit']).toEqual({
      vmid: 2,
      reason: exitReason('KILLED'),
      code: 0,
    });
    expect(await gone(clone?.pid ?? 0)).toBe(true);
  });

  it('item 8: cutting the clone VM off reaches check() in its process', async () => {
    const { events, code } = await runProgram('detach', (event, tellMaster) => {
      if (event.side === 'clone' && 'ipAfter' in event) tellMaster('detach');
    });
    expect(code).toBe(0);
    expect(events.find((event) => 'checkError' in event)?.['checkError']).toBe('EIO');
    expect(events.find((event) => 'exit' in event)?.['exit']).toEqual({
      vmid: 2,
      reason: exitReason('EXITED'),
      code: 4,
    });
  });

  it('item 8: a clone process clones again; the grandchild replays its parent clone and reaches its own clone point', async () => {
    const { events, code } = await runProgram('nested');
    expect(code).toBe(0);
    const grandchild = events.find((event) => event.side === 'grandchild');
    expect(grandchild).toMatchObject({ vmid: 3, ip: deriveCloneIp(3) });
    const clonePid = events.find((event) => event.side === 'clone' && 'grandchild' in event)?.pid;
    expect(new Set([events[0]?.pid, clonePid, grandchild?.pid]).size).toBe(3);
    expect(events.find((event) => 'grandchildExit' in event)?.['grandchildExit']).toEqual({
      vmid: 3,
      reason: exitReason('EXITED'),
      code: 3,
    });
    expect(events.find((event) => 'exit' in event)?.['exit']).toEqual({
      vmid: 2,
      reason: exitReason('EXITED'),
      code: 5,
    });
  });

  it('item 8: the master process ending takes its clone processes with it', async () => {
    let masterPid: number | undefined;
    let clonePid: number | undefined;
    let cloneGoneBeforeCleanup = false;
    const { code } = await runProgram(
      'hang',
      (event) => {
        if (event.side === 'parent') masterPid = event.pid;
        if (event.side === 'clone' && clonePid === undefined && masterPid !== undefined) {
          clonePid = event.pid;
          // The master dies without closing anything: its clone must not stay behind.
          process.kill(masterPid, 'SIGKILL');
        }
      },
      async () => {
        cloneGoneBeforeCleanup = clonePid !== undefined && (await gone(clonePid));
      },
    );
    expect(code).toBe(null);
    expect(clonePid).toBeDefined();
    // It sees its IPC channel close and ends; runProgram's cleanup would have killed it otherwise,
    // so look before that: the pipe ended, which needs every writer gone.
    expect(cloneGoneBeforeCleanup).toBe(true);
  });
});
