// Argument checks of the Linux backend's own entry points, as the native addon makes them: a
// wrong type is a TypeError (ERR_INVALID_ARG_TYPE), a number out of its range a RangeError
// (ERR_OUT_OF_RANGE), before anything touches the system.
import { invalidArgType, invalidArgValue, outOfRange } from '@sysbind/core';
import type { TemplateTerm } from '@sysbind/contract-interface';

const MAX_CTID = 2 ** 31 - 1;
const MAX_U64 = 2n ** 64n - 1n;

/** A ctid: an integer in 0..2^31-1, as ctid_t takes (0 names no contract: ENOENT/ESRCH later). */
export function checkCtid(value: unknown, name = 'ctid'): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > MAX_CTID)
    throw outOfRange(name, `an integer >= 0 and <= ${MAX_CTID}`, value);
  return value;
}

/**
 * A signal number for sigsend: any C int, as the addon takes it (sigsend itself refuses a
 * number that names no signal, with EINVAL).
 */
export function checkSignal(value: unknown): number {
  if (typeof value !== 'number') throw invalidArgType('signal', 'of type number', value);
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1)
    throw outOfRange('signal', 'an integer >= -2147483648 and <= 2147483647', value);
  return value;
}

/** A C int (detail levels): an integer in -2^31..2^31-1. */
export function checkInt(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1)
    throw outOfRange(name, 'an integer >= -2147483648 and <= 2147483647', value);
  return value;
}

/** An event id: a bigint in 0..2^64-1 (a uint64_t; 0n names no event: ESRCH later). */
export function checkEvid(value: unknown): bigint {
  if (typeof value !== 'bigint') throw invalidArgType('evid', 'of type bigint', value);
  if (value < 0n || value > MAX_U64) throw outOfRange('evid', '>= 0n and < 2n ** 64n', value);
  return value;
}

/** The value of a template term, by the type the term takes. */
export function checkTermValue(term: TemplateTerm, value: unknown): void {
  switch (term) {
    case 'cookie':
      if (typeof value !== 'bigint') throw invalidArgType('value', 'of type bigint', value);
      if (value < 0n || value > MAX_U64) throw outOfRange('value', '>= 0n and <= 2n ** 64n - 1n', value);
      return;
    case 'svc_fmri':
    case 'svc_aux':
    case 'minor':
      if (typeof value !== 'string') throw invalidArgType('value', 'of type string', value);
      // C strings end at the first NUL: the addon refuses them the same way.
      if (value.includes('\0')) throw invalidArgValue('value', value, 'must be a string without null bytes');
      return;
    case 'noneg':
      if (typeof value !== 'boolean') throw invalidArgType('value', 'of type boolean', value);
      return;
    default:
      if (typeof value !== 'number') throw invalidArgType('value', 'of type number', value);
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
        throw outOfRange('value', 'an integer >= 0 and <= 4294967295', value);
  }
}
