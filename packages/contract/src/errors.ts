// The facade's own ContractError codes, and the shared Node-style argument errors (TypeError/RangeError
// with a `code`) it throws before anything reaches the backend.
import { ContractError } from '@sysbind/contract-interface';

export { invalidArgType, invalidArgValue, outOfRange, AbortError } from '@sysbind/core';

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
