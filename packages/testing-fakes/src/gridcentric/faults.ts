import { constants } from 'node:os';
import type { GcFunctionName } from '@sysbind/gridcentric-interface';
import type { GcErrnoName } from './policy.ts';

/** A function that can be made to fail (`gc_version` cannot fail: it returns a static string). */
export type FaultableFunction = Exclude<GcFunctionName, 'gc_version'>;

/** A failure to inject into the C-level API. */
export interface GridcentricFaultSpec {
  /** The C function to fail. */
  readonly operation: FaultableFunction;
  /** The errno it fails with: a name (`'EIO'`) or a positive number. */
  readonly errno: GcErrnoName | keyof typeof constants.errno | number;
  /** How many calls fail: a count (default 1, the next call) or `'always'`. */
  readonly times?: number | 'always';
  /** Only calls from this VM fail; default: calls from any VM. */
  readonly vmid?: number;
}

interface ArmedFault {
  readonly operation: FaultableFunction;
  readonly errno: number;
  readonly vmid: number | undefined;
  remaining: number;
}

/** The faults armed on one simulator, consumed first-armed first. */
export class FaultTable {
  readonly #faults: ArmedFault[] = [];

  /** Arms a fault; returns a function that disarms it. */
  add(spec: GridcentricFaultSpec): () => void {
    if ((spec.operation as string) === 'gc_version')
      throw new RangeError('gc_version cannot fail: it returns a static string');
    const errno =
      typeof spec.errno === 'number' ? spec.errno : (constants.errno as Readonly<Record<string, number>>)[spec.errno];
    if (errno === undefined || !Number.isInteger(errno) || errno <= 0) {
      throw new RangeError(`not an errno: ${String(spec.errno)}`);
    }
    const times = spec.times ?? 1;
    if (times !== 'always' && (!Number.isInteger(times) || times < 1))
      throw new RangeError(`times must be a positive integer or 'always', got ${times}`);
    const fault: ArmedFault = {
      operation: spec.operation,
      errno,
      vmid: spec.vmid,
      remaining: times === 'always' ? Number.POSITIVE_INFINITY : times,
    };
    this.#faults.push(fault);
    return () => {
      const index = this.#faults.indexOf(fault);
      if (index !== -1) this.#faults.splice(index, 1);
    };
  }

  /** The errno the call of `operation` from `vmid` must fail with, consuming one use of the fault; undefined if none. */
  take(operation: GcFunctionName, vmid: number): number | undefined {
    const index = this.#faults.findIndex(
      (fault) => fault.operation === operation && (fault.vmid === undefined || fault.vmid === vmid),
    );
    const fault = this.#faults[index];
    if (fault === undefined) return undefined;
    if (--fault.remaining <= 0) this.#faults.splice(index, 1);
    return fault.errno;
  }

  /** Disarms every fault. */
  clear(): void {
    this.#faults.length = 0;
  }
}
