// Node-style argument errors (TypeError/RangeError with a `code`), thrown before anything reaches
// the backend, and the facade's own ContractError codes.
import { ContractError } from '@sysbind/contract-interface';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'function';
  if (typeof value === 'object')
    return `an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'Object'}`;
  if (typeof value === 'bigint') return `type bigint (${value.toString()}n)`;
  if (typeof value === 'string')
    return `type string (${JSON.stringify(value.length > 28 ? value.slice(0, 25) + '...' : value)})`;
  if (typeof value === 'symbol') return `type symbol (${value.toString()})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `type ${typeof value} (${String(value)})`;
  return typeof value;
}

/** A TypeError with code ERR_INVALID_ARG_TYPE. */
export function invalidArgType(name: string, expected: string, actual: unknown): TypeError {
  const error = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
  return Object.assign(error, { code: 'ERR_INVALID_ARG_TYPE' });
}

/** A TypeError with code ERR_INVALID_ARG_VALUE. */
export function invalidArgValue(name: string, actual: unknown, reason: string): TypeError {
  const error = new TypeError(`The argument '${name}' ${reason}. Received ${describe(actual)}`);
  return Object.assign(error, { code: 'ERR_INVALID_ARG_VALUE' });
}

/** A RangeError with code ERR_OUT_OF_RANGE. */
export function outOfRange(name: string, range: string, actual: unknown): RangeError {
  const error = new RangeError(
    `The value of "${name}" is out of range. It must be ${range}. Received ${describe(actual)}`,
  );
  return Object.assign(error, { code: 'ERR_OUT_OF_RANGE' });
}

/** The error of an operation on a closed contract, watcher or system. */
export function closedError(what: string, ctid?: number): ContractError {
  return new ContractError(`${what} is closed`, {
    code: 'ERR_CONTRACT_CLOSED',
    ...(ctid === undefined ? {} : { ctid }),
  });
}

/** The error of a control operation on a contract that is only observed. */
export function observerError(operation: string, ctid: number): ContractError {
  return new ContractError(`cannot ${operation} contract ${ctid}: it is observed, not held (no control descriptor)`, {
    code: 'ERR_CONTRACT_NOT_HELD',
    ctid,
  });
}

/** The error an aborted wait rejects with, as Node's own AbortError. */
export class AbortError extends Error {
  /** Always `'AbortError'`. */
  override readonly name = 'AbortError';
  /** Always `'ABORT_ERR'`. */
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}
