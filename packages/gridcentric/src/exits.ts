import { createAbortError, isGridcentricError } from '@sysbind/gridcentric-interface';
import type { DomainExit } from './records.ts';

/**
 * Counts the clones a Gridcentric object made, so that `exits({ follow: true })` can wait, when
 * no clone is left, for the next one rather than end.
 */
export class CloneCounter {
  #count = 0;
  readonly #waiting = new Set<() => void>();

  /** How many clones were made so far. */
  get count(): number {
    return this.#count;
  }

  /** A clone was made. */
  bump(): void {
    this.#count += 1;
    for (const wake of [...this.#waiting]) wake();
  }

  /** Resolves once more than `seen` clones were made; rejects with an AbortError if a signal aborts first. */
  async after(seen: number, signals: readonly AbortSignal[]): Promise<void> {
    if (this.#count > seen) return;
    const aborted = signals.find((signal) => signal.aborted);
    if (aborted !== undefined) throw createAbortError(aborted);
    await new Promise<void>((resolve, reject) => {
      const stop = (): void => {
        this.#waiting.delete(wake);
        for (const signal of signals) signal.removeEventListener('abort', onAbort);
      };
      const wake = (): void => {
        stop();
        resolve();
      };
      const onAbort = (event: Event): void => {
        stop();
        reject(createAbortError(event.target as AbortSignal));
      };
      this.#waiting.add(wake);
      for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The exits iterator: an async iterator that `await using` (or `return()`) ends. */
export type ExitsIterator = AsyncIterableIterator<DomainExit> & AsyncDisposable;

/**
 * `waitAny` in a loop. Without `follow` the sequence ends at ECHILD (no clone left to wait for,
 * as wait(2) ends); with `follow` it then waits for this object's next clone and goes on, for
 * code that lives as long as its clones come and go (an autoscaler).
 */
export function iterateExits(
  waitAny: (signal: AbortSignal) => Promise<DomainExit>,
  counter: CloneCounter,
  options: { readonly follow: boolean; readonly signal: AbortSignal | undefined; readonly closing: AbortSignal },
): ExitsIterator {
  // Disposing the iterator must end a wait in progress too (a generator cannot be returned from
  // while it awaits): one signal for the iterator's life, made once, not per wait.
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  async function* loop(): AsyncGenerator<DomainExit, void, undefined> {
    for (;;) {
      const seen = counter.count;
      let exit: DomainExit;
      try {
        exit = await waitAny(signal);
      } catch (error) {
        if (!isGridcentricError(error, 'ECHILD')) throw error;
        if (!options.follow) return;
        // A clone made since the wait started is waited for at once; otherwise wait for one.
        await counter.after(seen, [signal, options.closing]);
        continue;
      }
      yield exit;
    }
  }
  const generator = loop();
  return Object.assign(generator, {
    async [Symbol.asyncDispose]() {
      stop.abort();
      // A next() in progress rejects with the AbortError; the iterator is done either way.
      await generator.return(undefined).catch(() => undefined);
    },
  });
}
