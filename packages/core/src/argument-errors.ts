// Node-style argument errors: a TypeError or RangeError with a `code`, and one message format
// ("… Received …") for every package, as Node's own validators word them.

/** A TypeError or RangeError carrying a Node-style `code`. */
export type ArgumentError = (TypeError | RangeError) & { readonly code: string };

// Reads the constructor's name without running user code (no getters, no toString) and without
// throwing (a revoked Proxy throws on every inspection), so that describing a bad argument can
// never replace the argument error with another one.
function constructorName(value: object): string {
  try {
    for (let prototype: object | null = Object.getPrototypeOf(value) as object | null; prototype !== null;) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, 'constructor');
      if (descriptor !== undefined) {
        const ctor: unknown = descriptor.value;
        const name: unknown =
          typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
        return typeof name === 'string' && name !== '' ? name : 'Object';
      }
      prototype = Object.getPrototypeOf(prototype) as object | null;
    }
  } catch {
    // A revoked Proxy: nothing can be read from it.
  }
  return 'Object';
}

/** How a message shows the value it refused: `Received type number (3)`, `Received null`, … */
export function describeReceived(value: unknown): string {
  if (value === null) return 'Received null';
  if (value === undefined) return 'Received undefined';
  if (typeof value === 'function') {
    const name: unknown = Object.getOwnPropertyDescriptor(value, 'name')?.value;
    return `Received function ${typeof name === 'string' && name !== '' ? name : '<anonymous>'}`;
  }
  if (typeof value === 'object') return `Received an instance of ${constructorName(value)}`;
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value.length > 28 ? `${value.slice(0, 25)}...` : value);
  else if (typeof value === 'bigint') shown = `${value.toString()}n`;
  else if (typeof value === 'symbol') shown = value.toString();
  else if (typeof value === 'number' || typeof value === 'boolean') shown = String(value);
  else shown = 'unknown';
  return `Received type ${typeof value} (${shown})`;
}

function withCode<E extends Error>(error: E, code: string): E & { readonly code: string } {
  return Object.assign(error, { code });
}

/** `ERR_INVALID_ARG_TYPE`: `name` is not of the `expected` type ("of type number", "an instance of AbortSignal"). */
export function invalidArgType(name: string, expected: string, value: unknown): ArgumentError {
  return withCode(
    new TypeError(`The "${name}" argument must be ${expected}. ${describeReceived(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `ERR_INVALID_ARG_VALUE`: `name` is of an accepted type but unusable (`reason`: "is not a known signal"). */
export function invalidArgValue(name: string, value: unknown, reason: string): ArgumentError {
  return withCode(
    new TypeError(`The argument '${name}' ${reason}. ${describeReceived(value)}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `ERR_OUT_OF_RANGE`: `name` has the right type but lies outside `range` (">= 1 && <= 10"). */
export function outOfRange(name: string, range: string, value: unknown): ArgumentError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. ${describeReceived(value)}`),
    'ERR_OUT_OF_RANGE',
  );
}
