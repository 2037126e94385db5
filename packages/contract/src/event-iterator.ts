import { addAbortListener } from 'node:events';
import { AbortError } from './errors.ts';

/**
 * One `events()` iteration: a queue between a push source and an async consumer.
 * - Events pushed while nobody waits are kept, in order.
 * - `end()` (the source closed) lets the consumer drain what is queued, then finishes.
 * - Aborting the signal rejects the pending or next `next()` with an AbortError (`code`
 *   `'ABORT_ERR'`, `cause` = the signal's reason) and discards what is queued; then it is done.
 * - `fail(error)` rejects the next `next()` with `error` once the queue is drained.
 * - `return()` (a `break` out of `for await`) stops it and unsubscribes.
 */
export class EventIterator<T> implements AsyncIterableIterator<T, undefined, undefined> {
  private readonly queue: T[] = [];
  private waiter:
    { resolve: (result: IteratorResult<T, undefined>) => void; reject: (error: unknown) => void } | undefined;
  private finished = false;
  private failure: { error: unknown } | undefined;
  private abortRegistration: Disposable | undefined;
  private readonly onDone: (iterator: EventIterator<T>) => void;

  constructor(onDone: (iterator: EventIterator<T>) => void, signal: AbortSignal | undefined) {
    this.onDone = onDone;
    if (signal !== undefined) {
      if (signal.aborted) this.abort(signal);
      else
        this.abortRegistration = addAbortListener(signal, () => {
          this.abort(signal);
        });
    }
  }

  /** True once it will deliver nothing more. */
  get done(): boolean {
    return this.finished && this.queue.length === 0 && this.failure === undefined;
  }

  push(value: T): void {
    if (this.finished) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve({ value, done: false });
    } else {
      this.queue.push(value);
    }
  }

  end(): void {
    if (this.finished) return;
    this.finish();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.finish();
    this.failure = { error };
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      this.failure = undefined;
      waiter.reject(error);
    }
  }

  private abort(signal: AbortSignal): void {
    this.queue.length = 0;
    this.fail(new AbortError(undefined, { cause: signal.reason }));
  }

  private finish(): void {
    this.finished = true;
    this.abortRegistration?.[Symbol.dispose]();
    this.abortRegistration = undefined;
    this.onDone(this);
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.failure !== undefined) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter !== undefined) return Promise.reject(new Error('next() called while a previous next() is pending'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.queue.length = 0;
    this.failure = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
