import { GridcentricError, type GridcentricBackend } from '@sysbind/gridcentric-interface';
import { captureCallSite } from './call-site.ts';

/** The name of a {@link GridcentricBackend} method: one journaled call kind. */
export type JournalOperation = keyof GridcentricBackend;

/** An error as it travels between processes: enough to build the same error again. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly errno?: number | undefined;
  readonly syscall?: string | undefined;
  readonly vmid?: number | undefined;
  readonly ticket?: number | undefined;
}

/** How a journaled call ended: a value, an error, or an abort through its signal. */
export type JournalOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: SerializedError }
  | { readonly kind: 'aborted' };

/** One call of the program, in the order the calls were made. */
export interface JournalEntry {
  readonly operation: JournalOperation;
  /** The integer arguments (ids, counts); a wait's signal is not one. */
  readonly args: readonly number[];
  /** Where the program made it ({@link captureCallSite}). */
  readonly site: string;
  /** How it ended, once it did. */
  outcome: JournalOutcome | undefined;
  /**
   * How many consecutive calls of this kind (operation, arguments, site) it stands for, all with
   * the same answer (default 1): a loop polling the controller adds no entry while the answer stays.
   */
  repeat?: number;
}

/** What identifies "the same call" in two runs of one program: operation, arguments and call site. */
export function callKey(entry: Pick<JournalEntry, 'operation' | 'args' | 'site'>): string {
  return `${entry.operation}(${entry.args.join(',')})\n${entry.site}`;
}

/**
 * What a clone process starts from: the calls its parent's program had made when `gc_clone`
 * returned in the parent, with the answers it had got by then, and which of them is the clone
 * point. Plain JSON, so it can be written to a file and read back synchronously at start.
 */
export interface CloneImage {
  /** The clone's vmid. */
  readonly vmid: number;
  /** The VM whose program made the clone call. */
  readonly parentVmid: number;
  /** The ticket it was cloned under. */
  readonly ticket: number;
  /** The clone's address: what `myIp()` returns in it after the clone point. */
  readonly ip: string;
  /** What `version()` returns in it. */
  readonly version: string;
  /** The parent's journal at the clone point; calls still in flight there have no outcome. */
  readonly entries: readonly JournalEntry[];
  /** The index in `entries` of the clone call that created this clone. */
  readonly clonePoint: number;
}

/** Turns an error into its travelling form. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = error as Error & Partial<Record<'code' | 'errno' | 'syscall' | 'vmid' | 'ticket', unknown>>;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return {
    name: error.name,
    message: error.message,
    code: text(fields.code),
    errno: number(fields.errno),
    syscall: text(fields.syscall),
    vmid: number(fields.vmid),
    ticket: number(fields.ticket),
  };
}

/** Builds the error again, of the same class for the kinds the backends throw. */
export function deserializeError(error: SerializedError): Error {
  if (error.name === 'GridcentricError') {
    return new GridcentricError(error.message, {
      code: error.code ?? 'EIO',
      ...(error.errno === undefined ? {} : { errno: error.errno }),
      ...(error.syscall === undefined ? {} : { syscall: error.syscall }),
      ...(error.vmid === undefined ? {} : { vmid: error.vmid }),
      ...(error.ticket === undefined ? {} : { ticket: error.ticket }),
    });
  }
  const made =
    error.name === 'TypeError'
      ? new TypeError(error.message)
      : error.name === 'RangeError'
        ? new RangeError(error.message)
        : new Error(error.message);
  if (error.code !== undefined) Object.assign(made, { code: error.code });
  return made;
}

/** True if `error` is the AbortError a wait rejects with when its signal aborts. */
function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The Gridcentric calls one program made as one VM, in the order it made them, with their call
 * sites and answers: the record a clone process replays to reach its clone point (see
 * clone-replay.ts). One journal per program, whatever number of backends it opened.
 */
export class CallJournal {
  readonly #entries: JournalEntry[] = [];
  /** The latest entry of each call kind, and the one before it (what a settled entry may fold into). */
  readonly #latest = new Map<string, JournalEntry>();
  readonly #before = new WeakMap<JournalEntry, JournalEntry>();
  readonly #onCloned: (clonePoint: number, vmid: number, ticket: number) => void;

  /** `onCloned` hears of every clone call that returned a vmid (> 0: this side is the parent). */
  constructor(onCloned: (clonePoint: number, vmid: number, ticket: number) => void) {
    this.#onCloned = onCloned;
  }

