import {
  type DomainStatus,
  type ExitReason,
  type GcDomainExit,
  type GcDomainInfo,
  type GcTicketInfo,
} from '@sysbind/gridcentric-interface';
import { decodeDomainInfo, exitReasonName } from '../records.ts';

/** A `gc_domain_info_t` as the seed binding returned it: the native fields, the status as a string. */
export interface CompatDomainInfo {
  /** The clone's id. */
  vmid: number;
  /** The ticket it was created under. */
  ticket: number;
  /** Its status, as a string such as "ONLINE" or "CRASHED". */
  status: DomainStatus;
  /** Its address, a dotted quad. */
  ip: string;
}

/** A `gc_ticket_info_t` as the seed binding returned it: the native fields, integers as in C. */
export interface CompatTicketInfo {
  /** The ticket id. */
  ticket: number;
  /** The count passed to request_tickets. */
  requested: number;
  /** The capacity granted. */
  granted: number;
  /** Clone calls consumed. */
  used: number;
  /** Clones not yet reaped. */
  domains: number;
  /** 1 once make_ticket_independent was called, else 0 (a C int). */
  independent: 0 | 1;
}

/** A `gc_domain_exit_t` as the seed binding returned it: the reason as a string. */
export interface CompatDomainExit {
  /** Which clone terminated. */
  vmid: number;
  /** "EXITED", "CRASHED" or "KILLED". */
  reason: ExitReason;
  /** The guest's exit code where known, else 0. */
  code: number;
}

/** Converts a native domain record to the seed's object. */
export function toCompatDomain(raw: GcDomainInfo): CompatDomainInfo {
  // The seed's domain object is the facade's decoded record, field for field.
  return decodeDomainInfo(raw);
}

/** Converts a native ticket record to the seed's object. */
export function toCompatTicket(raw: GcTicketInfo): CompatTicketInfo {
  return {
    ticket: raw.ticket,
    requested: raw.requested,
    granted: raw.granted,
    used: raw.used,
    domains: raw.domains,
    independent: raw.independent ? 1 : 0,
  };
}

/** Converts a native exit record to the seed's object. */
export function toCompatExit(raw: GcDomainExit): CompatDomainExit {
  return { vmid: raw.vmid, reason: exitReasonName(raw.reason), code: raw.code };
}
