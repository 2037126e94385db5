export {
  createGridcentric,
  type Gridcentric,
  type GridcentricOptions,
  type ListDomainsOptions,
  type WaitOptions,
} from './gridcentric.ts';
export { interpretCloneReturn, type CloneResult } from './clone-result.ts';
export type { ArgumentError } from './validate.ts';
export {
  GridcentricError,
  isGridcentricError,
  isAbortError,
  type AbortError,
  type DomainExit,
  type DomainInfo,
  type DomainStatus,
  type ExitReason,
  type GridcentricBackend,
  type GridcentricErrorDetails,
  type TicketInfo,
  type TicketState,
} from '@sysbind/gridcentric-interface';
