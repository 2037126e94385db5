/**
 * Every reconstructed fact and design choice about libgridcentric (`gc-guest.h`) in one place.
 *
 * The header was never published. Each export below carries one of these tags in its TSDoc:
 *
 * - **[confirmed]**: stated by a primary source or by the seed README of the 2011 Node bindings.
 * - **[reconstructed]**: inferred from the sources; plausible, not stated anywhere.
 * - **[invented]**: a design decision where nothing is known. Used consistently, not historical.
 *
 * The facts of the C interface live here; the facade's decoders (`@sysbind/gridcentric`'s
 * records) and the simulator's policy (`@sysbind/testing-fakes`: which errno each failure reports,
 * clone addresses, the version string) carry the same tags where they decide something.
 *
 * @module
 */
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
 * The largest vmid, ticket id or count a C `int` carries. [reconstructed] (ids are signed ints
 * with -1 meaning error).
 */
export const GC_MAX_ID = 2 ** 31 - 1;
