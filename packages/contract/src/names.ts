// The facade's names for libcontract's bits: event, parameter, state and flag names as contract(5)
// spells them, and the conversions between names and bit sets. The bits themselves are the C
// constants of @sysbind/contract-interface.
import {
  CTE_ACK,
  CTE_INFO,
  CTE_NEG,
  CT_DEV_ALLEVENT,
  CT_DEV_EV_DEGRADED,
  CT_DEV_EV_OFFLINE,
  CT_DEV_EV_ONLINE,
  CT_EV_NEGEND,
  CT_PR_ALLEVENT,
  CT_PR_EV_CORE,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  CT_PR_EV_HWERR,
  CT_PR_EV_SIGNAL,
  CT_PR_INHERIT,
  CT_PR_KEEP_EXEC,
  CT_PR_NOORPHAN,
  CT_PR_PGRPONLY,
  CT_PR_REGENT,
  type ContractType,
} from '@sysbind/contract-interface';

/** Process event names (contract(5) spelling) and their bits. */
export const PROCESS_EVENTS = {
  /** The last member left. */
  pr_empty: CT_PR_EV_EMPTY,
  /** A process was added by fork. */
  pr_fork: CT_PR_EV_FORK,
  /** A member exited. */
  pr_exit: CT_PR_EV_EXIT,
  /** A member dumped (or would have dumped) core. */
  pr_core: CT_PR_EV_CORE,
  /** A member died of a signal sent from outside. */
  pr_signal: CT_PR_EV_SIGNAL,
  /** A member died of a hardware error. */
  pr_hwerr: CT_PR_EV_HWERR,
} as const;
/** A process event name. */
export type ProcessEventName = keyof typeof PROCESS_EVENTS;

/** Device event names (contract(5) spelling) and their bits. */
export const DEVICE_EVENTS = {
  /** The device went online. */
  dev_online: CT_DEV_EV_ONLINE,
  /** The device became degraded. */
  dev_degraded: CT_DEV_EV_DEGRADED,
  /** The device goes offline. */
  dev_offline: CT_DEV_EV_OFFLINE,
} as const;
/** A device event name. */
export type DeviceEventName = keyof typeof DEVICE_EVENTS;

/** Name of the generic negotiation-end event (type 0). */
export const NEGEND_EVENT = 'negend';
/** Any event name a contract can emit. */
export type ContractEventName = ProcessEventName | DeviceEventName | typeof NEGEND_EVENT;

/** Process contract parameter names and their bits. */
export const PROCESS_PARAMS = {
  /** CT_PR_INHERIT. */
  inherit: CT_PR_INHERIT,
  /** CT_PR_NOORPHAN. */
  noorphan: CT_PR_NOORPHAN,
  /** CT_PR_PGRPONLY. */
  pgrponly: CT_PR_PGRPONLY,
  /** CT_PR_REGENT. */
  regent: CT_PR_REGENT,
  /** CT_PR_KEEP_EXEC. */
  keep_exec: CT_PR_KEEP_EXEC,
} as const;
/** A process contract parameter name. */
export type ProcessParamName = keyof typeof PROCESS_PARAMS;

/** Process events that may be placed in the fatal set. */
export const FATAL_EVENTS = {
  /** A member dumped core. */
  pr_core: CT_PR_EV_CORE,
  /** A member died of a signal from outside. */
  pr_signal: CT_PR_EV_SIGNAL,
  /** A member died of a hardware error. */
  pr_hwerr: CT_PR_EV_HWERR,
} as const;
/** A process event name allowed in the fatal set. */
export type FatalEventName = keyof typeof FATAL_EVENTS;

/** Device state names and their bits (the same bits as the device events). */
export const DEVICE_STATES = {
  /** Online. */
  online: CT_DEV_EV_ONLINE,
  /** Degraded. */
  degraded: CT_DEV_EV_DEGRADED,
  /** Offline. */
  offline: CT_DEV_EV_OFFLINE,
} as const;
/** A device state name. */
export type DeviceStateName = keyof typeof DEVICE_STATES;

/** Contract state names indexed by CTS_* value. */
export const CONTRACT_STATES = ['owned', 'inherited', 'orphan', 'dead'] as const;
/** A contract state name. */
export type ContractStateName = (typeof CONTRACT_STATES)[number];

/** Event flag names and their bits. */
export const EVENT_FLAGS = {
  /** CTE_ACK. */
  ack: CTE_ACK,
  /** CTE_INFO. */
  info: CTE_INFO,
  /** CTE_NEG. */
  neg: CTE_NEG,
} as const;
/** An event flag name. */
export type EventFlagName = keyof typeof EVENT_FLAGS;

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
