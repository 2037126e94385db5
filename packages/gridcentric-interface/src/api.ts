/**
 * Every reconstructed fact and design choice about libgridcentric (`gc-guest.h`) in one place.
 *
 * The header was never published. Each export below carries one of these tags in its TSDoc:
 *
 * - **[confirmed]**: stated by a primary source or by the seed README of the 2011 Node bindings.
 * - **[reconstructed]**: inferred from the sources; plausible, not stated anywhere.
 * - **[invented]**: a design decision where nothing is known. Used consistently, not historical.
 *
 * Changing one of these choices means editing this file only: the simulator, the backends, the
 * facade and the compat layer all read them from here.
 *
 * @module
 */
import { constants } from 'node:os';

/**
 * The version string the simulator reports for `gc_version`. [invented] No historical value is
 * known; the format (semver-like) is a guess.
 */
export const GC_SIMULATED_LIBRARY_VERSION = '1.0.0-sim';

/**
 * The 17 functions of the guest library, by their C names. [confirmed] for the names without
 * prefix and for `gc_version`, `gc_check`, `gc_my_ip`; [reconstructed] for the `gc_` prefix on
 * the others, which follows from the prefixed sync functions and struct types.
 */
export const GC_FUNCTION_NAMES = [
  'gc_version',
  'gc_check',
  'gc_my_ip',
  'gc_request_tickets',
  'gc_cancel_ticket',
  'gc_make_ticket_independent',
  'gc_list_tickets',
  'gc_clone',
  'gc_list_clone_domains',
  'gc_list_ticket_domains',
  'gc_get_domain_status',
  'gc_wait_domain',
  'gc_wait_any',
  'gc_sync_ticket',
  'gc_kill_clone_domain',
  'gc_killall_clone_domains',
  'gc_killall_ticket_domains',
] as const;

/** The C name of one guest-library function (see {@link GC_FUNCTION_NAMES}). */
export type GcFunctionName = (typeof GC_FUNCTION_NAMES)[number];

/**
 * The calls that answer locally without a controller round trip, hence synchronous in the seed
 * binding. [confirmed] (the seed lists them as returning immediately).
 */
export const GC_QUICK_CALLS = ['gc_version', 'gc_check', 'gc_my_ip'] as const satisfies readonly GcFunctionName[];

/**
 * The calls that may block indefinitely until a clone terminates. [reconstructed] from their
 * wait()/waitpid()/join analogues.
 */
export const GC_BLOCKING_WAITS = [
  'gc_wait_domain',
  'gc_wait_any',
  'gc_sync_ticket',
] as const satisfies readonly GcFunctionName[];

/**
 * Domain status codes as returned by `gc_get_domain_status` and carried in `gc_domain_info_t`.
 * [confirmed] for the names `ONLINE` and `CRASHED` (seed); [invented] for the other names and for
 * every numeric value.
 */
export const GC_DOMAIN_STATUS = {
  UNKNOWN: 0,
  CREATING: 1,
  ONLINE: 2,
  PAUSED: 3,
  EXITED: 4,
  CRASHED: 5,
  KILLED: 6,
} as const;

/** A domain status by name, as the seed binding reported it ("ONLINE", "CRASHED", ...). */
export type DomainStatus = keyof typeof GC_DOMAIN_STATUS;

/**
 * Exit reasons carried in `gc_domain_exit_t`. [invented] names and values; the existence of the
 * struct [confirmed] suggests waits report how a clone ended.
 */
export const GC_EXIT_REASON = {
  EXITED: 0,
  CRASHED: 1,
  KILLED: 2,
} as const;

/**
 * An exit reason by name. `UNKNOWN` stands for a code outside {@link GC_EXIT_REASON}, which only a
 * library with a different header could produce. [invented]
 */
export type ExitReason = keyof typeof GC_EXIT_REASON | 'UNKNOWN';

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

/** True for the three statuses a domain ends in. [invented] (follows from the status table). */
export function isTerminalStatus(status: DomainStatus): boolean {
  return status === 'EXITED' || status === 'CRASHED' || status === 'KILLED';
}

/**
 * Fields of `gc_domain_info_t`, in order. [invented] field names and order; the type name is
 * [confirmed] by the seed.
 */
export const GC_DOMAIN_INFO_FIELDS = ['vmid', 'ticket', 'status', 'ip'] as const;

/** Fields of `gc_ticket_info_t`, in order. [invented] field names and order. */
export const GC_TICKET_INFO_FIELDS = ['ticket', 'requested', 'granted', 'used', 'domains', 'independent'] as const;

/** Fields of `gc_domain_exit_t`, in order. [invented] field names and order. */
export const GC_DOMAIN_EXIT_FIELDS = ['vmid', 'reason', 'code'] as const;

/** One `gc_domain_info_t` as the C library fills it in: codes are raw integers. */
export interface GcDomainInfo {
  /** The clone's id (> 0). */
  readonly vmid: number;
  /** The ticket it was created under. */
  readonly ticket: number;
  /** Its current status code (see {@link GC_DOMAIN_STATUS}). */
  readonly status: number;
  /** Its address on the cluster network, as a dotted quad. */
  readonly ip: string;
}

