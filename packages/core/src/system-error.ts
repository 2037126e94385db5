import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';

/** Fields every `@sysbind` system error has besides its message. */
export interface SystemErrorDetails {
  /** Stable identifier: an errno name (`'ESRCH'`) or a library code (`'ERR_UNSUPPORTED_PLATFORM'`). */
  readonly code: string;
  /** Negative errno, as in Node's SystemError; absent for library-level codes. */
  readonly errno?: number;
  /** The library function or system call that failed. */
  readonly syscall?: string;
  /** The underlying error, if this one wraps another. */
  readonly cause?: unknown;
}

/**
 * The base of each subsystem's error class (`ContractError`, `GridcentricError`): shaped like
 * Node's SystemError, with `code`, `errno` (negative) and `syscall`. Subclasses add what locates
 * the failure in their system (`Details` declares it; each field takes its value from
 * {@link SystemErrorBase.details}) and a `name` that {@link isSystemErrorNamed} recognises without
 * `instanceof`, so errors survive duplicate installs and realms.
 */
export abstract class SystemErrorBase<Details extends SystemErrorDetails = SystemErrorDetails> extends Error {
  /** Stable identifier: an errno name or a library code. */
  readonly code: string;
  /** Negative errno, as in Node's SystemError; undefined for library codes. */
  readonly errno: number | undefined;
  /** The function or system call that failed. */
  readonly syscall: string | undefined;
  readonly #details: Details;

  constructor(message: string, details: Details) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.#details = details;
    this.code = details.code;
    this.errno = details.errno;
    this.syscall = details.syscall;
  }

  /** What the error was made with: a subclass's fields read theirs from it (`readonly ctid = this.details.ctid`). */
  protected get details(): Details {
    return this.#details;
  }
}

/** True if `value` is an Error named `name` with a string `code` (equal to `code` when given). */
export function isSystemErrorNamed(value: unknown, name: string, code?: string): boolean {
  if (!(value instanceof Error) || value.name !== name) return false;
  const actual = (value as Error & { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}

// libuv names only the errnos it maps itself (it has no ECHILD or EIDRM on every platform), so the
// host's <errno.h> table from os.constants is consulted when libuv does not know a value.
const hostErrnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [-value, name]));

/** The errno name of `errnoValue` (positive as C returns it, or negative as Node reports it). */
export function errnoName(errnoValue: number): string {
  const errno = -Math.abs(errnoValue);
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
  EBADF: 'bad file descriptor',
  EBUSY: 'resource busy',
  EIDRM: 'identifier removed',
  EINVAL: 'invalid argument',
  EMFILE: 'too many open files',
  ENOENT: 'no such file or directory',
  ENOTSUP: 'operation not supported',
  EPERM: 'operation not permitted',
  ERANGE: 'result out of range',
  ETIMEDOUT: 'timed out',
};

/**
 * The message of a failed call: `ESRCH: no such process, ct_ctl_ack, ctid 4`. `meanings` gives the
 * subsystem's own reading of an errno (`ECHILD` → 'no waitable clone domains'); `where` names what
 * the call concerned.
 */
export function systemErrorMessage(
  code: string,
  syscall: string,
  where: readonly string[],
  meanings: Readonly<Record<string, string>> = {},
): string {
  const meaning =
    meanings[code] ?? descriptions[code] ?? (code in constants.errno ? code.toLowerCase() : 'system error');
  return `${code}: ${meaning}, ${[syscall, ...where].filter((part) => part !== '').join(', ')}`;
}

/**
 * The error of a call that failed with `errnoValue` (positive as C returns it, or negative as Node
 * reports it): an `ErrorClass` with the errno's name as `code`, the negative errno, `syscall`, the
 * fields of `extra` (what locates the failure, described in the message by `where`) and the
 * message of {@link systemErrorMessage}.
 */
export function errnoError<Located extends Error, Extra extends object>(
  ErrorClass: new (message: string, details: SystemErrorDetails & Extra) => Located,
  errnoValue: number,
  syscall: string,
  extra: Extra,
  where: readonly string[],
  meanings: Readonly<Record<string, string>> = {},
): Located {
  const code = errnoName(errnoValue);
  return new ErrorClass(systemErrorMessage(code, syscall, where, meanings), {
    code,
    errno: -Math.abs(errnoValue),
    syscall,
    ...extra,
  });
}
