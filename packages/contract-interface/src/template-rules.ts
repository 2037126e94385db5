// What contract(5) rules about templates, whatever implements it: the terms a new template holds,
// and which critical events an unprivileged process may ask for. Every backend that keeps its own
// templates (the simulator, the Linux backend) follows these; on illumos the kernel does.
import {
  CT_DEV_EV_DEGRADED,
  CT_DEV_EV_OFFLINE,
  CT_DEV_EV_ONLINE,
  CT_DEV_ALLEVENT,
  CT_PARAM_MAX_SIZE,
  CT_PR_ALLEVENT,
  CT_PR_ALLFATAL,
  CT_PR_ALLPARAM,
  CT_PR_EV_CORE,
  CT_PR_EV_EMPTY,
  CT_PR_EV_HWERR,
  CT_PR_EV_SIGNAL,
  CT_PR_PGRPONLY,
} from './constants.ts';

/** The event sets of a new process template (process(5)); its other terms are 0 or empty. */
export const PROCESS_TEMPLATE_DEFAULTS = {
  /** pr_empty, pr_hwerr. */
  critical: CT_PR_EV_EMPTY | CT_PR_EV_HWERR,
  /** pr_core, pr_signal. */
  informative: CT_PR_EV_CORE | CT_PR_EV_SIGNAL,
  /** pr_hwerr. */
  fatal: CT_PR_EV_HWERR,
} as const;

/** The event sets and A-set of a new device template (device_contract(5)); noneg is clear, minor unset. */
export const DEVICE_TEMPLATE_DEFAULTS = {
  /** dev_offline. */
  critical: CT_DEV_EV_OFFLINE,
  /** dev_degraded. */
  informative: CT_DEV_EV_DEGRADED,
  /** online, degraded. */
  aset: CT_DEV_EV_ONLINE | CT_DEV_EV_DEGRADED,
} as const;

/**
 * The events of a process template's critical set that need PRIV_CONTRACT_EVENT given its fatal set
 * and parameters (process.c's EXCESS): any but pr_empty that is not also fatal, and under
 * CT_PR_PGRPONLY any but pr_empty at all. 0 when none do.
 */
export function excessCriticalEvents(critical: number, fatal: number, param: number): number {
  const allowed = CT_PR_EV_EMPTY | ((param & CT_PR_PGRPONLY) === 0 ? fatal : 0);
  return critical & ~allowed;
}

/** The event sets and parameters of a template that the rules below read and change. */
export interface TemplateEventSets {
  /** The critical event set (CT_PR_EV_* or CT_DEV_EV_* bits). */
  critical: number;
  /** The informative event set. */
  informative: number;
  /** The fatal event set (process templates). */
  fatal: number;
  /** The process parameters (CT_PR_* bits). */
  param: number;
}

/** A rule's refusal, as the errno name libcontract's function returns; undefined: accepted (and applied). */
export type TemplateRuleRefusal = 'EINVAL' | 'EPERM' | undefined;

function eventsOf(type: 'process' | 'device'): number {
  return type === 'process' ? CT_PR_ALLEVENT : CT_DEV_ALLEVENT;
}

/**
 * ct_tmpl_set_critical (ctmpl_set, then the type's ctop_set): a pure reduction is always allowed;
 * otherwise a process template refuses, without PRIV_CONTRACT_EVENT, a set that is excessive as a
 * whole (not just in what it adds). Device templates accept any device event.
 */
export function applyCritical(
  sets: TemplateEventSets,
  type: 'process' | 'device',
  events: number,
  contractEvent: boolean,
): TemplateRuleRefusal {
  if ((events & ~eventsOf(type)) !== 0 || events < 0) return 'EINVAL';
  const reduction = (events & ~sets.critical) === 0;
  if (!reduction && type === 'process' && !contractEvent && excessCriticalEvents(events, sets.fatal, sets.param) !== 0)
    return 'EPERM';
  sets.critical = events;
  return undefined;
}

/** ct_tmpl_set_informative: any event of the type. */
export function applyInformative(
  sets: TemplateEventSets,
  type: 'process' | 'device',
  events: number,
): TemplateRuleRefusal {
  if ((events & ~eventsOf(type)) !== 0 || events < 0) return 'EINVAL';
  sets.informative = events;
  return undefined;
}

/**
 * ct_pr_tmpl_set_fatal (ctmpl_process_set, CTPP_EV_FATAL). When the critical set has become
 * excessive for an unprivileged caller, the kernel means to keep pr_empty and the fatal events
 * critical, but its expression `SAFE_EV | (params & CT_PR_PGRPONLY) ? 0 : fatal` parses as
 * `(SAFE_EV | …) ? 0 : fatal`, which is always 0: every critical event, pr_empty included, moves
 * to the informative set. Backends do what the kernel does.
 */
export function applyFatal(sets: TemplateEventSets, events: number, contractEvent: boolean): TemplateRuleRefusal {
  if ((events & ~CT_PR_ALLFATAL) !== 0 || events < 0) return 'EINVAL';
  sets.fatal = events;
  if (!contractEvent && excessCriticalEvents(sets.critical, sets.fatal, sets.param) !== 0) {
    sets.informative |= sets.critical;
    sets.critical = 0;
  }
  return undefined;
}

/**
 * ct_pr_tmpl_set_param (ctmpl_process_set, CTPP_PARAMS): only setting PGRPONLY, on a critical set
 * that is then excessive, moves every critical event but pr_empty to the informative set.
 */
export function applyParam(sets: TemplateEventSets, params: number, contractEvent: boolean): TemplateRuleRefusal {
  if ((params & ~CT_PR_ALLPARAM) !== 0 || params < 0) return 'EINVAL';
  sets.param = params;
  if (
    (params & CT_PR_PGRPONLY) !== 0 &&
    !contractEvent &&
    excessCriticalEvents(sets.critical, sets.fatal, sets.param) !== 0
  ) {
    sets.informative |= sets.critical & ~CT_PR_EV_EMPTY;
    sets.critical &= CT_PR_EV_EMPTY;
  }
  return undefined;
}

/**
 * ctparam_copyin: a parameter of more than CT_PARAM_MAX_SIZE bytes is EINVAL before any contract
 * type sees it. libcontract passes a string as its UTF-8 bytes and the terminating NUL, so the
 * limit counts bytes, not UTF-16 code units.
 */
export function parameterTooLarge(text: string): boolean {
  return new TextEncoder().encode(text).length + 1 > CT_PARAM_MAX_SIZE;
}