/** One `gc_ticket_info_t` as the C library fills it in. */
export interface GcTicketInfo {
  /** The ticket id (>= 1). */
  readonly ticket: number;
  /** The count passed to `gc_request_tickets`. */
  readonly requested: number;
  /** The capacity the controller granted, 1 <= granted <= requested. */
  readonly granted: number;
  /** How many clone calls have consumed capacity. */
  readonly used: number;
  /** How many clones created under this ticket are not yet reaped. */
  readonly domains: number;
  /** Set by `gc_make_ticket_independent` (a C int used as a boolean). */
  readonly independent: boolean;
}

/** One `gc_domain_exit_t` as the C library fills it in. */
export interface GcDomainExit {
  /** Which clone terminated. */
  readonly vmid: number;
  /** How it ended (see {@link GC_EXIT_REASON}). */
  readonly reason: number;
  /** The guest's exit code where known, else 0. [invented] */
  readonly code: number;
}

/**
 * The derived state of a ticket. [invented] `gc_ticket_info_t` carries no state enum; this is
 * computed from its fields by {@link ticketState}.
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
  /** Derived from the fields by {@link ticketState}. */
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

/**
 * The largest vmid, ticket id or count a C `int` carries. [reconstructed] (ids are signed ints
 * with -1 meaning error).
 */
export const GC_MAX_ID = 2 ** 31 - 1;

/**
 * Which errno each failure reports. [reconstructed] where the reference names the errno for that
 * function (EINVAL, ENOENT, ENOSPC, EPERM, ECHILD, ENODEV, EIO); [invented] for the choice among
 * alternatives (EAGAIN rather than ENOSPC for a request with no free slots, ESRCH for killing a
 * clone that already terminated, ECHILD for waiting on an independent ticket, ENODEV for calls
 * from a VM that no longer exists).
 */
export const GC_ERRNO = {
  /** A count <= 0, or an id that is not a positive C int. */
  invalidArgument: 'EINVAL',
  /** `gc_request_tickets` while the controller has no free slot at all. */
  noFreeSlots: 'EAGAIN',
  /** `gc_clone` on a ticket whose capacity is used up. */
  ticketExhausted: 'ENOSPC',
  /** A ticket id the caller does not hold (never issued, another VM's, or discarded by sync). */
  unknownTicket: 'ENOENT',
  /** `gc_clone`, `gc_cancel_ticket` or `gc_make_ticket_independent` on a cancelled ticket. */
  ticketCancelled: 'EPERM',
  /** A vmid that is no clone of the caller, or was reaped. */
  unknownDomain: 'ENOENT',
  /** `gc_kill_clone_domain` on a domain that exists but is another VM's clone. */
  notYourDomain: 'EPERM',
  /** `gc_kill_clone_domain` on a clone that already terminated (not yet reaped). */
  alreadyTerminated: 'ESRCH',
  /** A wait with nothing the caller may wait for (no such clone, independent ticket, no clones). */
  nothingToWaitFor: 'ECHILD',
  /** `gc_check` (and every call) in a VM that is not a Gridcentric guest. */
  notAGuest: 'ENODEV',
  /** `gc_check` (and every call) when the guest cannot reach the controller. */
  controllerUnreachable: 'EIO',
  /** Any call from a VM that has terminated (its pending waits end with this too). */
  callerGone: 'ENODEV',
} as const;

/** An errno name this library reports. */
export type GcErrnoName = (typeof GC_ERRNO)[keyof typeof GC_ERRNO];

/** The positive errno number of `name` on this platform (what C's `errno` holds). */
export function errnoNumber(name: GcErrnoName | keyof typeof constants.errno): number {
  return constants.errno[name];
}

/**
 * The private cluster network clones are addressed on: 10.0.0.0/8. [invented] after SnowFlock,
 * which gave every clone an address computed from its id on a private network ([confirmed] for
 * SnowFlock only). Whether Copper kept that scheme is unknown.
 */
export const GC_DEFAULT_CLONE_NETWORK = '10.0.0.0';

/**
 * The address of the VM with `vmid`: the vmid as the host part of `network` (a /8 by default),
 * so vmid 1 is 10.0.0.1 and vmid 258 is 10.0.1.2. [invented]
 */
export function deriveCloneIp(vmid: number, network: string = GC_DEFAULT_CLONE_NETWORK): string {
  if (!Number.isInteger(vmid) || vmid < 0 || vmid > 0xffffff) {
    throw new RangeError(`vmid ${vmid} does not fit the host part of a /8 network`);
  }
  const octets = network.split('.').map(Number);
  const first = octets[0];
  if (octets.length !== 4 || first === undefined || !Number.isInteger(first) || first < 0 || first > 255) {
    throw new RangeError(`network ${JSON.stringify(network)} is not a dotted quad`);
  }
  return `${first}.${(vmid >> 16) & 0xff}.${(vmid >> 8) & 0xff}.${vmid & 0xff}`;
}
