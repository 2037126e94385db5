import { SystemErrorBase, errnoError, isSystemErrorNamed, type SystemErrorDetails } from '@sysbind/core';

/** Fields of a {@link GridcentricError} besides its message. */
export interface GridcentricErrorDetails extends SystemErrorDetails {
  /** The clone domain concerned, when there is one. */
  readonly vmid?: number;
  /** The ticket concerned, when there is one. */
  readonly ticket?: number;
}

// What an errno means when libgridcentric returns it (GC_ERRNO), worded for the caller. ENOENT and
// EPERM stand for two failures each; the id the call was about tells which.
const meanings: Readonly<Record<string, string>> = {
  EAGAIN: 'no free clone slot on the controller',
  ECHILD: 'no waitable clone domains',
  EIO: 'controller unreachable',
  ENODEV: 'not a Gridcentric guest, or this VM has terminated',
  ENOENT: 'no such ticket or clone domain',
  ENOSPC: "the ticket's clone capacity is used up",
  ESRCH: 'the clone domain already terminated',
  ETIMEDOUT: 'the controller did not answer in time',
};
const ticketMeanings: Readonly<Record<string, string>> = {
  ...meanings,
  ENOENT: 'no such ticket held by this VM',
  EPERM: 'the ticket was cancelled',
};
const domainMeanings: Readonly<Record<string, string>> = {
  ...meanings,
  ENOENT: 'no such clone domain of this VM',
  EPERM: "the clone domain is another VM's",
};

/**
 * The error every `@sysbind` Gridcentric backend throws for a failure of the guest library or of
 * the controller behind it. Shaped like Node's SystemError: `code`, `errno` (negative), `syscall`
 * (the libgridcentric function, such as `'gc_clone'`); plus `vmid` and `ticket`. The
 * native addon constructs it from C++, so backends agree on one class; test for it with
 * {@link isGridcentricError}, which does not depend on `instanceof`.
 */
export class GridcentricError extends SystemErrorBase<GridcentricErrorDetails> {
  /** Always `'GridcentricError'` (what {@link isGridcentricError} checks). */
  override readonly name = 'GridcentricError';
  /** The clone domain concerned. */
  readonly vmid = this.details.vmid;
  /** The ticket concerned. */
  readonly ticket = this.details.ticket;

  /**
   * The error for a libgridcentric function that failed with `errnoValue` (positive, as the
   * library sets errno, or negative as Node reports it). The message says what the errno means
   * for that call: ENOENT on a ticket is "no such ticket held by this VM", not a missing file.
   */
  static fromErrno(
    errnoValue: number,
    syscall: string,
    extra: { vmid?: number; ticket?: number } = {},
  ): GridcentricError {
    const where = [
      extra.vmid === undefined ? '' : `vmid ${extra.vmid}`,
      extra.ticket === undefined ? '' : `ticket ${extra.ticket}`,
    ];
    const reading = extra.ticket !== undefined ? ticketMeanings : extra.vmid !== undefined ? domainMeanings : meanings;
    return errnoError(GridcentricError, errnoValue, syscall, extra, where, reading);
  }
}

/** True if `value` is a {@link GridcentricError} (by name, so it survives duplicate installs), optionally with `code`. */
export function isGridcentricError(value: unknown, code?: string): value is GridcentricError {
  return isSystemErrorNamed(value, 'GridcentricError', code);
}
