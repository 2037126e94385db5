import { constants } from 'node:os';
import { invalidArgType, invalidArgValue, outOfRange } from './errors.ts';

const MAX_CTID = 2 ** 31 - 1;
const MAX_U64 = 2n ** 64n - 1n;

/** A contract type name. */
export function validateContractType(value: unknown, name = 'type'): 'process' | 'device' {
  if (value !== 'process' && value !== 'device') {
    if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
    throw invalidArgValue(name, value, "must be 'process' or 'device'");
  }
  return value;
}

/** A contract id: an integer in 1..2^31-1. */
export function validateCtid(value: unknown, name = 'ctid'): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CTID)
    throw outOfRange(name, `an integer >= 1 and <= ${MAX_CTID}`, value);
  return value;
}

/** An event id: a bigint in 1..2^64-1. */
export function validateEvid(value: unknown, name = 'evid'): bigint {
  if (typeof value !== 'bigint') throw invalidArgType(name, 'of type bigint', value);
  if (value < 1n || value > MAX_U64) throw outOfRange(name, '>= 1n and <= 2n ** 64n - 1n', value);
  return value;
}

/** A 64-bit unsigned bigint (cookies). */
export function validateU64(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint') throw invalidArgType(name, 'of type bigint', value);
  if (value < 0n || value > MAX_U64) throw outOfRange(name, '>= 0n and <= 2n ** 64n - 1n', value);
  return value;
}

/** A plain options object (or undefined). */
export function validateObject(value: unknown, name: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgType(name, 'of type object', value);
  return value as Readonly<Record<string, unknown>>;
}

/** Rejects keys of `value` not in `allowed`. */
export function validateKeys(value: Readonly<Record<string, unknown>>, allowed: readonly string[], name: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw invalidArgValue(`${name}.${key}`, value[key], `is not a known key (expected one of ${allowed.join(', ')})`);
  }
}

/** A list of names from `table`. */
export function validateNames<Name extends string>(
  value: unknown,
  table: Readonly<Record<Name, number>>,
  name: string,
): Name[] {
  if (!Array.isArray(value)) throw invalidArgType(name, 'an instance of Array', value);
  const names: Name[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    if (typeof item !== 'string') throw invalidArgType(`${name}[${index}]`, 'of type string', item);
    if (!Object.hasOwn(table, item)) {
      throw invalidArgValue(`${name}[${index}]`, item, `must be one of ${Object.keys(table).join(', ')}`);
    }
    names.push(item as Name);
  }
  return names;
}

/** A string. */
export function validateString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  return value;
}

/** A boolean. */
export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

/** A signal name or number; returns the number. */
export function validateSignal(value: unknown, name = 'signal'): number {
  if (typeof value === 'string') {
    const number = (constants.signals as Readonly<Record<string, number>>)[value];
    if (number === undefined) {
      throw Object.assign(new TypeError(`Unknown signal: ${value}`), { code: 'ERR_UNKNOWN_SIGNAL' });
    }
    return number;
  }
  if (typeof value !== 'number') throw invalidArgType(name, 'of type string or number', value);
  if (!Number.isInteger(value) || value < 0 || value > 127) throw outOfRange(name, 'an integer >= 0 and <= 127', value);
  return value;
}

/** An AbortSignal or undefined. */
export function validateAbortSignal(value: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value;
}
