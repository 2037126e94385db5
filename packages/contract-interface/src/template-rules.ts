// What contract(5) rules about templates, whatever implements it: the terms a new template holds,
// and which critical events an unprivileged process may ask for. Every backend that keeps its own
// templates (the simulator, the Linux backend) follows these; on illumos the kernel does.
import {
  CT_DEV_EV_DEGRADED,
  CT_DEV_EV_OFFLINE,
  CT_DEV_EV_ONLINE,
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
