import { constants } from 'node:os';
import {
  CTE_ACK,
  CTE_INFO,
  CTE_NEG,
  type ContractType,
  type DeviceEventName,
  type RawContractEvent,
} from '@sysbind/contract-interface';
import { eventName, type ContractEventName } from './names.ts';

/** A wait(2) status, decoded. */
export type DecodedExitStatus = ExitedStatus | SignaledStatus;

/** A process that called exit(2). */
export interface ExitedStatus {
  /** True: WIFEXITED. */
  readonly exited: true;
  /** False. */
  readonly signaled: false;
  /** WEXITSTATUS. */
  readonly code: number;
}

/** A process killed by a signal. */
export interface SignaledStatus {
  /** False. */
  readonly exited: false;
  /** True: WIFSIGNALED. */
  readonly signaled: true;
  /** WTERMSIG. */
  readonly signal: number;
  /** The signal's name on this host, if known. */
  readonly signalName: string | undefined;
  /** WCOREDUMP. */
  readonly coreDumped: boolean;
}

/** Core files written for a pr_core event. */
export interface CoreFilePaths {
  /** Per-process core file (coreadm's process pattern). */
  readonly process?: string;
  /** Global core file. */
  readonly global?: string;
  /** Zone-wide core file (visible to global-zone readers only). */
  readonly zone?: string;
}

/**
 * The fields every contract event has. `type` is the contract(5) event name and the discriminant
 * of {@link ContractEvent}: `if (event.type === 'pr_exit') event.exit.code` type-checks.
 */
export interface ContractEventCommon<
  Type extends ContractEventName | 'unknown',
  Kind extends ContractType = ContractType,
> {
  /** The contract(5) event name (`'pr_empty'`, `'dev_offline'`, `'negend'`), or `'unknown'`. */
  readonly type: Type;
  /** The event's bit in event sets (CT_PR_EV_*, CT_DEV_EV_*; 0 for negend), as ct_event_get_type returns it. */
  readonly bit: number;
  /** The contract that generated it. */
  readonly ctid: number;
  /** Event id (unique within the contract type). */
  readonly evid: bigint;
  /** The contract's type. */
  readonly contractType: Kind;
  /** CTE_* flags as read. */
  readonly flags: number;
  /** True unless informative: a critical event must be acknowledged (or the contract abandoned). */
  readonly critical: boolean;
  /** True if it was already acknowledged when read. */
  readonly acknowledged: boolean;
  /** True for a negotiation event (ack, nack or let it time out). */
  readonly negotiation: boolean;
}

/** pr_empty: the last member left. */
export interface ProcessEmptyEvent extends ContractEventCommon<'pr_empty', 'process'> {
  /** The last member to exit. */
  readonly pid: number;
}

/** pr_fork: a process joined the contract by fork(2). */
export interface ProcessForkEvent extends ContractEventCommon<'pr_fork', 'process'> {
  /** The new member. */
  readonly pid: number;
  /** Its parent. */
  readonly ppid: number;
}

/** pr_exit: a member exited. */
export interface ProcessExitEvent extends ContractEventCommon<'pr_exit', 'process'> {
  /** The member. */
  readonly pid: number;
  /** The raw wait(2) status. */
  readonly exitStatus: number;
  /** The status decoded. */
  readonly exit: DecodedExitStatus;
}

/** pr_core: a member dumped core (or would have: a core-default signal). */
export interface ProcessCoreEvent extends ContractEventCommon<'pr_core', 'process'> {
  /** The member. */
  readonly pid: number;
  /** The core files written (empty when none was). */
  readonly coreFiles: CoreFilePaths;
}

/** pr_signal: a member died of a signal sent by someone other than the holder. */
export interface ProcessSignalEvent extends ContractEventCommon<'pr_signal', 'process'> {
  /** The member. */
  readonly pid: number;
  /** The fatal signal. */
  readonly signal: number;
  /** The sender's pid, when known. */
  readonly sender?: number;
  /** The sender's contract, when known. */
  readonly senderCtid?: number;
}

/** pr_hwerr: a member died of an uncorrectable hardware error. */
export interface ProcessHardwareErrorEvent extends ContractEventCommon<'pr_hwerr', 'process'> {
  /** The member. */
  readonly pid: number;
}

/** dev_online, dev_degraded, dev_offline: a device state change (a negotiation when `negotiation`). */
export type DeviceStateEvent = ContractEventCommon<DeviceEventName, 'device'>;

/** negend: a negotiation ended. */
export interface NegotiationEndEvent extends ContractEventCommon<'negend'> {
  /** The negotiation event that ended. */
  readonly nevid: bigint;
  /** 0 if the change went ahead, the contract's own id if it was blocked, else a replacement contract. */
  readonly newct: number;
}

