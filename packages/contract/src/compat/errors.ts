// Errors as illumos_contract threw them. The original (v8plus) put the positive errno of the
// failed call on its errors (`err.errno === 3` for ESRCH), and code written for it compares
// against positive constants; the facade follows Node's SystemError, whose errno is negative.
import { isContractError } from '@sysbind/contract-interface';

/**
 * Turns a facade ContractError into the original's convention: `errno` positive; `code`,
 * `syscall`, `ctid`, `path`, message and stack unchanged. Anything else passes through. The
 * error is changed in place: each one is created for the failing call that reports it.
 */
export function toCompatError<Thrown>(error: Thrown): Thrown {
  if (isContractError(error) && typeof error.errno === 'number' && error.errno < 0) {
    Object.defineProperty(error, 'errno', { value: -error.errno, enumerable: true, writable: false });
  }
  return error;
}

/** Runs `operation`, rethrowing what it throws in the original's convention. */
export function compatErrors<Result>(operation: () => Result): Result {
  try {
    return operation();
  } catch (error) {
    throw toCompatError(error);
  }
}
