import { invalidArgType, validateInteger } from '../validate.ts';

const C_INT_MIN = -(2 ** 31);
const C_INT_MAX = 2 ** 31 - 1;

/**
 * Checks an id or count passed to a compat function: it must be a number that a C `int` can carry
 * (TypeError `ERR_INVALID_ARG_TYPE` or RangeError `ERR_OUT_OF_RANGE` otherwise, thrown
 * synchronously as 2011 addons did). Values the library refuses (0, negative, unknown) are passed
 * on, and answered with -1, as the C library answered them.
 */
export function validateCInt(value: unknown, name: string): number {
  return validateInteger(value, name, C_INT_MIN, C_INT_MAX);
}

/** Checks the callback argument, thrown synchronously if missing or not a function. */
export function validateCallback<F>(value: F, name = 'callback'): F & ((...args: never[]) => unknown) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F & ((...args: never[]) => unknown);
}
