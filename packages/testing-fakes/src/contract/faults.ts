import { constants } from 'node:os';

/** An errno to inject: its number, or its name (`'EIO'`). */
export type InjectedErrno = number | string;

function errnoValue(errno: InjectedErrno): number {
  if (typeof errno === 'number') return Math.abs(errno);
  const value = (constants.errno as Readonly<Record<string, number>>)[errno];
  if (value === undefined) throw new RangeError(`unknown errno name ${errno}`);
  return value;
}

/**
 * Fault injection for the libcontract-level API: make the next call(s), or every call, of a named
 * operation (`'open'`, `'ct_tmpl_activate'`, `'ct_event_read'`, `'sigsend'`, `'fork'`, …) fail
 * with an errno, before it has any effect.
 */
export class FaultInjector {
  private readonly once = new Map<string, number[]>();
  private readonly always = new Map<string, number>();

  /** The next `times` calls of `operation` fail with `errno`. */
  failNext(operation: string, errno: InjectedErrno, times = 1): void {
    const queue = this.once.get(operation) ?? [];
    for (let index = 0; index < times; index++) queue.push(errnoValue(errno));
    this.once.set(operation, queue);
  }

  /** Every call of `operation` fails with `errno` until cleared. */
  failAlways(operation: string, errno: InjectedErrno): void {
    this.always.set(operation, errnoValue(errno));
  }

  /** Removes the faults of `operation`, or all of them. */
  clear(operation?: string): void {
    if (operation === undefined) {
      this.once.clear();
      this.always.clear();
    } else {
      this.once.delete(operation);
      this.always.delete(operation);
    }
  }

  /** The errno `operation` must fail with now, or 0. Consumes one "next" fault. */
  take(operation: string): number {
    if (this.once.size === 0 && this.always.size === 0) return 0;
    const queue = this.once.get(operation);
    if (queue !== undefined && queue.length > 0) {
      const errno = queue.shift() ?? 0;
      if (queue.length === 0) this.once.delete(operation);
      return errno;
    }
    return this.always.get(operation) ?? 0;
  }
}
