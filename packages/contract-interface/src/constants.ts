// Numeric constants of contract(5), process(5) and device_contract(5) with their C names, and the
// names contract(5) gives the bits of each set: the one table every package reads. The addon exports what its headers define (native/binding/constants.cc)
// and a test compares the two, on illumos against the real headers.

/** Root of the contract filesystem. */
export const CTFS_ROOT = '/system/contract';

/** Generic "negotiation ended" event type; always critical, never part of an event set. */
export const CT_EV_NEGEND = 0;

/** Status detail: common fields only. */
export const CTD_COMMON = 0;
/** Status detail: common fields plus fixed-size type-specific data. */
export const CTD_FIXED = 1;
/** Status detail: everything, including variable-size data such as member lists. */
export const CTD_ALL = 2;

/** Event flag: the (critical) event has been acknowledged. */
export const CTE_ACK = 0x1;
/** Event flag: the event is informative. */
export const CTE_INFO = 0x2;
/** Event flag: the event is a negotiation event. */
export const CTE_NEG = 0x4;
/** The event flags by name. */
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

/** Template parameter id of the critical event set. */
export const CTP_EV_CRITICAL = 100;
/** Template parameter id of the informative event set. */
export const CTP_EV_INFO = 101;
/** Template parameter id of the cookie. */
export const CTP_COOKIE = 102;
/** Largest value size a template parameter may have. */
export const CT_PARAM_MAX_SIZE = 8192;

/** Contract state: held by a process. */
export const CTS_OWNED = 0;
/** Contract state: held by a regent process contract after its owner exited. */
export const CTS_INHERITED = 1;
/** Contract state: no holder, still has members. */
export const CTS_ORPHAN = 2;
/** Contract state: destroyed, lingering while referenced. */
export const CTS_DEAD = 3;
/** Contract state names (as ctstat(1) prints them) indexed by CTS_* value. */
export const CONTRACT_STATES = ['owned', 'inherited', 'orphan', 'dead'] as const;
/** A contract state name. */
export type ContractStateName = (typeof CONTRACT_STATES)[number];

/** Contract type id of process contracts. */
export const CTT_PROCESS = 0;
/** Contract type id of device contracts. */
export const CTT_DEVICE = 1;
/** Number of contract types. */
export const CTT_MAXTYPE = 2;

/** Kernel event queue kind: a contract's own queue. */
export const CTEL_CONTRACT = 0;
/** Kernel event queue kind: the type-wide bundle. */
export const CTEL_BUNDLE = 1;
/** Kernel event queue kind: a process bundle. */
export const CTEL_PBUNDLE = 2;

/** Process event: the last member exited. */
export const CT_PR_EV_EMPTY = 0x1;
/** Process event: a process was added by fork. */
export const CT_PR_EV_FORK = 0x2;
/** Process event: a member exited. */
export const CT_PR_EV_EXIT = 0x4;
/** Process event: a member dumped (or would have dumped) core. */
export const CT_PR_EV_CORE = 0x8;
/** Process event: a member was killed by a fatal signal sent from outside the contract. */
export const CT_PR_EV_SIGNAL = 0x10;
/** Process event: a member was killed by an uncorrectable hardware error. */
export const CT_PR_EV_HWERR = 0x20;
/** Every process event bit. */
export const CT_PR_ALLEVENT = 0x3f;
/** Every event that may be fatal (CORE, SIGNAL, HWERR). */
export const CT_PR_ALLFATAL = 0x38;
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

/** The process events that may be placed in the fatal set (CT_PR_ALLFATAL), by name. */
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

/** Process parameter: a regent inherits the contract if its owner exits without abandoning it. */
export const CT_PR_INHERIT = 0x1;
/** Process parameter: members are killed when the contract is abandoned. */
export const CT_PR_NOORPHAN = 0x2;
/** Process parameter: fatal kills are limited to the offender's process group. */
export const CT_PR_PGRPONLY = 0x4;
/** Process parameter: the contract can inherit its members' contracts. */
export const CT_PR_REGENT = 0x8;
/**
 * Process parameter: the template survives exec and new contracts are abandoned by their author.
 * The value is the one process(5) implies; it was not confirmed in a header (see the simulation guide).
 */
export const CT_PR_KEEP_EXEC = 0x10;
/** Every process parameter bit. */
export const CT_PR_ALLPARAM = 0x1f;
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

/** Process template parameter id: fatal set. */
export const CTPP_EV_FATAL = 0;
/** Process template parameter id: parameters. */
export const CTPP_PARAMS = 1;
/** Process template parameter id: transfer (subsume). */
export const CTPP_SUBSUME = 2;
/** Process template parameter id: service FMRI. */
export const CTPP_SVC_FMRI = 3;
/** Process template parameter id: service contract id. */
export const CTPP_SVC_CTID = 4;
/** Process template parameter id: service creator. */
export const CTPP_SVC_CREATOR = 5;
/** Process template parameter id: creator's auxiliary string. */
export const CTPP_CREATOR_AUX = 6;
/** The FMRI token that means "inherit the FMRI from the creator". */
export const CT_PR_SVC_DEFAULT = 'inherit:';
/** FMRI shown inside a zone for processes that entered it with zone_enter. */
export const CT_PR_SVC_FMRI_ZONE_ENTER = 'svc:/system/zone_enter:default';

/** Device state and event: online. */
export const CT_DEV_EV_ONLINE = 0x1;
/** Device state and event: degraded. */
export const CT_DEV_EV_DEGRADED = 0x2;
/** Device state and event: offline. */
export const CT_DEV_EV_OFFLINE = 0x4;
/** Every device event bit. */
export const CT_DEV_ALLEVENT = 0x7;
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
/** Device template parameter id: acceptable states. */
export const CTDP_ACCEPT = 0x1;
/** Device template parameter id: non-negotiable. */
export const CTDP_NONEG = 0x2;
/** Device template parameter id: minor node. */
export const CTDP_MINOR = 0x4;
/** Every device template parameter id. */
export const CTDP_ALLPARAMS = 0x7;
/** Value of CTDP_NONEG that clears the term. */
export const CTDP_NONEG_CLEAR = 0;
/** Value of CTDP_NONEG that sets the term. */
export const CTDP_NONEG_SET = 1;
/** Seconds the holders of a device contract get to answer a negotiation. */
export const CT_DEV_ACKTIME = 60;
/** Kernel-internal device negotiation outcome: failure. */
export const CT_EV_FAILURE = 151;

/** A contract type name as ctfs spells its directories. */
export type ContractType = 'process' | 'device';

/** The contract types, in type-id order. */
export const CONTRACT_TYPES: readonly ContractType[] = ['process', 'device'];
