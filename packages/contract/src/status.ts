import {
  DEVICE_EVENTS,
  DEVICE_STATES,
  PROCESS_EVENTS,
  PROCESS_PARAMS,
  type ContractStateName,
  type DeviceStateName,
  type FatalEventName,
  type RawContractStatus,
} from '@sysbind/contract-interface';
import { contractStateName, namesFromBits } from './names.ts';
import type { DeviceTemplate, ProcessTemplate } from './template.ts';

/** Fields every contract's status has. */
export interface CommonContractStatus extends Pick<
  RawContractStatus,
  'ctid' | 'zoneid' | 'holder' | 'nevents' | 'ntime' | 'qtime' | 'nevid' | 'cookie'
> {
  /** State. */
  readonly state: ContractStateName | 'unknown';
}

/** Status of a process contract: the terms its template set, and what it holds. */
export interface ProcessContractStatus
  extends
    CommonContractStatus,
    Required<Pick<ProcessTemplate, 'type' | 'critical' | 'informative' | 'params' | 'fatal' | 'svcFmri' | 'svcAux'>> {
  /** Member pids. */
  readonly members: readonly number[];
  /** Contracts this regent has inherited. */
  readonly contracts: readonly number[];
  /** Contract whose template set the FMRI. */
  readonly svcCtid: number;
  /** execname of the creating process. */
  readonly svcCreator: string;
}

/** Status of a device contract: the terms its template set, and its device's state. */
export interface DeviceContractStatus
  extends
    CommonContractStatus,
    Required<Pick<DeviceTemplate, 'type' | 'critical' | 'informative' | 'acceptableStates' | 'noneg' | 'minor'>> {
  /** Current device state. */
  readonly deviceState: DeviceStateName | 'unknown';
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
