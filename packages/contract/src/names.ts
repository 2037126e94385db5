// The facade's names for libcontract's bits: the conversions between the names contract(5) gives
// them (the tables of @sysbind/contract-interface) and bit sets, and the name of the negotiation
// end, which no set holds.
import {
  CONTRACT_STATES,
  CT_DEV_ALLEVENT,
  CT_EV_NEGEND,
  CT_PR_ALLEVENT,
  DEVICE_EVENTS,
  PROCESS_EVENTS,
  type ContractStateName,
  type ContractType,
  type DeviceEventName,
  type ProcessEventName,
} from '@sysbind/contract-interface';

/** Name of the generic negotiation-end event (type 0). */
export const NEGEND_EVENT = 'negend';
/** Any event name a contract can emit. */
export type ContractEventName = ProcessEventName | DeviceEventName | typeof NEGEND_EVENT;

/** The event-name table of a contract type. */
export function eventTable(type: ContractType): Readonly<Record<string, number>> {
  return type === 'process' ? PROCESS_EVENTS : DEVICE_EVENTS;
}

/** Every event bit of a contract type. */
export function allEvents(type: ContractType): number {
  return type === 'process' ? CT_PR_ALLEVENT : CT_DEV_ALLEVENT;
}

/** The name of event `bit` of `type` (`'negend'` for 0, `'unknown'` for anything else). */
export function eventName(type: ContractType, bit: number): ContractEventName | 'unknown' {
  if (bit === CT_EV_NEGEND) return NEGEND_EVENT;
  for (const [name, value] of Object.entries(eventTable(type))) {
    if (value === bit) return name as ContractEventName;
  }
  return 'unknown';
}

/** The names whose bits are set in `bits`, in table order. */
export function namesFromBits<Name extends string>(table: Readonly<Record<Name, number>>, bits: number): Name[] {
  const names: Name[] = [];
  for (const [name, value] of Object.entries(table) as [Name, number][]) {
    if ((bits & value) !== 0) names.push(name);
  }
  return names;
}

/** A name that is not in a table. */
export interface UnknownName {
  /** The name. */
  readonly unknown: string;
}

/** The bits of `names`; returns the first unknown name instead when one is not in `table`. */
export function bitsFromNames(table: Readonly<Record<string, number>>, names: Iterable<string>): number | UnknownName {
  let bits = 0;
  for (const name of names) {
    const value = Object.hasOwn(table, name) ? table[name] : undefined;
    if (value === undefined) return { unknown: name };
    bits |= value;
  }
  return bits;
}

/** The state name of a CTS_* value (`'unknown'` for anything else). */
export function contractStateName(state: number): ContractStateName | 'unknown' {
  return CONTRACT_STATES[state] ?? 'unknown';
}
