import type { TemplateTerm } from './backend.ts';
import type { SimulatedLibcontract } from './simulated-libcontract.ts';

/** A libcontract function that takes a template fd. */
export type TemplateFunctionName = Extract<keyof SimulatedLibcontract, `ct_${string}tmpl_${string}`>;

/** The libcontract functions that set, read and (for noneg) clear one template term. */
export interface TemplateTermFunctions {
  /** `ct_*_set_*`: sets the term (for noneg, sets the flag). */
  readonly set: TemplateFunctionName;
  /** `ct_*_get_*`: reads the term back. */
  readonly get: TemplateFunctionName;
  /** `ct_dev_tmpl_clear_noneg`: the one term cleared by a function of its own. */
  readonly clear?: TemplateFunctionName;
  /** The JavaScript type of the term's value (as TemplateTermValues has it). */
  readonly kind: 'number' | 'bigint' | 'string' | 'boolean';
}

/**
 * Which libcontract function sets and reads each template term: the one table every adapter
 * (the simulator's backend over the C-level API, the addon backend over the binding, whose methods
 * carry these names) is driven by, so that a term is added in one place.
 */
export const TEMPLATE_TERM_FUNCTIONS = {
  cookie: { kind: 'bigint', set: 'ct_tmpl_set_cookie', get: 'ct_tmpl_get_cookie' },
  critical: { kind: 'number', set: 'ct_tmpl_set_critical', get: 'ct_tmpl_get_critical' },
  informative: { kind: 'number', set: 'ct_tmpl_set_informative', get: 'ct_tmpl_get_informative' },
  transfer: { kind: 'number', set: 'ct_pr_tmpl_set_transfer', get: 'ct_pr_tmpl_get_transfer' },
  fatal: { kind: 'number', set: 'ct_pr_tmpl_set_fatal', get: 'ct_pr_tmpl_get_fatal' },
  param: { kind: 'number', set: 'ct_pr_tmpl_set_param', get: 'ct_pr_tmpl_get_param' },
  svc_fmri: { kind: 'string', set: 'ct_pr_tmpl_set_svc_fmri', get: 'ct_pr_tmpl_get_svc_fmri' },
  svc_aux: { kind: 'string', set: 'ct_pr_tmpl_set_svc_aux', get: 'ct_pr_tmpl_get_svc_aux' },
  aset: { kind: 'number', set: 'ct_dev_tmpl_set_aset', get: 'ct_dev_tmpl_get_aset' },
  minor: { kind: 'string', set: 'ct_dev_tmpl_set_minor', get: 'ct_dev_tmpl_get_minor' },
  noneg: {
    kind: 'boolean',
    set: 'ct_dev_tmpl_set_noneg',
    get: 'ct_dev_tmpl_get_noneg',
    clear: 'ct_dev_tmpl_clear_noneg',
  },
} as const satisfies Readonly<Record<TemplateTerm, TemplateTermFunctions>>;

/**
 * The functions of `term`, or undefined where `term` names no term: any value a caller may pass,
 * never throwing (not even for an object whose conversion to a string throws), since every
 * adapter answers a name libcontract does not know with EINVAL.
 */
export function templateTermFunctions(term: unknown): TemplateTermFunctions | undefined {
  return typeof term === 'string' && Object.hasOwn(TEMPLATE_TERM_FUNCTIONS, term)
    ? TEMPLATE_TERM_FUNCTIONS[term as TemplateTerm]
    : undefined;
}
