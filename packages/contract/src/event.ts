import { constants } from 'node:os';
import { CTE_ACK, CTE_INFO, CTE_NEG, type ContractType, type RawContractEvent } from '@sysbind/contract-interface';
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

/** An event of a contract, with every payload libcontract offers. */
export interface ContractEvent {
  /** The contract(5) event name (`'pr_empty'`, `'dev_offline'`, `'negend'`). */
  readonly name: ContractEventName | 'unknown';
  /** The contract that generated it. */
  readonly ctid: number;
  /** Event id (unique within the contract type). */
  readonly evid: bigint;
  /** The event bit (CT_PR_EV_*, CT_DEV_EV_*, 0 for negend). */
  readonly type: number;
  /** The contract's type. */
  readonly contractType: ContractType;
  /** CTE_* flags as read. */
  readonly flags: number;
  /** True unless informative: a critical event must be acknowledged (or the contract abandoned). */
  readonly critical: boolean;
  /** True if it was already acknowledged when read. */
  readonly acknowledged: boolean;
  /** True for a negotiation event (ack, nack or let it time out). */
  readonly negotiation: boolean;
  /** The member concerned (for pr_empty: the last one to exit). */
  readonly pid?: number;
  /** pr_fork: the parent. */
  readonly ppid?: number;
  /** pr_exit: the raw wait(2) status. */
  readonly exitStatus?: number;
  /** pr_exit: the status decoded. */
  readonly exit?: DecodedExitStatus;
  /** pr_signal: the fatal signal. */
  readonly signal?: number;
  /** pr_signal: the sender's pid, when known. */
  readonly sender?: number;
  /** pr_signal: the sender's contract, when known. */
  readonly senderCtid?: number;
  /** pr_core: the core files written. */
  readonly coreFiles?: CoreFilePaths;
  /** negend: the negotiation event that ended. */
  readonly nevid?: bigint;
  /** negend: 0 if the change went ahead, the contract's own id if it was blocked, else a new contract. */
  readonly newct?: number;
}

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

/** The facade's view of a raw event. */
export function decodeEvent(raw: RawContractEvent): ContractEvent {
  // Built field by field rather than with a spread per optional field: this runs once per
  // delivered event, and each spread allocated a temporary object. Same fields, same order.
  const event: { -readonly [Field in keyof ContractEvent]: ContractEvent[Field] } = {
    name: eventName(raw.contractType, raw.type),
    ctid: raw.ctid,
    evid: raw.evid,
    type: raw.type,
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
  return event;
}
