import type { DomainStatus, GcDomainExit, GcDomainInfo, GcTicketInfo } from '@sysbind/gridcentric-interface';
import { GC_DOMAIN_STATUS, isTerminalStatus } from '@sysbind/gridcentric-interface';

/** Why a terminated domain left the lists: a wait reaped it, a sync_ticket joined it, or its parent died. */
export type ReapCause = 'wait' | 'sync' | 'parent-gone';

/** The state a ticket is in: held (usable), cancelled (no more clones), discarded (gone). */
export type TicketLifecycle = 'held' | 'cancelled' | 'discarded';

/** One simulated VM: the master or a clone. Mutable, owned by the engine. */
export interface DomainRecord {
  /** Its id. */
  readonly vmid: number;
  /** The VM that cloned it; undefined for the master. */
  readonly parent: DomainRecord | undefined;
  /** The ticket it was cloned under; undefined for the master. */
  readonly ticket: TicketRecord | undefined;
  /** Its address. */
  readonly ip: string;
  /** Its current status. */
  status: DomainStatus;
  /** Its exit record, once terminated. */
  exit: GcDomainExit | undefined;
  /** Position in the global termination order (1, 2, ...), once terminated. */
  terminationOrder: number | undefined;
  /** Who took it off the lists, if anyone did. */
  reapedBy: ReapCause | undefined;
  /** Its clones, in creation order (reaped ones included, for inspection). */
  readonly children: DomainRecord[];
  /** Tickets it requested, in request order. */
  readonly tickets: TicketRecord[];
  /** Set while the guest interface is cut off: every call fails with this errno. */
  detached: 'ENODEV' | 'EIO' | undefined;
  /** What the clone-side hook threw, if it crashed the clone. */
  hookError: unknown;
}

/** One ticket: a reservation of clone slots held by one VM. */
export interface TicketRecord {
  /** The ticket id. */
  readonly id: number;
  /** The VM that requested it. */
  readonly owner: DomainRecord;
  /** The count asked for. */
  readonly requested: number;
  /** The capacity granted. */
  readonly granted: number;
  /** Clone calls consumed. */
  used: number;
  /** Set by gc_make_ticket_independent. */
  independent: boolean;
  /** Held, cancelled or discarded. */
  state: TicketLifecycle;
  /** Clones created under it, in creation order (reaped ones included). */
  readonly domains: DomainRecord[];
}

/** True while the domain has not terminated (CREATING, ONLINE, PAUSED). */
export function isLive(domain: DomainRecord): boolean {
  return !isTerminalStatus(domain.status);
}

/** True if the domain belongs to an independent ticket (the master belongs to none). */
export function isIndependent(domain: DomainRecord): boolean {
  return domain.ticket?.independent ?? false;
}

/** The `gc_domain_info_t` of a domain. */
export function domainInfo(domain: DomainRecord): GcDomainInfo {
  return { vmid: domain.vmid, ticket: domain.ticket?.id ?? 0, status: GC_DOMAIN_STATUS[domain.status], ip: domain.ip };
}

/** The `gc_ticket_info_t` of a ticket. */
export function ticketInfo(ticket: TicketRecord): GcTicketInfo {
  return {
    ticket: ticket.id,
    requested: ticket.requested,
    granted: ticket.granted,
    used: ticket.used,
    domains: ticket.domains.filter((domain) => domain.reapedBy === undefined).length,
    independent: ticket.independent,
  };
}
