import { invalidArgType, validateInteger } from '../validate.ts';

const C_INT_MIN = -(2 ** 31);
const C_INT_MAX = 2 ** 31 - 1;

/**
 * Checks an id or count passed to a compat function: it must be a number that a C `int` can carry
 * (TypeError `ERR_INVALID_ARG_TYPE` or RangeError `ERR_OUT_OF_RANGE` otherwise, thrown
 * synchronously as 2011 addons did). Values the library refuses (0, negative, unknown) are not
 * errors here: they are answered with -1, as the C library answered them.
 */
export function validateCInt(value: unknown, name: string): number {
  return validateInteger(value, name, C_INT_MIN, C_INT_MAX);
}

/**
 * True for a C int the facade refuses (its ids and counts run from 1, `validateId`) but the seed
 * passed to the library: 0 and the negative ones. The compat answers them -1 itself, because that
 * is what the library answers whatever the state of the VM: the simulator, the reference for the
 * library's semantics, fails each such call (ret -1) before, in or after the engine: a VM cut off
 * or gone and an injected fault fail every call (`createSimulatedGuestApi`), and the engine fails
 * the argument itself (each function's comment in the compat says how). Only a positive id or
 * count can reach a ticket or a clone, so only those go through the facade to the library.
 */
export function refusedByFacade(value: number): boolean {
  return value < 1;
}

/** Checks the callback argument, thrown synchronously if missing or not a function. */
export function validateCallback<F>(value: F, name = 'callback'): F & ((...args: never[]) => unknown) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F & ((...args: never[]) => unknown);
}
