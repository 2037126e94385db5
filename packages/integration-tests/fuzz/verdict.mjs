// What counts as a proper failure: an argument error shaped like Node's own (TypeError or
// RangeError with a string `code`), a ContractError/GridcentricError, an AbortError, or the
// fuzzer's own sentinel passed through (a getter or trap of a fuzz value threw it). Anything else
// (a plain Error, a TypeError without code, a thrown non-Error) is a finding.
import { isContractError } from '@sysbind/contract-interface';
import { isAbortError, isGridcentricError } from '@sysbind/gridcentric-interface';
import { isSentinel } from './random-values.mjs';

/** The kind of a proper failure, or undefined if `thrown` is a finding. */
export function classify(thrown) {
  if (isSentinel(thrown)) return 'sentinel';
  // A revoked proxy throws on any touch, like the fuzzer's trapped proxies: the value's own error.
  if (thrown instanceof TypeError && /on a proxy that has been revoked$/.test(thrown.message)) return 'sentinel';
  if (isContractError(thrown)) return 'ContractError';
  if (isGridcentricError(thrown)) return 'GridcentricError';
  if (isAbortError(thrown)) return 'AbortError';
  if ((thrown instanceof TypeError || thrown instanceof RangeError) && typeof thrown.code === 'string') {
    return thrown.constructor.name;
  }
  // A class constructor called without `new`: node-addon-api refuses it with the TypeError V8
  // throws for every JS class (`URL()` too), which has no code. The language's rule, not ours.
  if (thrown instanceof TypeError && /cannot be invoked without 'new'$/.test(thrown.message)) {
    return 'TypeError (class without new)';
  }
  return undefined;
}

/** A one-line description of a thrown value that cannot throw itself. */
export function describeThrown(thrown) {
  try {
    if (thrown instanceof Error) {
      const code = typeof thrown.code === 'string' ? ` [${thrown.code}]` : ' [no code]';
      const stack = (thrown.stack ?? '').split('\n').slice(1, 4).join(' | ');
      return `${thrown.constructor.name}${code}: ${thrown.message} @ ${stack}`;
    }
    return `non-Error ${typeof thrown}: ${String(thrown)}`;
  } catch {
    return `a ${typeof thrown} that cannot be printed`;
  }
}
