import { GC_MAX_ID, type GridcentricBackend } from '@sysbind/gridcentric-interface';

/** A TypeError or RangeError carrying a Node-style `code`, as Node's own argument validation throws. */
export type ArgumentError = (TypeError | RangeError) & { readonly code: string };

function withCode<E extends Error>(error: E, code: string): E & { readonly code: string } {
  return Object.assign(error, { code });
}

function describeReceived(value: unknown): string {
  if (value === null) return 'Received null';
  if (value === undefined) return 'Received undefined';
  if (typeof value === 'function') return `Received function ${value.name === '' ? '<anonymous>' : value.name}`;
  if (typeof value === 'object') {
    const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return `Received an instance of ${typeof constructorName === 'string' ? constructorName : 'Object'}`;
  }
  let shown: string;
  if (typeof value === 'string') shown = `'${value.slice(0, 25)}'`;
  else if (typeof value === 'number' || typeof value === 'bigint') shown = `${value}`;
  else if (typeof value === 'boolean') shown = String(value);
  else if (typeof value === 'symbol') shown = value.toString();
  else shown = 'unknown';
  return `Received type ${typeof value} (${shown})`;
}

/** `ERR_INVALID_ARG_TYPE`: `name` is not of the `expected` type. */
export function invalidArgType(name: string, expected: string, value: unknown): ArgumentError {
  return withCode(
    new TypeError(`The "${name}" argument must be ${expected}. ${describeReceived(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `ERR_OUT_OF_RANGE`: `name` has the right type but not an acceptable value. */
export function outOfRange(name: string, range: string, value: unknown): ArgumentError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value as number)}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** `ERR_INVALID_ARG_VALUE`: `name` is of an accepted type but unusable. */
export function invalidArgValue(name: string, reason: string): ArgumentError {
  return withCode(new TypeError(`The argument '${name}' ${reason}.`), 'ERR_INVALID_ARG_VALUE');
}

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
  if (missing.length > 0) throw invalidArgValue(name, `is not a GridcentricBackend (missing ${missing.join(', ')})`);
  return value as GridcentricBackend;
}
