/**
 * The error an aborted operation rejects with, shaped like Node's own (`events.once`,
 * `timers/promises`): `name` `'AbortError'`, `code` `'ABORT_ERR'`, `cause` the signal's reason.
 */
export class AbortError extends Error {
  /** Always `'AbortError'`. */
  override readonly name = 'AbortError';
  /** Always `'ABORT_ERR'`. */
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A new {@link AbortError} for `signal`, whose `cause` is the signal's reason. */
export function createAbortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

/** True if `value` is an AbortError (by name and code, so it works across realms and copies). */
export function isAbortError(value: unknown): value is AbortError {
  return value instanceof Error && value.name === 'AbortError' && (value as { code?: unknown }).code === 'ABORT_ERR';
}
