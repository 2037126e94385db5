import {
  SystemErrorBase,
  errnoName,
  isSystemErrorNamed,
  systemErrorMessage,
  type SystemErrorDetails,
} from '@sysbind/core';

/** Fields of a {@link GridcentricError} besides its message. */
export interface GridcentricErrorDetails extends SystemErrorDetails {
  /** The clone domain concerned, when there is one. */
  readonly vmid?: number;
  /** The ticket concerned, when there is one. */
  readonly ticket?: number;
}

// What an errno means when libgridcentric returns it (the guest library's reconstructed errnos).
const meanings: Readonly<Record<string, string>> = {
  ECHILD: 'no waitable clone domains',
  EIO: 'controller unreachable',
  ENODEV: 'not a Gridcentric guest',
  ENOSPC: 'no clone capacity left',
  ESRCH: 'no such clone domain',
};

/**
 * The error every `@sysbind` Gridcentric backend throws for a failure of the guest library or of
 * the controller behind it. Shaped like Node's SystemError: `code`, `errno` (negative), `syscall`
 * (the libgridcentric function, such as `'gc_request_ticket'`); plus `vmid` and `ticket`. The
 * native addon constructs it from C++, so backends agree on one class; test for it with
 * {@link isGridcentricError}, which does not depend on `instanceof`.
 */
export class GridcentricError extends SystemErrorBase {
  /** Always `'GridcentricError'` (what {@link isGridcentricError} checks). */
  override readonly name = 'GridcentricError';
  /** The clone domain concerned. */
  readonly vmid: number | undefined;
  /** The ticket concerned. */
  readonly ticket: number | undefined;

  constructor(message: string, details: GridcentricErrorDetails) {
    super(message, details);
    this.vmid = details.vmid;
    this.ticket = details.ticket;
  }

  /**
   * The error for a libgridcentric function that failed with `errnoValue` (positive, as the
   * library sets errno, or negative as Node reports it).
   */
  static fromErrno(
    errnoValue: number,
    syscall: string,
    extra: { vmid?: number; ticket?: number } = {},
  ): GridcentricError {
    const code = errnoName(errnoValue);
    const where = [
      extra.vmid === undefined ? '' : `vmid ${extra.vmid}`,
      extra.ticket === undefined ? '' : `ticket ${extra.ticket}`,
    ];
    return new GridcentricError(systemErrorMessage(code, syscall, where, meanings), {
      code,
      errno: -Math.abs(errnoValue),
      syscall,
      ...extra,
    });
  }
}

/** True if `value` is a {@link GridcentricError} (by name, so it survives duplicate installs), optionally with `code`. */
export function isGridcentricError(value: unknown, code?: string): value is GridcentricError {
  return isSystemErrorNamed(value, 'GridcentricError', code);
}
