// Helpers for the tests of the Linux backend on the real kernel: whether this host can run it,
// waiting for facts the kernel reports asynchronously, and clean-up of processes by pid.
import { readFileSync } from 'node:fs';
import { probeLinuxContractHost } from '@sysbind/contract-native';
import type { Contract, ContractEvent } from '@sysbind/contract';

/** Why the Linux tests cannot run here, or undefined when they can. */
export function linuxSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  const capabilities = probeLinuxContractHost();
  if (!capabilities.supported) {
    return `needs a writable cgroup2 (${capabilities.missing.map((entry) => entry.feature).join(', ')} missing)`;
  }
  if (!capabilities.connector) return 'needs the process-events connector';
  return undefined;
}

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until `done()` holds or `timeoutMs` passes; returns whether it held. */
export async function until(done: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** SIGKILLs each pid that is still there (test clean-up, by id). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * An event's contract(5) name: `type` when the facade gives the name there (as it will once the
 * event `type` becomes the name string), else `name`.
 */
export function nameOf(event: { readonly type: unknown; readonly name?: string }): string {
  return typeof event.type === 'string' ? event.type : (event.name ?? 'unknown');
}

/**
 * A contract event with the process payload fields readable whatever its kind (absent where the
 * kind has none), so that tests can compare them with what the kernel says.
 */
export type LinuxEvent = ContractEvent & {
  readonly pid?: number;
  readonly ppid?: number;
  readonly exitStatus?: number;
  readonly signal?: number;
  readonly sender?: number;
};

/** Collects a contract's events (names in order, and the events) until pr_empty. */
export function collect(contract: Contract): { events: LinuxEvent[]; empty: Promise<LinuxEvent> } {
  const events: LinuxEvent[] = [];
  const empty = new Promise<LinuxEvent>((resolve) => {
    contract.on('event', (event: LinuxEvent) => {
      events.push(event);
      if (nameOf(event) === 'pr_empty') resolve(event);
    });
  });
  return { events, empty };
}

/** The members a process contract's status lists. */
export function membersOf(contract: Contract): readonly number[] {
  const status = contract.status();
  return status.type === 'process' ? status.members : [];
}
