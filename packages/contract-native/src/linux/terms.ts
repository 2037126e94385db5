// The terms of a Linux process contract and the rules ct_tmpl_set_* and ct_pr_tmpl_set_* apply
// to them (illumos ctmpl_process_set): the same values accepted, the same errnos otherwise.
import { constants } from 'node:os';
import {
  CT_PR_ALLEVENT,
  CT_PR_ALLFATAL,
  CT_PR_ALLPARAM,
  CT_PR_SVC_DEFAULT,
  ContractError,
  PROCESS_TEMPLATE_DEFAULTS,
  excessCriticalEvents,
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
  svcFmri: string;
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
  svcFmri: '',
  svcAux: '',
  creator: 'node',
};

function invalid(syscall: string): ContractError {
  return ContractError.fromErrno(errno.EINVAL, syscall);
}

// Critical events beyond EMPTY need privilege unless they are also fatal and PGRPONLY is unset.
function excessiveCritical(terms: ProcessTerms, critical: number): number {
  return excessCriticalEvents(critical, terms.fatal, terms.param);
}

/** Applies `ct_*_set_<term>` to `terms` (privileged: the caller is root). */
export function setTerm<Term extends TemplateTerm>(
  terms: ProcessTerms,
  term: Term,
  value: TemplateTermValues[Term],
  privileged: boolean,
): void {
  const syscall =
    term === 'cookie' || term === 'critical' || term === 'informative'
      ? `ct_tmpl_set_${term}`
      : `ct_pr_tmpl_set_${term}`;
  const given: unknown = value;
  switch (term) {
    case 'cookie':
      terms.cookie = given as bigint;
      return;
    case 'critical': {
      const bits = given as number;
      if ((bits & ~CT_PR_ALLEVENT) !== 0) throw invalid(syscall);
      if (!privileged && excessiveCritical(terms, bits) !== 0) throw ContractError.fromErrno(errno.EPERM, syscall);
      terms.critical = bits;
      return;
    }
    case 'informative': {
      const bits = given as number;
      if ((bits & ~CT_PR_ALLEVENT) !== 0) throw invalid(syscall);
      terms.informative = bits;
      return;
    }
    case 'fatal':
    case 'param': {
      const bits = given as number;
      if ((bits & ~(term === 'fatal' ? CT_PR_ALLFATAL : CT_PR_ALLPARAM)) !== 0) throw invalid(syscall);
      if (term === 'fatal') terms.fatal = bits;
      else terms.param = bits;
      // Made excessive by this change: moved from critical to informative, silently.
      if (!privileged) {
        const excess = excessiveCritical(terms, terms.critical);
        terms.critical &= ~excess;
        terms.informative |= excess;
      }
      return;
    }
    case 'transfer':
      // Regent contracts (subsumed inheritance) have no Linux counterpart.
      if ((given as number) !== 0) throw ContractError.fromErrno(errno.ENOTSUP, syscall);
      terms.transfer = 0;
      return;
    case 'svc_fmri': {
      const fmri = given as string;
      if (!privileged) throw ContractError.fromErrno(errno.EPERM, syscall);
      terms.svcFmri = fmri === CT_PR_SVC_DEFAULT ? '' : fmri;
      return;
    }
    case 'svc_aux':
      terms.svcAux = given as string;
      return;
    case 'aset':
      // Template parameter ids overlap across types (CTDP_ACCEPT = CTPP_PARAMS = 1): on a process
      // template ctmpl_process_set takes an A-set as the parameter set.
      setTerm(terms, 'param', given as number, privileged);
      return;
    default:
      // minor, noneg: device terms on a process template.
      throw invalid(syscall);
  }
}

/** `ct_*_get_<term>`. */
export function getTerm<Term extends TemplateTerm>(terms: ProcessTerms, term: Term): TemplateTermValues[Term] {
  const values: Partial<TemplateTermValues> = {
    cookie: terms.cookie,
    critical: terms.critical,
    informative: terms.informative,
    fatal: terms.fatal,
    param: terms.param,
    transfer: terms.transfer,
    svc_fmri: terms.svcFmri === '' ? CT_PR_SVC_DEFAULT : terms.svcFmri,
    svc_aux: terms.svcAux,
  };
  if (!(term in values)) throw invalid(`ct_tmpl_get_${term}`);
  return values[term] as TemplateTermValues[Term];
}
