import { constants } from 'node:os';

// Signal numbers are the host's: the simulator signals real children with process.kill, and the
// wait statuses it reports must decode with the host's numbering.
const hostSignals: Readonly<Record<string, number>> = constants.signals;

function numbersOf(names: readonly string[]): ReadonlySet<number> {
  const numbers = new Set<number>();
  for (const name of names) {
    const value = hostSignals[name];
    if (value !== undefined) numbers.add(value);
  }
  return numbers;
}

/** Signals whose default action is to terminate with a core dump. */
export const CORE_SIGNALS = numbersOf([
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGEMT',
  'SIGFPE',
  'SIGBUS',
  'SIGSEGV',
  'SIGSYS',
  'SIGXCPU',
  'SIGXFSZ',
]);

/** Signals whose default action does not terminate the process (ignore, stop, continue). */
export const NON_FATAL_SIGNALS = numbersOf([
  'SIGCHLD',
  'SIGCONT',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGURG',
  'SIGWINCH',
  'SIGPWR',
]);

/** SIGKILL on the host. */
export const SIGKILL = hostSignals['SIGKILL'] ?? 9;

/** The host's number for a signal name or number, or undefined if unknown. */
export function signalNumber(signal: string | number): number | undefined {
  if (typeof signal === 'number') return Number.isInteger(signal) && signal >= 0 && signal < 128 ? signal : undefined;
  return hostSignals[signal];
}
