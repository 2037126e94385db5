import {
  CT_DEV_ALLEVENT,
  CT_PARAM_MAX_SIZE,
  CT_PR_ALLEVENT,
  CT_PR_ALLFATAL,
  CT_PR_ALLPARAM,
  CT_PR_EV_EMPTY,
  CT_PR_PGRPONLY,
  CT_PR_SVC_DEFAULT,
  DEVICE_TEMPLATE_DEFAULTS,
  PROCESS_TEMPLATE_DEFAULTS,
  excessCriticalEvents,
  type ContractType,
  type TemplateTermValues,
} from '@sysbind/contract-interface';
import { Errno } from './errno.ts';

/** The terms of a template, as the kernel keeps them. */
export interface TemplateState extends Pick<
  TemplateTermValues,
  'cookie' | 'critical' | 'informative' | 'transfer' | 'fatal' | 'param' | 'aset' | 'noneg'
> {
  readonly type: ContractType;
  /** undefined: inherit the FMRI from the creator. */
  svcFmri: string | undefined;
  svcAux: string;
  minor: string | undefined;
}

/** A fresh template with the type's defaults (contract(5), process(5), device_contract(5)). */
export function defaultTemplate(type: ContractType): TemplateState {
  return type === 'process'
    ? {
        type,
        ...PROCESS_TEMPLATE_DEFAULTS,
        cookie: 0n,
        transfer: 0,
        param: 0,
        svcFmri: undefined,
        svcAux: '',
        aset: 0,
        minor: undefined,
        noneg: false,
      }
    : {
        type,
        ...DEVICE_TEMPLATE_DEFAULTS,
        cookie: 0n,
        transfer: 0,
        fatal: 0,
        param: 0,
        svcFmri: undefined,
        svcAux: '',
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
 * Whether an unprivileged caller may not have `critical` given the template's fatal set and
 * parameters (process.c's EXCESS): an event other than EMPTY that is not also fatal, or any event
 * other than EMPTY under PGRPONLY.
 */
function excessive(template: TemplateState, critical: number): boolean {
  return excessCriticalEvents(critical, template.fatal, template.param) !== 0;
}

/**
 * ct_tmpl_set_critical (ctmpl_set, then the type's ctop_set): a pure reduction is always allowed;
 * otherwise a process template refuses, without PRIV_CONTRACT_EVENT, a set that is excessive as a
 * whole (not just in what it adds). Device templates accept any device event.
 */
export function setCritical(template: TemplateState, events: number, caller: TemplateCaller): number {
  if ((events & ~allEventsOf(template.type)) !== 0 || events < 0) return Errno.EINVAL;
  const reduction = (events & ~template.critical) === 0;
  if (!reduction && template.type === 'process' && !caller.contractEvent && excessive(template, events)) {
    return Errno.EPERM;
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

/**
 * ct_pr_tmpl_set_fatal (ctmpl_process_set, CTPP_EV_FATAL). When the critical set has become
 * excessive for an unprivileged caller, the kernel means to keep EMPTY and the fatal events
 * critical, but its expression `SAFE_EV | (params & CT_PR_PGRPONLY) ? 0 : fatal` parses as
 * `(SAFE_EV | …) ? 0 : fatal`, which is always 0: every critical event, EMPTY included, moves to
 * the informative set. The simulator does what the kernel does.
 */
export function setFatal(template: TemplateState, events: number, caller: TemplateCaller): number {
  if (template.type !== 'process' || (events & ~CT_PR_ALLFATAL) !== 0 || events < 0) return Errno.EINVAL;
  template.fatal = events;
  if (!caller.contractEvent && excessive(template, template.critical)) {
    template.informative |= template.critical;
    template.critical = 0;
  }
  return 0;
}

/**
 * ct_pr_tmpl_set_param (ctmpl_process_set, CTPP_PARAMS): only setting PGRPONLY, on a critical
 * set that is then excessive, moves every critical event but EMPTY to the informative set.
 */
export function setParam(template: TemplateState, params: number, caller: TemplateCaller): number {
  if (template.type !== 'process' || (params & ~CT_PR_ALLPARAM) !== 0 || params < 0) return Errno.EINVAL;
  template.param = params;
  if ((params & CT_PR_PGRPONLY) !== 0 && !caller.contractEvent && excessive(template, template.critical)) {
    template.informative |= template.critical & ~CT_PR_EV_EMPTY;
    template.critical &= CT_PR_EV_EMPTY;
  }
  return 0;
}

/**
 * ctparam_copyin: a parameter of more than CT_PARAM_MAX_SIZE bytes is EINVAL before any contract
 * type sees it. libcontract passes a string as its UTF-8 bytes and the terminating NUL, so the
 * limit counts bytes, not UTF-16 code units.
 */
export function parameterTooLarge(text: string): boolean {
  return new TextEncoder().encode(text).length + 1 > CT_PARAM_MAX_SIZE;
}

/** ct_pr_tmpl_set_svc_fmri (privilege is checked by the caller, after parameterTooLarge). */
export function setSvcFmri(template: TemplateState, fmri: string): number {
  if (template.type !== 'process' || parameterTooLarge(fmri)) return Errno.EINVAL;
  template.svcFmri = fmri === CT_PR_SVC_DEFAULT ? undefined : fmri;
  return 0;
}

/** ct_pr_tmpl_set_svc_aux. */
export function setSvcAux(template: TemplateState, aux: string): number {
  if (template.type !== 'process' || parameterTooLarge(aux)) return Errno.EINVAL;
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

/**
 * ct_dev_tmpl_set_noneg / ct_dev_tmpl_clear_noneg (ctmpl_device_set, CTDP_NONEG): the value must
 * be CTDP_NONEG_SET (1) or CTDP_NONEG_CLEAR (0); setting needs PRIV_SYS_DEVICES.
 */
export function setNoneg(template: TemplateState, value: number, caller: { readonly sysDevices: boolean }): number {
  if (template.type !== 'device' || (value !== 0 && value !== 1)) return Errno.EINVAL;
  if (value === 1 && !caller.sysDevices) return Errno.EPERM;
  template.noneg = value === 1;
  return 0;
}

/**
 * The form check of ct_dev_tmpl_set_minor (ctmpl_device_set, CTDP_MINOR: EINVAL); resolution
 * (ERANGE) is the caller's. The path is relative to /devices, so one that starts with /devices/
 * itself is refused too.
 */
export function minorIsWellFormed(minor: string): boolean {
  return (
    minor.startsWith('/') && !minor.startsWith('/devices/') && minor.includes(':') && !minor.includes('../devices/')
  );
}
