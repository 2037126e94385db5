// The simulator's policy where the guest library is unknown: which errno each failure reports, how
// clones are addressed, and the version it reports. Tags as in @sysbind/gridcentric-interface's
// api.ts: [confirmed], [reconstructed], [invented].
import { constants } from 'node:os';

/**
 * The version string the simulator reports for `gc_version`. [invented] No historical value is
 * known; the format (semver-like) is a guess.
 */
export const GC_SIMULATED_LIBRARY_VERSION = '1.0.0-sim';

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
