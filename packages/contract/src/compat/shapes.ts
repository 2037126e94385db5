// The object shapes of illumos_contract 1.0.3 (status, events), built from the facade's types.
import { DEVICE_EVENTS, DEVICE_STATES, PROCESS_EVENTS, PROCESS_PARAMS } from '@sysbind/contract-interface';
import { NEGEND_EVENT } from '../names.ts';
import type { ContractEvent, DecodedExitStatus, EventFields } from '../event.ts';
import type { ContractStatus } from '../status.ts';

/** One boolean per name. */
export type FlagObject = Record<string, boolean>;

function flags(table: Readonly<Record<string, number>>, names: readonly string[], withNegend: boolean): FlagObject {
  const result: FlagObject = withNegend ? { [NEGEND_EVENT]: false } : {};
  for (const name of Object.keys(table)) result[name] = names.includes(name);
  return result;
}

function indexed(values: readonly number[]): Record<string, number> {
  const result: Record<string, number> = {};
  values.forEach((value, index) => {
    result[String(index)] = value;
  });
  return result;
}

/** A status object as illumos_contract's `Contract#status()` returned it. */
export type CompatStatus = Record<string, unknown>;

/** The original status shape: decimal strings for 64-bit values, flag objects for sets. */
export function compatStatus(status: ContractStatus): CompatStatus {
  const events = status.type === 'process' ? PROCESS_EVENTS : DEVICE_EVENTS;
  const shaped: CompatStatus = {
    ctid: status.ctid,
    zoneid: status.zoneid,
    type: status.type,
    state: status.state,
    holder: status.holder,
    nevents: status.nevents,
    ntime: status.ntime,
    qtime: status.qtime,
    nevid: status.nevid.toString(),
    cookie: status.cookie.toString(),
    informative: flags(events, status.informative, true),
    critical: flags(events, status.critical, true),
  };
  if (status.type === 'process') {
    shaped['pr_param'] = flags(
      {
        inherit: PROCESS_PARAMS.inherit,
        noorphan: PROCESS_PARAMS.noorphan,
        pgrponly: PROCESS_PARAMS.pgrponly,
        regent: PROCESS_PARAMS.regent,
      },
      status.params,
      false,
    );
    shaped['pr_fatal'] = flags(PROCESS_EVENTS, status.fatal, true);
    if (status.members.length > 0) shaped['pr_members'] = indexed(status.members);
    if (status.contracts.length > 0) shaped['pr_contracts'] = indexed(status.contracts);
    if (status.svcFmri !== '') shaped['pr_svc_fmri'] = status.svcFmri;
    if (status.svcAux !== '') shaped['pr_svc_aux'] = status.svcAux;
    if (status.svcCreator !== '') shaped['pr_svc_creator'] = status.svcCreator;
    if (status.svcCtid !== 0) shaped['pr_svc_ctid'] = status.svcCtid;
  } else {
    shaped['dev_state'] = status.deviceState;
    shaped['dev_aset'] = flags(DEVICE_STATES, status.acceptableStates, false);
    shaped['dev_minor'] = status.minor;
    shaped['dev_noneg'] = status.noneg;
  }
  return shaped;
}

/** The flags of a compat event. */
export interface CompatEventFlags {
  /** Informative (CTE_INFO). */
  info: boolean;
  /** Acknowledged (CTE_ACK). */
  ack: boolean;
  /** Negotiation (CTE_NEG). */
  neg: boolean;
}

/** An event object as illumos_contract emitted it, with the payload fields it never had added. */
export interface CompatEvent {
  /** Contract id. */
  ctid: number;
  /** Event id, decimal string. */
  evid: string;
  /** Event name (same as the emitted name). */
  type: string;
  /** `{ info, ack, neg }`. */
  flags: CompatEventFlags;
  /** negend: negotiation event id, decimal string. */
  nevid?: string;
  /** negend: replacement contract id. */
  newct?: number;
  /** New: member pid. */
  pid?: number;
  /** New: parent pid (pr_fork). */
  ppid?: number;
  /** New: raw wait(2) status (pr_exit). */
  exitstatus?: number;
  /** New: decoded exit status (pr_exit). */
  exit?: DecodedExitStatus;
  /** New: fatal signal (pr_signal). */
  signal?: number;
  /** New: sender pid (pr_signal). */
  sender?: number;
  /** New: sender contract (pr_signal). */
  senderct?: number;
  /** New: per-process core file (pr_core). */
  pcorefile?: string;
  /** New: global core file (pr_core). */
  gcorefile?: string;
  /** New: zone core file (pr_core). */
  zcorefile?: string;
}

/** The original event shape plus the payload fields. */
export function compatEvent(typed: ContractEvent): CompatEvent {
  const event: EventFields = typed;
  const shaped: CompatEvent = {
    ctid: event.ctid,
    evid: event.evid.toString(),
    type: event.type,
    flags: { info: !event.critical, ack: event.acknowledged, neg: event.negotiation },
  };
  if (event.nevid !== undefined) shaped.nevid = event.nevid.toString();
  if (event.newct !== undefined) shaped.newct = event.newct;
  if (event.pid !== undefined) shaped.pid = event.pid;
  if (event.ppid !== undefined) shaped.ppid = event.ppid;
  if (event.exitStatus !== undefined) shaped.exitstatus = event.exitStatus;
  if (event.exit !== undefined) shaped.exit = event.exit;
  if (event.signal !== undefined) shaped.signal = event.signal;
  if (event.sender !== undefined) shaped.sender = event.sender;
  if (event.senderCtid !== undefined) shaped.senderct = event.senderCtid;
  if (event.coreFiles?.process !== undefined) shaped.pcorefile = event.coreFiles.process;
  if (event.coreFiles?.global !== undefined) shaped.gcorefile = event.coreFiles.global;
  if (event.coreFiles?.zone !== undefined) shaped.zcorefile = event.coreFiles.zone;
  return shaped;
}
