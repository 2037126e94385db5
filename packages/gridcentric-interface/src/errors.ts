import { getSystemErrorName } from 'node:util';
import { constants } from 'node:os';

/** Fields of a {@link GridcentricError} besides its message. */
export interface GridcentricErrorDetails {
  /** Stable identifier: an errno name (`'ESRCH'`) or a library code (`'ERR_UNSUPPORTED_PLATFORM'`). */
  readonly code: string;
  /** Negative errno, as in Node's SystemError; absent for library-level codes. */
  readonly errno?: number;
  /** The libcontract function or system call that failed (`'ct_ctl_ack'`, `'open'`). */
  readonly syscall?: string;
  /** The clone domain concerned, when there is one. */
  readonly vmid?: number;
  /** The ticket concerned, when there is one. */
  readonly ticket?: number;
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
}

/**
 * The error every `@sysbind` Gridcentric backend throws for a failure of the system or of the library.
 * Shaped like Node's SystemError: `code`, `errno` (negative), `syscall`; plus `vmid` and `ticket`.
 * The native addon constructs it from C++, so backends agree on one class; test for it with
 * {@link isGridcentricError}, which does not depend on `instanceof`.
 */
export class GridcentricError extends Error {
  override readonly name = 'GridcentricError';
  readonly code: string;
  readonly errno: number | undefined;
  readonly syscall: string | undefined;
  readonly vmid: number | undefined;
  readonly ticket: number | undefined;

  constructor(message: string, details: GridcentricErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.errno = details.errno;
    this.syscall = details.syscall;
    this.vmid = details.vmid;
    this.ticket = details.ticket;
  }

  /**
   * The error for a system call or libcontract function that failed with `errnoValue` (positive,
   * as libcontract returns it, or negative as Node reports it).
   */
  static fromErrno(
    errnoValue: number,
    syscall: string,
    extra: { vmid?: number; ticket?: number } = {},
  ): GridcentricError {
    const errno = -Math.abs(errnoValue);
    const code = errnoName(errno);
    const where = [
      syscall,
      extra.vmid === undefined ? '' : `vmid ${extra.vmid}`,
      extra.ticket === undefined ? '' : `ticket ${extra.ticket}`,
    ]
      .filter((part) => part !== '')
      .join(', ');
    return new GridcentricError(`${code}: ${describeErrno(code)}, ${where}`, { code, errno, syscall, ...extra });
  }
}

/** True if `value` is a {@link GridcentricError} (by name, so it survives duplicate installs), optionally with `code`. */
export function isGridcentricError(value: unknown, code?: string): value is GridcentricError {
  if (!(value instanceof Error) || value.name !== 'GridcentricError') return false;
  const actual = (value as Error & { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

// libuv names only the errnos it maps itself (it has no ECHILD or EIDRM), so fall back to the
// platform's errno table before giving up.
const platformErrnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [-value, name]),
);

function errnoName(errno: number): string {
  let name: string | undefined;
  try {
    name = getSystemErrorName(errno);
  } catch {
    name = undefined;
  }
  if (name !== undefined && !name.startsWith('Unknown system error')) return name;
  return platformErrnoNames.get(errno) ?? `Unknown system error ${errno}`;
}

const descriptions: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EAGAIN: 'resource temporarily unavailable',
  EBUSY: 'resource busy',
  EINVAL: 'invalid argument',
  EIDRM: 'identifier removed',
  ENOENT: 'no such file or directory',
  ECHILD: 'no waitable clone domains',
  ENODEV: 'not a Gridcentric guest',
  EIO: 'controller unreachable',
  ENOSPC: 'no clone capacity left',
  ENOTSUP: 'operation not supported',
  EPERM: 'operation not permitted',
  ERANGE: 'result out of range',
  ESRCH: 'no such process',
  ETIMEDOUT: 'timed out',
  EBADF: 'bad file descriptor',
  EMFILE: 'too many open files',
};

function describeErrno(code: string): string {
  return descriptions[code] ?? (code in constants.errno ? code.toLowerCase() : 'system error');
}
