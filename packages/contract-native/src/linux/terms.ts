// The terms of a Linux process contract and the rules ct_tmpl_set_*, ct_pr_tmpl_set_* and
// ct_dev_tmpl_set_* apply to them on a process template (illumos ctmpl_set, then
// ctmpl_process_set): the same values accepted, the same errnos otherwise, the same implicit
// moves from the critical to the informative set. The simulator of @sysbind/testing-fakes is the
// reference these rules are checked against.
import { constants } from 'node:os';
import {
  CT_PR_SVC_DEFAULT,
  ContractError,
  PROCESS_TEMPLATE_DEFAULTS,
  TEMPLATE_TERM_FUNCTIONS,
  applyCritical,
  applyFatal,
  applyInformative,
  applyParam,
  parameterTooLarge,
  type TemplateRuleRefusal,
  type TemplateTerm,
  type TemplateTermValues,
} from '@sysbind/contract-interface';

const { errno } = constants;

/** Terms of a process template, and of the contracts made from it. */
export interface ProcessTerms {
  cookie: bigint;
  critical: number;
  informative: number;
  fatal: number;
  param: number;
  transfer: number;
  /** The service FMRI; undefined until one is set (ct_pr_tmpl_get_svc_fmri then says `inherit:`). */
  svcFmri: string | undefined;
  svcAux: string;
  /** Name of the creating program (status pr_svc_creator). */
  creator: string;
}

/** A new template's terms (process(5) defaults). */
export const DEFAULT_TERMS: Readonly<ProcessTerms> = {
  ...PROCESS_TEMPLATE_DEFAULTS,
  cookie: 0n,
  param: 0,
  transfer: 0,
  svcFmri: undefined,
  svcAux: '',
  creator: 'node',
};

/** What the rules need from the caller's side: its privilege and the contracts it can name. */
export interface TermContext {
  /** Root: PRIV_CONTRACT_EVENT and PRIV_CONTRACT_IDENTITY, as the rules below need them. */
  readonly privileged: boolean;
  /**
   * The errno ctmpl_process_set gives CTPP_SUBSUME for a nonzero `ctid`: ESRCH (no such process
   * contract), EACCES (not held by the caller), ENOTEMPTY (it has members), or 0 when it would
   * be accepted.
   */
  subsumable(ctid: number): number;
}

function fail(code: number, syscall: string): ContractError {
  return ContractError.fromErrno(code, syscall);
}

// The event-set rules and ctparam_copyin's size limit are contract(5)'s, shared with the simulator
// (@sysbind/contract-interface's template-rules.ts); here a refusal is thrown with the function's name.
function apply(refusal: TemplateRuleRefusal, syscall: string): void {
  if (refusal !== undefined) throw fail(errno[refusal], syscall);
}

function checkSize(text: string, syscall: string): void {
  if (parameterTooLarge(text)) throw fail(errno.EINVAL, syscall);
}

// CTPP_SUBSUME (also reached as CTDP_NONEG, the same parameter id): the kernel's checks of the
// contract named, then ENOTSUP for one it would accept, since Linux has no regent contracts.
function setTransfer(terms: ProcessTerms, ctid: number, context: TermContext, syscall: string): void {
  if (ctid !== 0) {
    const refused = context.subsumable(ctid);
    throw fail(refused === 0 ? errno.ENOTSUP : refused, syscall);
  }
  terms.transfer = 0;
}

/** Applies `ct_*_set_<term>` (the function TEMPLATE_TERM_FUNCTIONS names) to a process template's `terms`. */
export function setTerm<Term extends TemplateTerm>(
  terms: ProcessTerms,
  term: Term,
  value: TemplateTermValues[Term],
  context: TermContext,
): void {
  const functions = TEMPLATE_TERM_FUNCTIONS[term];
  const given: unknown = value;
  // noneg is set and cleared by functions of their own.
  const syscall: string = term === 'noneg' && given === false ? TEMPLATE_TERM_FUNCTIONS.noneg.clear : functions.set;
  switch (term) {
    case 'cookie':
      terms.cookie = BigInt.asUintN(64, given as bigint);
      return;
    case 'critical':
      apply(applyCritical(terms, 'process', given as number, context.privileged), syscall);
      return;
    case 'informative':
      apply(applyInformative(terms, 'process', given as number), syscall);
      return;
    case 'fatal':
      apply(applyFatal(terms, given as number, context.privileged), syscall);
      return;
    // CTPP_PARAMS, also reached as CTDP_ACCEPT (the same parameter id).
    case 'param':
    case 'aset':
      apply(applyParam(terms, given as number, context.privileged), syscall);
      return;
    case 'transfer':
      setTransfer(terms, given as number, context, syscall);
      return;
    case 'noneg':
      // CTDP_NONEG_SET is 1, CTDP_NONEG_CLEAR 0.
      setTransfer(terms, given === true ? 1 : 0, context, syscall);
      return;
    case 'svc_fmri': {
      const fmri = given as string;
      checkSize(fmri, syscall);
      if (!context.privileged) throw fail(errno.EPERM, syscall);
      terms.svcFmri = fmri === CT_PR_SVC_DEFAULT ? undefined : fmri;
      return;
    }
    case 'svc_aux':
      checkSize(given as string, syscall);
      terms.svcAux = given as string;
      return;
    default:
      // minor: CTDP_MINOR is CTPP_SVC_CTID's id, which ctmpl_process_set does not accept.
      checkSize(given as string, syscall);
      throw fail(errno.EINVAL, syscall);
  }
}

/** `ct_*_get_<term>` on a process template (the device term ids read their process twins). */
export function getTerm<Term extends TemplateTerm>(terms: ProcessTerms, term: Term): TemplateTermValues[Term] {
  const values: Omit<TemplateTermValues, 'minor'> = {
    cookie: terms.cookie,
    critical: terms.critical,
    informative: terms.informative,
    fatal: terms.fatal,
    param: terms.param,
    transfer: terms.transfer,
    svc_fmri: terms.svcFmri ?? CT_PR_SVC_DEFAULT,
    svc_aux: terms.svcAux,
    aset: terms.param,
    noneg: terms.transfer !== 0,
  };
  if (!Object.hasOwn(values, term)) throw fail(errno.EINVAL, TEMPLATE_TERM_FUNCTIONS[term].get);
  return values[term as keyof typeof values] as TemplateTermValues[Term];
}
