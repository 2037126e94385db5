// The facade's decoding of the guest library's records: status and exit-reason codes to names,
// and the derived ticket state. Tags as in @sysbind/gridcentric-interface's api.ts.
import type {
  DomainStatus,
  ExitReason,
  GcDomainExit,
  GcDomainInfo,
  GcTicketInfo,
} from '@sysbind/gridcentric-interface';
import { GC_DOMAIN_STATUS, GC_EXIT_REASON } from '@sysbind/gridcentric-interface';

const statusNames = new Map<number, DomainStatus>(
  Object.entries(GC_DOMAIN_STATUS).map(([name, code]) => [code, name as DomainStatus]),
);
const exitReasonNames = new Map<number, ExitReason>(
  Object.entries(GC_EXIT_REASON).map(([name, code]) => [code, name as ExitReason]),
);

/** The name of a domain status code; any code outside the table is `UNKNOWN`. [invented] fallback. */
export function domainStatusName(code: number): DomainStatus {
  return statusNames.get(code) ?? 'UNKNOWN';
}

/** The name of an exit-reason code; any code outside the table is `UNKNOWN`. [invented] fallback. */
export function exitReasonName(code: number): ExitReason {
  return exitReasonNames.get(code) ?? 'UNKNOWN';
}

/**
 * The derived state of a ticket. [invented] `gc_ticket_info_t` carries no state enum; this is
 * computed from its fields by `ticketState`.
 */
export type TicketState = 'ACTIVE' | 'EXHAUSTED' | 'INDEPENDENT';

/** The state of a ticket: independent wins, then exhausted when all capacity is used. [invented] */
export function ticketState(info: Pick<GcTicketInfo, 'granted' | 'used' | 'independent'>): TicketState {
  if (info.independent) return 'INDEPENDENT';
  return info.used >= info.granted ? 'EXHAUSTED' : 'ACTIVE';
}

/** A `gc_domain_info_t` with its status decoded to a name. */
export interface DomainInfo {
  /** The clone's id. */
  readonly vmid: number;
  /** The ticket it was created under. */
  readonly ticket: number;
  /** Its current status. */
  readonly status: DomainStatus;
  /** Its address on the cluster network. */
  readonly ip: string;
}

/** A `gc_ticket_info_t` with its derived {@link TicketState}. */
export interface TicketInfo extends GcTicketInfo {
  /** Derived from the fields by `ticketState`. */
  readonly state: TicketState;
}

/** A `gc_domain_exit_t` with its reason decoded to a name. */
export interface DomainExit {
  /** Which clone terminated. */
  readonly vmid: number;
  /** How it ended. */
  readonly reason: ExitReason;
  /** The guest's exit code where known, else 0. */
  readonly code: number;
}

/** Decodes a raw domain record. */
export function decodeDomainInfo(raw: GcDomainInfo): DomainInfo {
  return { vmid: raw.vmid, ticket: raw.ticket, status: domainStatusName(raw.status), ip: raw.ip };
}

/** Decodes a raw ticket record and derives its state. */
export function decodeTicketInfo(raw: GcTicketInfo): TicketInfo {
  return {
    ticket: raw.ticket,
    requested: raw.requested,
    granted: raw.granted,
    used: raw.used,
    domains: raw.domains,
    independent: raw.independent,
    state: ticketState(raw),
  };
}

/** Decodes a raw exit record. */
export function decodeDomainExit(raw: GcDomainExit): DomainExit {
  return { vmid: raw.vmid, reason: exitReasonName(raw.reason), code: raw.code };
}
