export * from './gridcentric.ts';
export type { Clone, CloneOutcome } from './clone-handle.ts';
export type { ExitsIterator } from './exits.ts';
export type { Ticket } from './ticket.ts';
export { interpretCloneReturn, type CloneResult } from './clone-result.ts';
export type { ArgumentError } from './validate.ts';
export {
  GridcentricError,
  isGridcentricError,
  isAbortError,
  type AbortError,
  type DomainStatus,
  type ExitReason,
  type GridcentricBackend,
  type GridcentricErrorDetails,
} from '@sysbind/gridcentric-interface';
export type { DomainExit, DomainInfo, TicketInfo, TicketState } from './records.ts';
