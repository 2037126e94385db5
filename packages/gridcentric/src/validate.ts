import { GC_MAX_ID, type GridcentricBackend } from '@sysbind/gridcentric-interface';

import { invalidArgType, invalidArgValue, outOfRange, type ArgumentError } from '@sysbind/core';

export { invalidArgType, invalidArgValue, outOfRange, type ArgumentError };

/** Checks `value` is an integer in [min, max]; throws ERR_INVALID_ARG_TYPE or ERR_OUT_OF_RANGE. */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** A ticket id, vmid or clone count of the facade: an integer from 1 to the largest C int. */
export function validateId(value: unknown, name: string): number {
  return validateInteger(value, name, 1, GC_MAX_ID);
}

/** Checks an options bag: undefined or a plain object. */
export function validateOptions(value: unknown, name = 'options'): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidArgType(name, 'of type object', value);
  return value as Readonly<Record<string, unknown>>;
}

/** Checks an optional AbortSignal. */
export function validateSignal(value: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value;
}

const backendMethods = [
  'version',
  'check',
  'myIp',
  'requestTickets',
  'cancelTicket',
  'makeTicketIndependent',
  'listTickets',
  'clone',
  'listCloneDomains',
  'listTicketDomains',
  'getDomainStatus',
  'waitDomain',
  'waitAny',
  'syncTicket',
  'killCloneDomain',
  'killallCloneDomains',
  'killallTicketDomains',
] as const satisfies readonly (keyof GridcentricBackend)[];

/** Checks that `value` implements every method of the backend interface. */
export function validateBackend(value: unknown, name: string): GridcentricBackend {
  if (value === null || typeof value !== 'object') throw invalidArgType(name, 'a GridcentricBackend object', value);
  const missing = backendMethods.filter((method) => typeof (value as Record<string, unknown>)[method] !== 'function');
  if (missing.length > 0)
    throw invalidArgValue(name, value, `is not a GridcentricBackend (missing ${missing.join(', ')})`);
  return value as GridcentricBackend;
}
