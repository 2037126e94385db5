import { isGridcentricError } from '@sysbind/gridcentric-interface';

/**
 * Calls `callback` once with the mapped result of `work`, or with -1 if the library failed (a
 * GridcentricError), as the seed binding passed the C return value as the single argument. The
 * call happens on a later tick, outside any promise, so an exception in the callback is an
 * uncaught exception, as it was in 2011. A failure that is not the library's (a bug) is rethrown
 * the same way rather than disguised as -1.
 */
export function deliver<T, R>(work: Promise<T>, callback: (result: R | -1) => void, map: (value: T) => R): void {
  work.then(
    (value) => {
      const result = map(value);
      process.nextTick(callback, result);
    },
    (error: unknown) => {
      if (isGridcentricError(error)) {
        process.nextTick(callback, -1);
        return;
      }
      process.nextTick(() => {
        throw error;
      });
    },
  );
}

/**
 * Calls `callback` with -1 on a later tick, as {@link deliver} does for a failure: the answer to
 * an argument the facade refuses (see `refusedByFacade`) without asking the library.
 */
export function deliverRefusal(callback: (result: -1) => void): void {
  process.nextTick(callback, -1);
}
