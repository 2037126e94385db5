import type { ContractType, EventQueue } from '@sysbind/contract-interface';
import type { SimEvent } from './event.ts';
import type { TemplateState } from './template-state.ts';

/**
 * Privileges of a simulated process that contract(5) consults: PRIV_CONTRACT_EVENT,
 * PRIV_CONTRACT_OBSERVER, PRIV_CONTRACT_IDENTITY, PRIV_SYS_DEVICES, and PRIV_PROC_OWNER (which
 * lets a process signal processes of other euids).
 */
export type Privilege = 'contract_event' | 'contract_observer' | 'contract_identity' | 'sys_devices' | 'proc_owner';

/** A thread of a simulated process: its active templates and its latest contracts, per type. */
export interface SimLwp {
  readonly id: number;
  readonly active: Record<ContractType, TemplateState | undefined>;
  readonly latest: Record<ContractType, number | undefined>;
}

/** How the simulator reaches a real child process. */
export interface RealProcessLink {
  /** Sends `signal` to the real process; false if it is gone. */
  kill(signal: number): boolean;
}

/** A simulated process (possibly standing for a real child). */
export interface SimProcess {
  readonly pid: number;
  readonly ppid: number;
  pgid: number;
  euid: number;
  readonly privileges: Set<Privilege>;
  execname: string;
  alive: boolean;
  /** The process contract this process is a member of (0 for the kernel's sched). */
  contract: number;
  readonly lwps: Map<number, SimLwp>;
  nextLwp: number;
  /** Contracts this process owns. */
  readonly held: Set<number>;
  /** Process bundle queues, created when the process first creates, adopts or listens (contract_type_pbundle). */
  readonly pbundles: Partial<Record<ContractType, EventQueue<SimEvent>>>;
  /** Set when the process stands for a real child. */
  real: RealProcessLink | undefined;
  /** Who sent the last signal, for a real child whose death by signal is reported later. */
  lastSender: { readonly pid: number; readonly ctid: number } | undefined;
}

/** Answer of one holder to a device negotiation. */
export type NegotiationAnswer = 'none' | 'ack' | 'nack';

/** A device contract's part in an ongoing negotiation. */
export interface ContractNegotiation {
  readonly evid: bigint;
  readonly deadline: number;
  answer: NegotiationAnswer;
}

/** A contract, process or device. */
export interface SimContract {
  readonly id: number;
  readonly type: ContractType;
  state: number;
  /** Owner pid while OWNED, else 0. */
  ownerPid: number;
  ownerEuid: number | undefined;
  /** The regent contract holding it while INHERITED. */
  regent: number;
  readonly authorPid: number;
  /** The creator's credentials, kept for the NOORPHAN and fatal kills (conp_cred). */
  readonly authorEuid: number;
  readonly authorProcOwner: boolean;
  readonly cookie: bigint;
  readonly critical: number;
  readonly informative: number;
  // Process terms.
  readonly param: number;
  readonly fatal: number;
  readonly svcFmri: string;
  readonly svcCtid: number;
  readonly svcCreator: string;
  readonly svcAux: string;
  readonly members: Set<number>;
  /** Contracts this (regent) contract has inherited. */
  readonly inherited: Set<number>;
  // Device terms.
  readonly aset: number;
  readonly noneg: boolean;
  readonly minor: string;
  negotiation: ContractNegotiation | undefined;
  // Events.
  readonly queue: EventQueue<SimEvent>;
  /** Unacknowledged critical events by evid; its size is `nevents`. */
  readonly unacked: Map<bigint, SimEvent>;
  /** Open fds and latest slots referring to the contract; a DEAD contract disappears at 0. */
  refs: number;
}

/** A device minor node. */
export interface SimDevice {
  readonly path: string;
  state: number;
  readonly contracts: Set<number>;
  pending: DevicePendingChange | undefined;
}

/** A negotiated state change waiting for the holders' answers. */
export interface DevicePendingChange {
  readonly target: number;
  readonly deadline: number;
  readonly participants: Set<number>;
  /** A non-negotiable contract already NACKed the change: it is blocked whatever the answers. */
  readonly nacked: boolean;
}