/** An event whose bit this library does not know (a newer kernel): every payload is optional. */
export interface UnknownContractEvent extends ContractEventCommon<'unknown'> {
  /** The member concerned. */
  readonly pid?: number;
  /** A parent pid. */
  readonly ppid?: number;
  /** A raw wait(2) status. */
  readonly exitStatus?: number;
  /** That status decoded. */
  readonly exit?: DecodedExitStatus;
  /** A signal. */
  readonly signal?: number;
  /** A sender pid. */
  readonly sender?: number;
  /** A sender contract. */
  readonly senderCtid?: number;
  /** A negotiation event id. */
  readonly nevid?: bigint;
  /** A replacement contract. */
  readonly newct?: number;
}

/**
 * An event of a contract, with every payload libcontract offers, as a union discriminated by
 * `type` (the event name). A payload libcontract did not return (a getter failing on a kernel
 * that omits it) is absent even where the type lists it; see the fidelity guide.
 */
export type ContractEvent =
  | ProcessEmptyEvent
  | ProcessForkEvent
  | ProcessExitEvent
  | ProcessCoreEvent
  | ProcessSignalEvent
  | ProcessHardwareErrorEvent
  | DeviceStateEvent
  | NegotiationEndEvent
  | UnknownContractEvent;

/** The event of one name. */
export type ContractEventOf<Type extends ContractEvent['type']> = Extract<ContractEvent, { readonly type: Type }>;

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** Decodes a wait(2) status. */
export function decodeExitStatus(status: number): DecodedExitStatus {
  const low = status & 0x7f;
  if (low === 0) return { exited: true, signaled: false, code: (status >> 8) & 0xff };
  return {
    exited: false,
    signaled: true,
    signal: low,
    signalName: signalNames.get(low),
    coreDumped: (status & 0x80) !== 0,
  };
}

// Every field any member of the union has, writable while decodeEvent builds it.
interface MutableEvent {
  type: ContractEventName | 'unknown';
  bit: number;
  ctid: number;
  evid: bigint;
  contractType: ContractType;
  flags: number;
  critical: boolean;
  acknowledged: boolean;
  negotiation: boolean;
  pid?: number;
  ppid?: number;
  exitStatus?: number;
  exit?: DecodedExitStatus;
  signal?: number;
  sender?: number;
  senderCtid?: number;
  coreFiles?: CoreFilePaths;
  nevid?: bigint;
  newct?: number;
}

/** @internal Every field any event may have, all optional but the common ones (for code that handles all types alike). */
export type EventFields = Readonly<MutableEvent>;

/** The facade's view of a raw event. */
export function decodeEvent(raw: RawContractEvent): ContractEvent {
  // Built field by field rather than with a spread per optional field: this runs once per
  // delivered event, and each spread allocated a temporary object. Same fields, same order.
  const event: MutableEvent = {
    type: eventName(raw.contractType, raw.type),
    bit: raw.type,
    ctid: raw.ctid,
    evid: raw.evid,
    contractType: raw.contractType,
    flags: raw.flags,
    critical: (raw.flags & CTE_INFO) === 0,
    acknowledged: (raw.flags & CTE_ACK) !== 0,
    negotiation: (raw.flags & CTE_NEG) !== 0,
  };
  if (raw.pid !== undefined) event.pid = raw.pid;
  if (raw.ppid !== undefined) event.ppid = raw.ppid;
  if (raw.exitStatus !== undefined) {
    event.exitStatus = raw.exitStatus;
    event.exit = decodeExitStatus(raw.exitStatus);
  }
  if (raw.signal !== undefined) event.signal = raw.signal;
  if (raw.sender !== undefined) event.sender = raw.sender;
  if (raw.senderCtid !== undefined) event.senderCtid = raw.senderCtid;
  if (raw.contractType === 'process' && raw.type === 0x8) {
    const coreFiles: { -readonly [Field in keyof CoreFilePaths]: CoreFilePaths[Field] } = {};
    if (raw.pcorefile !== undefined) coreFiles.process = raw.pcorefile;
    if (raw.gcorefile !== undefined) coreFiles.global = raw.gcorefile;
    if (raw.zcorefile !== undefined) coreFiles.zone = raw.zcorefile;
    event.coreFiles = coreFiles;
  }
  if (raw.nevid !== undefined) event.nevid = raw.nevid;
  if (raw.newct !== undefined) event.newct = raw.newct;
  // The union's payload guarantees hold for what libcontract returns for each event type
  // (ct_pr_event_get_* succeed exactly for the events that carry the field).
  return event as ContractEvent;
}
