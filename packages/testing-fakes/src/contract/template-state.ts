import {
  CT_DEV_ALLEVENT,
  CT_PR_SVC_DEFAULT,
  DEVICE_TEMPLATE_DEFAULTS,
  PROCESS_TEMPLATE_DEFAULTS,
  applyCritical,
  applyFatal,
  applyInformative,
  applyParam,
  parameterTooLarge,
  type ContractType,
  type TemplateRuleRefusal,
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

// The event-set rules are contract(5)'s, shared with every backend that keeps its own templates
// (@sysbind/contract-interface's template-rules.ts); here they answer as libcontract does, an errno.
function errnoOf(refusal: TemplateRuleRefusal): number {
  return refusal === undefined ? 0 : Errno[refusal];
}

/** ct_tmpl_set_critical (see applyCritical). */
export function setCritical(template: TemplateState, events: number, caller: TemplateCaller): number {
  return errnoOf(applyCritical(template, template.type, events, caller.contractEvent));
}

/** ct_tmpl_set_informative. */
export function setInformative(template: TemplateState, events: number): number {
  return errnoOf(applyInformative(template, template.type, events));
}

/** ct_pr_tmpl_set_fatal (see applyFatal: the kernel's operator-precedence quirk included). */
export function setFatal(template: TemplateState, events: number, caller: TemplateCaller): number {
  if (template.type !== 'process') return Errno.EINVAL;
  return errnoOf(applyFatal(template, events, caller.contractEvent));
}

/** ct_pr_tmpl_set_param (see applyParam). */
export function setParam(template: TemplateState, params: number, caller: TemplateCaller): number {
  if (template.type !== 'process') return Errno.EINVAL;
  return errnoOf(applyParam(template, params, caller.contractEvent));
}

export { parameterTooLarge };

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
