// Conversion of illumos_contract template objects ({ type, critical: { pr_empty: true }, ... })
// to the facade's templates, with the argument checks the original lacked.
import {
  DEVICE_EVENTS,
  DEVICE_STATES,
  FATAL_EVENTS,
  PROCESS_EVENTS,
  PROCESS_PARAMS,
  type DeviceEventName,
  type DeviceStateName,
  type FatalEventName,
  type ProcessEventName,
  type ProcessParamName,
} from '@sysbind/contract-interface';
import { NEGEND_EVENT } from '../names.ts';
import { invalidArgType, invalidArgValue, outOfRange } from '../errors.ts';
import type { ContractTemplate } from '../template.ts';
import { validateBoolean, validateCtid, validateKeys, validateObject, validateString } from '../validate.ts';

const PROCESS_KEYS = ['type', 'critical', 'informative', 'cookie', 'transfer', 'fatal', 'param', 'svc_fmri', 'svc_aux'];
const DEVICE_KEYS = ['type', 'critical', 'informative', 'cookie', 'dev_aset', 'dev_minor', 'dev_noneg'];

function trueNames<Name extends string>(
  value: unknown,
  table: Readonly<Record<Name, number>>,
  name: string,
  allowNegend: boolean,
): Name[] {
  const object = validateObject(value, name);
  const names: Name[] = [];
  for (const [key, flag] of Object.entries(object)) {
    if (allowNegend && key === NEGEND_EVENT) continue;
    if (!Object.hasOwn(table, key))
      throw invalidArgValue(`${name}.${key}`, flag, `is not one of ${Object.keys(table).join(', ')}`);
    if (validateBoolean(flag, `${name}.${key}`)) names.push(key as Name);
  }
  return names;
}

/**
 * A cookie as the original accepted it (a string parsed like strtoull(s, 0, 0): decimal, 0x hex or
 * leading-0 octal, stopping at the first invalid character), plus numbers and bigints.
 */
export function parseCookie(value: unknown, name = 'template.cookie'): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= 2n ** 64n) throw outOfRange(name, '>= 0 and < 2 ** 64', value);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw outOfRange(name, 'a non-negative safe integer', value);
    return BigInt(value);
  }
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string, number or bigint', value);
  const match = /^\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(value);
  if (match?.[1] === undefined) throw invalidArgValue(name, value, 'must be a decimal, 0x-hexadecimal or octal number');
  const digits = match[1];
  const parsed =
    digits.length > 1 && digits.startsWith('0') && !/^0[xX]/.test(digits)
      ? BigInt('0o' + digits.slice(1))
      : BigInt(digits);
  return BigInt.asUintN(64, parsed);
}

/** Converts an illumos_contract template object. */
export function convertTemplate(value: unknown): ContractTemplate {
  const template = validateObject(value, 'template');
  const type = template['type'];
  if (type === undefined) throw invalidArgType('template.type', "'process' or 'device'", type);
  if (type !== 'process' && type !== 'device')
    throw invalidArgValue('template.type', type, "must be 'process' or 'device'");
  const cookie = template['cookie'] === undefined ? undefined : parseCookie(template['cookie']);
  if (type === 'process') {
    validateKeys(template, PROCESS_KEYS, 'template');
    const param =
      template['param'] === undefined
        ? undefined
        : trueNames<ProcessParamName>(template['param'], PROCESS_PARAMS, 'template.param', false);
    return {
      type,
      ...(template['critical'] === undefined
        ? {}
        : { critical: trueNames<ProcessEventName>(template['critical'], PROCESS_EVENTS, 'template.critical', true) }),
      ...(template['informative'] === undefined
        ? {}
        : {
            informative: trueNames<ProcessEventName>(
              template['informative'],
              PROCESS_EVENTS,
              'template.informative',
              true,
            ),
          }),
      ...(template['fatal'] === undefined
        ? {}
        : { fatal: trueNames<FatalEventName>(template['fatal'], FATAL_EVENTS, 'template.fatal', true) }),
      ...(param === undefined ? {} : { params: param }),
      ...(cookie === undefined ? {} : { cookie }),
      ...(template['transfer'] === undefined
        ? {}
        : { transfer: template['transfer'] === 0 ? 0 : validateCtid(template['transfer'], 'template.transfer') }),
      ...(template['svc_fmri'] === undefined
        ? {}
        : { svcFmri: validateString(template['svc_fmri'], 'template.svc_fmri') }),
      ...(template['svc_aux'] === undefined ? {} : { svcAux: validateString(template['svc_aux'], 'template.svc_aux') }),
    };
  }
  validateKeys(template, DEVICE_KEYS, 'template');
  return {
    type,
    ...(template['critical'] === undefined
      ? {}
      : { critical: trueNames<DeviceEventName>(template['critical'], DEVICE_EVENTS, 'template.critical', true) }),
    ...(template['informative'] === undefined
      ? {}
      : {
          informative: trueNames<DeviceEventName>(template['informative'], DEVICE_EVENTS, 'template.informative', true),
        }),
    ...(template['dev_aset'] === undefined
      ? {}
      : {
          acceptableStates: trueNames<DeviceStateName>(template['dev_aset'], DEVICE_STATES, 'template.dev_aset', false),
        }),
    ...(template['dev_minor'] === undefined
      ? {}
      : { minor: validateString(template['dev_minor'], 'template.dev_minor') }),
    ...(template['dev_noneg'] === undefined
      ? {}
      : { noneg: validateBoolean(template['dev_noneg'], 'template.dev_noneg') }),
    ...(cookie === undefined ? {} : { cookie }),
  };
}

/** An event id as the original accepted it: a string (decimal, or 0x hex); bigints are accepted too. */
export function parseEvid(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'string') throw invalidArgType('evid', 'of type string', value);
  if (!/^(?:[1-9][0-9]*|0[xX][0-9a-fA-F]+)$/.test(value))
    throw invalidArgValue('evid', value, 'must be a decimal event id');
  return BigInt(value);
}
