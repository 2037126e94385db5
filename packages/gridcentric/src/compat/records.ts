import type { DomainStatus, ExitReason, GcTicketInfo } from '@sysbind/gridcentric-interface';
import type { TicketInfo } from '../records.ts';

// The seed's objects are the facade's decoded records (records.ts), but for the ticket's
// `independent`, a C int in the seed and a boolean in the facade, and the facade's derived `state`.

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

/** The facade's ticket record as the seed's object: without the derived state, `independent` as a C int. */
export function toCompatTicket(info: TicketInfo): CompatTicketInfo {
  const { state: _derived, independent, ...fields }: TicketInfo = info;
  return { ...(fields satisfies Omit<GcTicketInfo, 'independent'>), independent: independent ? 1 : 0 };
}
