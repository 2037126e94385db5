import { SystemErrorBase, errnoError, isSystemErrorNamed, type SystemErrorDetails } from '@sysbind/core';

/** Fields of a {@link ContractError} besides its message. */
export interface ContractErrorDetails extends SystemErrorDetails {
  /** The contract concerned, when there is one. */
  readonly ctid?: number;
  /** The ctfs path concerned, when there is one. */
  readonly path?: string;
}

// What an errno means when libcontract or ctfs returns it.
const meanings: Readonly<Record<string, string>> = {
  ENOTEMPTY: 'contract not empty',
  ESRCH: 'no such process or event',
};

/**
 * The error every `@sysbind` contract backend throws for a failure of the system or of the library.
 * Shaped like Node's SystemError: `code`, `errno` (negative), `syscall`; plus `ctid` and `path`.
 * The native addon constructs it from C++, so backends agree on one class; test for it with
 * {@link isContractError}, which does not depend on `instanceof`.
 */
export class ContractError extends SystemErrorBase<ContractErrorDetails> {
  /** Always `'ContractError'` (what {@link isContractError} checks). */
  override readonly name = 'ContractError';
  /** The contract concerned. */
  readonly ctid = this.details.ctid;
  /** The ctfs path concerned. */
  readonly path = this.details.path;

  /**
   * The error for a system call or libcontract function that failed with `errnoValue` (positive,
   * as libcontract returns it, or negative as Node reports it).
   */
  static fromErrno(errnoValue: number, syscall: string, extra: { ctid?: number; path?: string } = {}): ContractError {
    const where = [extra.ctid === undefined ? '' : `ctid ${extra.ctid}`, extra.path ?? ''];
    return errnoError(ContractError, errnoValue, syscall, extra, where, meanings);
  }
}

/** True if `value` is a {@link ContractError} (by name, so it survives duplicate installs), optionally with `code`. */
export function isContractError(value: unknown, code?: string): value is ContractError {
  return isSystemErrorNamed(value, 'ContractError', code);
}
