import type { GcFunctionName } from '@sysbind/gridcentric-interface';
import type { FaultSpec } from '../shared/faults.ts';

/** A function that can be made to fail (`gc_version` cannot fail: it returns a static string). */
export type FaultableFunction = Exclude<GcFunctionName, 'gc_version'>;

/** A failure to inject into the guest library: the next call(s), or every call, of one function. */
export interface GridcentricFaultSpec extends FaultSpec<FaultableFunction> {
  /** Only calls from this VM fail; default: calls from any VM. */
  readonly vmid?: number;
}
