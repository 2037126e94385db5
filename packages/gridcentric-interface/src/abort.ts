/** The error an aborted operation rejects with, shaped like Node's own (`events.once`, timers/promises). */
export interface AbortError extends Error {
  readonly name: 'AbortError';
  readonly code: 'ABORT_ERR';
}

/**
 * A new AbortError for `signal`: `name` `'AbortError'`, `code` `'ABORT_ERR'` and `cause` the
 * signal's reason, as Node's own APIs reject.
 */
export function createAbortError(signal: AbortSignal): AbortError {
  const error = new Error('The operation was aborted', { cause: signal.reason }) as Error & {
    name: string;
    code: string;
  };
  error.name = 'AbortError';
  error.code = 'ABORT_ERR';
  return error as AbortError;
}

/** True if `value` is an AbortError (by name and code, so it works across realms and copies). */
export function isAbortError(value: unknown): value is AbortError {
  return value instanceof Error && value.name === 'AbortError' && (value as { code?: unknown }).code === 'ABORT_ERR';
}
