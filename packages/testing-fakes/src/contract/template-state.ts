import {
  CT_DEV_ALLEVENT,
  CT_DEV_EV_DEGRADED,
  CT_DEV_EV_OFFLINE,
  CT_DEV_EV_ONLINE,
  CT_PARAM_MAX_SIZE,
  CT_PR_ALLEVENT,
  CT_PR_ALLFATAL,
  CT_PR_ALLPARAM,
  CT_PR_EV_CORE,
  CT_PR_EV_EMPTY,
  CT_PR_EV_HWERR,
  CT_PR_EV_SIGNAL,
  CT_PR_PGRPONLY,
  CT_PR_SVC_DEFAULT,
  type ContractType,
} from '@sysbind/contract-interface';
import { Errno } from './errno.ts';

/** The terms of a template, as the kernel keeps them. */
export interface TemplateState {
  readonly type: ContractType;
  cookie: bigint;
  critical: number;
  informative: number;
  transfer: number;
  fatal: number;
  param: number;
  /** undefined: inherit the FMRI from the creator. */
  svcFmri: string | undefined;
  svcAux: string;
  aset: number;
  minor: string | undefined;
  noneg: boolean;
}

/** A fresh template with the type's defaults (contract(5), process(5), device_contract(5)). */
export function defaultTemplate(type: ContractType): TemplateState {
  return type === 'process'
    ? {
        type,
        cookie: 0n,
        critical: CT_PR_EV_EMPTY | CT_PR_EV_HWERR,
        informative: CT_PR_EV_CORE | CT_PR_EV_SIGNAL,
        transfer: 0,
        fatal: CT_PR_EV_HWERR,
        param: 0,
        svcFmri: undefined,
        svcAux: '',
        aset: 0,
        minor: undefined,
        noneg: false,
      }
    : {
        type,
        cookie: 0n,
        critical: CT_DEV_EV_OFFLINE,
        informative: CT_DEV_EV_DEGRADED,
        transfer: 0,
        fatal: 0,
        param: 0,
        svcFmri: undefined,
        svcAux: '',
        aset: CT_DEV_EV_ONLINE | CT_DEV_EV_DEGRADED,
        minor: undefined,
        noneg: false,
      };
}

/** A copy (activation copies the template; later edits to the fd do not affect it). */
export function copyTemplate(template: TemplateState): TemplateState {
  return { ...template };
}

/** Privilege-dependent answers the rules below need from the caller. */
export interface TemplateCaller {
  readonly contractEvent: boolean;
}

function allEventsOf(type: ContractType): number {
  return type === 'process' ? CT_PR_ALLEVENT : CT_DEV_ALLEVENT;
}

/**
 * Critical events an unprivileged process may not have given `fatal` and `param`: anything but
 * EMPTY that is not also fatal, or anything but EMPTY under PGRPONLY.
 */
function excessiveCritical(critical: number, fatal: number, param: number): number {
  const allowed = CT_PR_EV_EMPTY | ((param & CT_PR_PGRPONLY) !== 0 ? 0 : fatal);
  return critical & ~allowed;
}

/** ct_tmpl_set_critical. */
export function setCritical(template: TemplateState, events: number, caller: TemplateCaller): number {
  if ((events & ~allEventsOf(template.type)) !== 0 || events < 0) return Errno.EINVAL;
  if (template.type === 'process' && !caller.contractEvent) {
    const added = events & ~template.critical;
    if (excessiveCritical(added, template.fatal, template.param) !== 0) return Errno.EPERM;
  }
  template.critical = events;
  return 0;
}

/** ct_tmpl_set_informative. */
export function setInformative(template: TemplateState, events: number): number {
  if ((events & ~allEventsOf(template.type)) !== 0 || events < 0) return Errno.EINVAL;
  template.informative = events;
  return 0;
}

/** Moves critical events an unprivileged caller may no longer have to the informative set. */
function demoteExcessive(template: TemplateState, caller: TemplateCaller): void {
  if (caller.contractEvent) return;
  const excess = excessiveCritical(template.critical, template.fatal, template.param);
  template.critical &= ~excess;
  template.informative |= excess;
}

/** ct_pr_tmpl_set_fatal. */
export function setFatal(template: TemplateState, events: number, caller: TemplateCaller): number {
  if (template.type !== 'process' || (events & ~CT_PR_ALLFATAL) !== 0 || events < 0) return Errno.EINVAL;
  template.fatal = events;
  demoteExcessive(template, caller);
  return 0;
}

/** ct_pr_tmpl_set_param. */
export function setParam(template: TemplateState, params: number, caller: TemplateCaller): number {
  if (template.type !== 'process' || (params & ~CT_PR_ALLPARAM) !== 0 || params < 0) return Errno.EINVAL;
  template.param = params;
  demoteExcessive(template, caller);
  return 0;
}

/** ct_pr_tmpl_set_svc_fmri (privilege is checked by the caller). */
export function setSvcFmri(template: TemplateState, fmri: string): number {
  if (template.type !== 'process' || fmri.length + 1 > CT_PARAM_MAX_SIZE) return Errno.EINVAL;
  template.svcFmri = fmri === CT_PR_SVC_DEFAULT ? undefined : fmri;
  return 0;
}

/** ct_pr_tmpl_set_svc_aux. */
export function setSvcAux(template: TemplateState, aux: string): number {
  if (template.type !== 'process' || aux.length + 1 > CT_PARAM_MAX_SIZE) return Errno.EINVAL;
  template.svcAux = aux;
  return 0;
}

/** ct_dev_tmpl_set_aset. */
export function setAset(template: TemplateState, aset: number): number {
  if (template.type !== 'device' || aset <= 0 || (aset & ~CT_DEV_ALLEVENT) !== 0 || aset === CT_DEV_ALLEVENT) {
    return Errno.EINVAL;
  }
  template.aset = aset;
  return 0;
}

/** The form check of ct_dev_tmpl_set_minor (EINVAL); resolution (ERANGE) is the caller's. */
export function minorIsWellFormed(minor: string): boolean {
  return minor.startsWith('/') && minor.includes(':') && !minor.includes('../devices/');
}