  /** The entries so far, copied, outcomes as they stand now: the image of a clone made now. */
  snapshot(): JournalEntry[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  /** How many calls were made. */
  get length(): number {
    return this.#entries.length;
  }

  /** Records the start of a call and returns its entry. */
  start(operation: JournalOperation, args: readonly number[]): JournalEntry {
    const entry: JournalEntry = { operation, args, site: captureCallSite(), outcome: undefined };
    const key = callKey(entry);
    const before = this.#latest.get(key);
    if (before !== undefined) this.#before.set(entry, before);
    this.#latest.set(key, entry);
    this.#entries.push(entry);
    return entry;
  }

  /** Records how a call ended; a clone call that returned a vmid makes an image. */
  settle(entry: JournalEntry, outcome: JournalOutcome): void {
    entry.outcome = outcome;
    if (
      entry.operation === 'clone' &&
      outcome.kind === 'value' &&
      typeof outcome.value === 'number' &&
      outcome.value > 0
    ) {
      this.#onCloned(this.#entries.indexOf(entry), outcome.value, entry.args[0] ?? 0);
      return;
    }
    this.#fold(entry);
  }

  /**
   * Folds a settled entry into the previous call of its kind when that one is settled with the
   * same answer and no call of the kind came between: replaying it `repeat` times is the same.
   */
  #fold(entry: JournalEntry): void {
    const key = callKey(entry);
    const before = this.#before.get(entry);
    if (before?.outcome === undefined || this.#latest.get(key) !== entry) return;
    if (JSON.stringify(before.outcome) !== JSON.stringify(entry.outcome)) return;
    const index = this.#entries.lastIndexOf(entry);
    if (index === -1) return;
    this.#entries.splice(index, 1);
    before.repeat = (before.repeat ?? 1) + 1;
    this.#latest.set(key, before);
  }
}

/**
 * `inner`, with every call recorded in `journal` (its site, arguments and answer). The calls go
 * through unchanged; the journal only watches.
 */
export function createJournaledBackend(inner: GridcentricBackend, journal: CallJournal): GridcentricBackend {
  const quick = <T>(operation: JournalOperation, run: () => T): T => {
    const entry = journal.start(operation, []);
    try {
      const value = run();
      journal.settle(entry, { kind: 'value', value });
      return value;
    } catch (error) {
      journal.settle(entry, { kind: 'error', error: serializeError(error) });
      throw error;
    }
  };
  const call = async <T>(operation: JournalOperation, args: readonly number[], run: () => Promise<T>): Promise<T> => {
    const entry = journal.start(operation, args);
    try {
      const value = await run();
      journal.settle(entry, { kind: 'value', value });
      return value;
    } catch (error) {
      journal.settle(entry, isAbort(error) ? { kind: 'aborted' } : { kind: 'error', error: serializeError(error) });
      throw error;
    }
  };
  return {
    version: () => quick('version', () => inner.version()),
    check: () => {
      quick('check', () => {
        inner.check();
      });
    },
    myIp: () => quick('myIp', () => inner.myIp()),
    requestTickets: (count) => call('requestTickets', [count], () => inner.requestTickets(count)),
    cancelTicket: (ticket) => call('cancelTicket', [ticket], () => inner.cancelTicket(ticket)),
    makeTicketIndependent: (ticket) =>
      call('makeTicketIndependent', [ticket], () => inner.makeTicketIndependent(ticket)),
    listTickets: () => call('listTickets', [], () => inner.listTickets()),
    clone: (ticket) => call('clone', [ticket], () => inner.clone(ticket)),
    listCloneDomains: () => call('listCloneDomains', [], () => inner.listCloneDomains()),
    listTicketDomains: (ticket) => call('listTicketDomains', [ticket], () => inner.listTicketDomains(ticket)),
    getDomainStatus: (vmid) => call('getDomainStatus', [vmid], () => inner.getDomainStatus(vmid)),
    waitDomain: (vmid, signal) => call('waitDomain', [vmid], () => inner.waitDomain(vmid, signal)),
    waitAny: (signal) => call('waitAny', [], () => inner.waitAny(signal)),
    syncTicket: (ticket, signal) => call('syncTicket', [ticket], () => inner.syncTicket(ticket, signal)),
    killCloneDomain: (vmid) => call('killCloneDomain', [vmid], () => inner.killCloneDomain(vmid)),
    killallCloneDomains: () => call('killallCloneDomains', [], () => inner.killallCloneDomains()),
    killallTicketDomains: (ticket) => call('killallTicketDomains', [ticket], () => inner.killallTicketDomains(ticket)),
  };
}
