import type { SimulatedLibcontract } from '@sysbind/contract-interface';
import type { FaultSpec } from '../shared/faults.ts';

/**
 * What can be made to fail: a libcontract function (`'ct_tmpl_activate'`, `'ct_event_read'`, …),
 * a system call around it (`'open'`, `'close'`, `'sigsend'`, `'poll'`), or `'fork'` (a world-control
 * fork, or a real child's).
 */
export type ContractFaultOperation = Exclude<keyof SimulatedLibcontract, 'setReadinessListener'> | 'fork';

/** A failure to inject into libcontract: the next call(s), or every call, of one operation. */
export interface ContractFaultSpec extends FaultSpec<ContractFaultOperation> {
  /** Only calls from this process fail; default: calls from any process. */
  readonly pid?: number;
}
