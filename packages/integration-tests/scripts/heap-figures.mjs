// What the soaks measure: the heap once everything collectable is collected, and this process's
// open descriptors. Needs node --expose-gc.
import { readdirSync } from 'node:fs';

const collect = globalThis.gc;
if (typeof collect !== 'function') throw new Error('run with --expose-gc');

/** The descriptors this process holds now (Linux: /proc). */
export function fdCount() {
  return readdirSync('/proc/self/fd').length;
}

/**
 * The heap after full collections, over several turns, the lowest figure. Handles of the native
 * addons are freed in two steps (a collection queues their Node-API finalizers, which run from an
 * immediate, and what they held goes with a later collection).
 */
export async function settledHeap() {
  let heap = Infinity;
  for (let round = 0; round < 8; round++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    heap = Math.min(heap, process.memoryUsage().heapUsed);
  }
  return heap;
}
