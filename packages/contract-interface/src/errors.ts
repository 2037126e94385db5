import { getSystemErrorName } from 'node:util';
import { constants } from 'node:os';

/** Fields of a {@link ContractError} besides its message. */
export interface ContractErrorDetails {
  /** Stable identifier: an errno name (`'ESRCH'`) or a library code (`'ERR_UNSUPPORTED_PLATFORM'`). */
  readonly code: string;
  /** Negative errno, as in Node's SystemError; absent for library-level codes. */
  readonly errno?: number;
  /** The libcontract function or system call that failed (`'ct_ctl_ack'`, `'open'`). */
  readonly syscall?: string;
  /** The contract concerned, when there is one. */
  readonly ctid?: number;
  /** The ctfs path concerned, when there is one. */
  readonly path?: string;
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
}

/**
 * The error every `@sysbind` contract backend throws for a failure of the system or of the library.
 * Shaped like Node's SystemError: `code`, `errno` (negative), `syscall`; plus `ctid` and `path`.
 * The native addon constructs it from C++, so backends agree on one class; test for it with
 * {@link isContractError}, which does not depend on `instanceof`.
 */
export class ContractError extends Error {
  /** Always `'ContractError'` (what {@link isContractError} checks). */
  override readonly name = 'ContractError';
  /** Stable identifier: an errno name or a library code. */
  readonly code: string;
  /** Negative errno, as in Node's SystemError; undefined for library codes. */
  readonly errno: number | undefined;
  /** The function or system call that failed. */
  readonly syscall: string | undefined;
  /** The contract concerned. */
  readonly ctid: number | undefined;
  /** The ctfs path concerned. */
  readonly path: string | undefined;

  constructor(message: string, details: ContractErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.errno = details.errno;
    this.syscall = details.syscall;
    this.ctid = details.ctid;
    this.path = details.path;
  }

  /**
   * The error for a system call or libcontract function that failed with `errnoValue` (positive,
   * as libcontract returns it, or negative as Node reports it).
   */
  static fromErrno(errnoValue: number, syscall: string, extra: { ctid?: number; path?: string } = {}): ContractError {
    const errno = -Math.abs(errnoValue);
    const code = errnoName(errno);
    const where = [syscall, extra.ctid === undefined ? '' : `ctid ${extra.ctid}`, extra.path ?? '']
      .filter((part) => part !== '')
      .join(', ');
    return new ContractError(`${code}: ${describeErrno(code)}, ${where}`, { code, errno, syscall, ...extra });
  }
}

/** True if `value` is a {@link ContractError} (by name, so it survives duplicate installs), optionally with `code`. */
export function isContractError(value: unknown, code?: string): value is ContractError {
  if (!(value instanceof Error) || value.name !== 'ContractError') return false;
  const actual = (value as Error & { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

// libuv's name table lacks some errnos contract(5) uses (EIDRM, ENOTSUP on some systems), so the
// host's <errno.h> table from os.constants is consulted when libuv does not know a value.
const hostErrnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [-value, name]));

function errnoName(errno: number): string {
  let name: string | undefined;
  try {
    name = getSystemErrorName(errno);
  } catch {
    name = undefined;
  }
  if (name === undefined || name.startsWith('Unknown system error')) name = hostErrnoNames.get(errno);
  return name ?? `Unknown system error ${errno}`;
}

const descriptions: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EAGAIN: 'resource temporarily unavailable',
  EBUSY: 'resource busy',
  EINVAL: 'invalid argument',
  EIDRM: 'identifier removed',
  ENOENT: 'no such file or directory',
  ENOTEMPTY: 'contract not empty',
  ENOTSUP: 'operation not supported',
  EPERM: 'operation not permitted',
  ERANGE: 'result out of range',
  ESRCH: 'no such process or event',
  ETIMEDOUT: 'timed out',
  EBADF: 'bad file descriptor',
  EMFILE: 'too many open files',
};

function describeErrno(code: string): string {
  return descriptions[code] ?? (code in constants.errno ? code.toLowerCase() : 'system error');
}
