import { invalidArgType, outOfRange } from './validate.ts';

/**
 * What `clone()` returned, in which copy of the program: the parent learns the new clone's vmid;
 * the clone's own copy of the call (fork-like) returns no vmid.
 */
export type CloneResult = { readonly role: 'parent'; readonly vmid: number } | { readonly role: 'clone' };

/**
 * Reads the C `gc_clone` return value: 0 means "this is the clone" (as fork() returns 0 in the
 * child), a positive vmid means "this is the parent". Useful with a simulator's clone-side hook,
 * which hands the clone's half its return value.
 */
export function interpretCloneReturn(returned: number): CloneResult {
  if (returned === 0) return { role: 'clone' };
  // Node-style argument errors (the fuzzer found a bare RangeError here, whose message also
  // stringified whatever it was given).
  if (typeof returned !== 'number') throw invalidArgType('returned', 'of type number', returned);
  if (!Number.isSafeInteger(returned) || returned < 0) throw outOfRange('returned', '0 or a vmid', returned);
  return { role: 'parent', vmid: returned };
}
