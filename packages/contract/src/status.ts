import {
  DEVICE_EVENTS,
  DEVICE_STATES,
  PROCESS_EVENTS,
  PROCESS_PARAMS,
  type ContractStateName,
  type DeviceEventName,
  type DeviceStateName,
  type FatalEventName,
  type ProcessEventName,
  type ProcessParamName,
  type RawContractStatus,
} from '@sysbind/contract-interface';
import { contractStateName, namesFromBits } from './names.ts';

/** Fields every contract's status has. */
export interface CommonContractStatus {
  /** Contract id. */
  readonly ctid: number;
  /** Zone of the creator (-1 if gone). */
  readonly zoneid: number;
  /** State. */
  readonly state: ContractStateName | 'unknown';
  /** Owner pid (owned), regent ctid (inherited), else 0. */
  readonly holder: number;
  /** Unacknowledged critical events. */
  readonly nevents: number;
  /** Seconds left in the current negotiation, -1 if none. */
  readonly ntime: number;
  /** Seconds left in the current negotiation quantum, -1 if none. */
  readonly qtime: number;
  /** Event id of the ongoing negotiation, 0n if none. */
  readonly nevid: bigint;
  /** The cookie term. */
  readonly cookie: bigint;
}

/** Status of a process contract. */
export interface ProcessContractStatus extends CommonContractStatus {
  /** `'process'`. */
  readonly type: 'process';
  /** Critical events. */
  readonly critical: readonly ProcessEventName[];
  /** Informative events. */
  readonly informative: readonly ProcessEventName[];
  /** Parameters. */
  readonly params: readonly ProcessParamName[];
  /** Fatal events. */
  readonly fatal: readonly FatalEventName[];
  /** Member pids. */
  readonly members: readonly number[];
  /** Contracts this regent has inherited. */
  readonly contracts: readonly number[];
  /** Service FMRI. */
  readonly svcFmri: string;
  /** Contract whose template set the FMRI. */
  readonly svcCtid: number;
  /** Creator's auxiliary string. */
  readonly svcAux: string;
  /** execname of the creating process. */
  readonly svcCreator: string;
}

/** Status of a device contract. */
export interface DeviceContractStatus extends CommonContractStatus {
  /** `'device'`. */
  readonly type: 'device';
  /** Critical events. */
  readonly critical: readonly DeviceEventName[];
  /** Informative events. */
  readonly informative: readonly DeviceEventName[];
  /** Current device state. */
  readonly deviceState: DeviceStateName | 'unknown';
  /** Acceptable states (the A-set). */
  readonly acceptableStates: readonly DeviceStateName[];
  /** Non-negotiable term. */
  readonly noneg: boolean;
  /** devfs path of the minor node. */
  readonly minor: string;
}

/** A contract's status, by type. */
export type ContractStatus = ProcessContractStatus | DeviceContractStatus;

/** The facade's view of a CTD_ALL status. */
export function decodeStatus(raw: RawContractStatus): ContractStatus {
  const common = {
    ctid: raw.ctid,
    zoneid: raw.zoneid,
    state: contractStateName(raw.state),
    holder: raw.holder,
    nevents: raw.nevents,
    ntime: raw.ntime,
    qtime: raw.qtime,
    nevid: raw.nevid,
    cookie: raw.cookie,
  };
  if (raw.type === 'process') {
    return {
      ...common,
      type: 'process',
      critical: namesFromBits(PROCESS_EVENTS, raw.critical),
      informative: namesFromBits(PROCESS_EVENTS, raw.informative),
      params: namesFromBits(PROCESS_PARAMS, raw.param ?? 0),
      fatal: namesFromBits(PROCESS_EVENTS, raw.fatal ?? 0) as FatalEventName[],
      members: [...(raw.members ?? [])],
      contracts: [...(raw.contracts ?? [])],
      svcFmri: raw.svcFmri ?? '',
      svcCtid: raw.svcCtid ?? 0,
      svcAux: raw.svcAux ?? '',
      svcCreator: raw.svcCreator ?? '',
    };
  }
  const state = namesFromBits(DEVICE_STATES, raw.deviceState ?? 0)[0];
  return {
    ...common,
    type: 'device',
    critical: namesFromBits(DEVICE_EVENTS, raw.critical),
    informative: namesFromBits(DEVICE_EVENTS, raw.informative),
    deviceState: state ?? 'unknown',
    acceptableStates: namesFromBits(DEVICE_STATES, raw.aset ?? 0),
    noneg: raw.noneg ?? false,
    minor: raw.minor ?? '',
  };
}
