import { constants } from 'node:os';

/** A failure to inject into a simulator's C-level API, before the call has any effect. */
export interface FaultSpec<Operation extends string> {
  /** The C function (or system call) to fail. */
  readonly operation: Operation;
  /** The errno it fails with: a name (`'EIO'`) or a positive number. */
  readonly errno: keyof typeof constants.errno | number;
  /** How many calls fail: a count (default 1, the next call) or `'always'`. */
  readonly times?: number | 'always';
  /** How many matching calls succeed before the fault strikes (default 0). */
  readonly skip?: number;
}

interface ArmedFault {
  readonly operation: string;
  readonly errno: number;
  readonly caller: number | undefined;
  remaining: number;
  skip: number;
}

/**
 * The faults armed on one simulator, consumed first-armed first. Both simulators use it the same
 * way: `injectFault(spec)` arms one and returns its disarm function, `clearFaults()` disarms all.
 */
export class FaultTable<Operation extends string> {
  readonly #faults: ArmedFault[] = [];

  /** Arms a fault for calls from `caller` (a pid or a vmid; undefined: any caller); returns a function that disarms it. */
  add(spec: FaultSpec<Operation>, caller: number | undefined): () => void {
    const errno =
      typeof spec.errno === 'number' ? spec.errno : (constants.errno as Readonly<Record<string, number>>)[spec.errno];
    if (errno === undefined || !Number.isInteger(errno) || errno <= 0) {
      throw new RangeError(`not an errno: ${String(spec.errno)}`);
    }
    const times = spec.times ?? 1;
    if (times !== 'always' && (!Number.isInteger(times) || times < 1))
      throw new RangeError(`times must be a positive integer or 'always', got ${times}`);
    const skip = spec.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skip must be a non-negative integer, got ${skip}`);
    const fault: ArmedFault = {
      skip,
      operation: spec.operation,
      errno,
      caller,
      remaining: times === 'always' ? Number.POSITIVE_INFINITY : times,
    };
    this.#faults.push(fault);
    return () => {
      const index = this.#faults.indexOf(fault);
      if (index !== -1) this.#faults.splice(index, 1);
    };
  }

  /** The errno the call of `operation` from `caller` must fail with, consuming one use of the fault; 0 if none. */
  take(operation: Operation, caller: number): number {
    if (this.#faults.length === 0) return 0;
    const index = this.#faults.findIndex(
      (fault) => fault.operation === operation && (fault.caller === undefined || fault.caller === caller),
    );
    const fault = this.#faults[index];
    if (fault === undefined) return 0;
    if (fault.skip > 0) {
      fault.skip--;
      return 0;
    }
    if (--fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault.errno;
  }

  /** Disarms every fault. */
  clear(): void {
    this.#faults.length = 0;
  }
}
