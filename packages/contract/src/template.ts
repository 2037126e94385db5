import {
  DEVICE_EVENTS,
  DEVICE_STATES,
  FATAL_EVENTS,
  PROCESS_EVENTS,
  PROCESS_PARAMS,
  type ContractBackend,
  type ContractTemplateHandle,
  type ContractType,
  type DeviceEventName,
  type DeviceStateName,
  type FatalEventName,
  type ProcessEventName,
  type ProcessParamName,
  type TemplateTerm,
  type TemplateTermValues,
} from '@sysbind/contract-interface';
import { bitsFromNames } from './names.ts';
import { invalidArgValue } from './errors.ts';
import {
  validateBoolean,
  validateCtid,
  validateKeys,
  validateNames,
  validateObject,
  validateString,
  validateU64,
} from './validate.ts';

/**
 * Terms of a process contract template. Absent keys keep the type's defaults (see process(5));
 * `cookie` and `transfer` are the backend's term values as they are.
 */
export interface ProcessTemplate extends Partial<Readonly<Pick<TemplateTermValues, 'cookie' | 'transfer'>>> {
  /** `'process'` (the default). */
  readonly type?: 'process';
  /** Critical events (default pr_empty, pr_hwerr). */
  readonly critical?: readonly ProcessEventName[];
  /** Informative events (default pr_core, pr_signal). */
  readonly informative?: readonly ProcessEventName[];
  /** Fatal events: pr_core, pr_signal, pr_hwerr (default pr_hwerr). */
  readonly fatal?: readonly FatalEventName[];
  /** Parameters: inherit, noorphan, pgrponly, regent, keep_exec (default none). */
  readonly params?: readonly ProcessParamName[];
  /** Service FMRI (setting it needs PRIV_CONTRACT_IDENTITY; `'inherit:'` resets it to the creator's). */
  readonly svcFmri?: string;
  /** Creator's auxiliary string. */
  readonly svcAux?: string;
}

/**
 * Terms of a device contract template (see device_contract(5)); `cookie`, `minor` and `noneg` are
 * the backend's term values as they are.
 */
export interface DeviceTemplate extends Partial<Readonly<Pick<TemplateTermValues, 'cookie' | 'minor' | 'noneg'>>> {
  /** `'device'`. */
  readonly type: 'device';
  /** Critical events (default dev_offline). */
  readonly critical?: readonly DeviceEventName[];
  /** Informative events (default dev_degraded). */
  readonly informative?: readonly DeviceEventName[];
  /** Acceptable states, the A-set (default online, degraded). */
  readonly acceptableStates?: readonly DeviceStateName[];
}

/** A template of either type. */
export type ContractTemplate = ProcessTemplate | DeviceTemplate;

/** One term to set, in the order it must be set. */
type TermSetting = { [Term in TemplateTerm]: readonly [Term, TemplateTermValues[Term]] }[TemplateTerm];

/** A validated template, ready to be written to a template fd. */
export interface CompiledTemplate {
  readonly type: ContractType;
  readonly terms: readonly TermSetting[];
}

const PROCESS_KEYS = ['type', 'critical', 'informative', 'fatal', 'params', 'cookie', 'transfer', 'svcFmri', 'svcAux'];
const DEVICE_KEYS = ['type', 'critical', 'informative', 'acceptableStates', 'minor', 'noneg', 'cookie'];

function bits(table: Readonly<Record<string, number>>, names: readonly string[]): number {
  const result = bitsFromNames(table, names);
  return typeof result === 'number' ? result : 0;
}

/**
 * Validates a template object and turns it into term settings (TypeError/RangeError with a Node
 * `code` for anything wrong). Parameters and the fatal set go first so that the privilege rules
 * see them before the critical set, as ctrun orders them.
 */
export function compileTemplate(value: unknown, name = 'template'): CompiledTemplate {
  const template = validateObject(value, name);
  const type = template['type'] ?? 'process';
  if (type !== 'process' && type !== 'device') {
    throw invalidArgValue(`${name}.type`, type, "must be 'process' or 'device'");
  }
  const terms: TermSetting[] = [];
  if (type === 'process') {
    validateKeys(template, PROCESS_KEYS, name);
    if (template['params'] !== undefined) {
      terms.push(['param', bits(PROCESS_PARAMS, validateNames(template['params'], PROCESS_PARAMS, `${name}.params`))]);
    }
    if (template['fatal'] !== undefined) {
      terms.push(['fatal', bits(FATAL_EVENTS, validateNames(template['fatal'], FATAL_EVENTS, `${name}.fatal`))]);
    }
    if (template['informative'] !== undefined) {
      terms.push([
        'informative',
        bits(PROCESS_EVENTS, validateNames(template['informative'], PROCESS_EVENTS, `${name}.informative`)),
      ]);
    }
    if (template['critical'] !== undefined) {
      terms.push([
        'critical',
        bits(PROCESS_EVENTS, validateNames(template['critical'], PROCESS_EVENTS, `${name}.critical`)),
      ]);
    }
    if (template['transfer'] !== undefined) {
      terms.push(['transfer', template['transfer'] === 0 ? 0 : validateCtid(template['transfer'], `${name}.transfer`)]);
    }
    if (template['svcFmri'] !== undefined)
      terms.push(['svc_fmri', validateString(template['svcFmri'], `${name}.svcFmri`)]);
    if (template['svcAux'] !== undefined) terms.push(['svc_aux', validateString(template['svcAux'], `${name}.svcAux`)]);
  } else {
    validateKeys(template, DEVICE_KEYS, name);
    if (template['acceptableStates'] !== undefined) {
      terms.push([
        'aset',
        bits(DEVICE_STATES, validateNames(template['acceptableStates'], DEVICE_STATES, `${name}.acceptableStates`)),
      ]);
    }
    if (template['informative'] !== undefined) {
      terms.push([
        'informative',
        bits(DEVICE_EVENTS, validateNames(template['informative'], DEVICE_EVENTS, `${name}.informative`)),
      ]);
    }
    if (template['critical'] !== undefined) {
      terms.push([
        'critical',
        bits(DEVICE_EVENTS, validateNames(template['critical'], DEVICE_EVENTS, `${name}.critical`)),
      ]);
    }
    if (template['minor'] !== undefined) terms.push(['minor', validateString(template['minor'], `${name}.minor`)]);
    if (template['noneg'] !== undefined) terms.push(['noneg', validateBoolean(template['noneg'], `${name}.noneg`)]);
  }
  if (template['cookie'] !== undefined) terms.push(['cookie', validateU64(template['cookie'], `${name}.cookie`)]);
  return { type, terms };
}

/** Opens a template fd of the compiled template's type and writes its terms (closing it on failure). */
export function openCompiledTemplate(backend: ContractBackend, compiled: CompiledTemplate): ContractTemplateHandle {
  const handle = backend.openTemplate(compiled.type);
  try {
    for (const [term, value] of compiled.terms) handle.set(term, value);
    return handle;
  } catch (error) {
    handle.close();
    throw error;
  }
}
