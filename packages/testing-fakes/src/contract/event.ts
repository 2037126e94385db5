import { CTE_ACK, CTE_INFO, CTE_NEG, type ContractType, type RawContractEvent } from '@sysbind/contract-interface';

/** Payload fields an event may carry (the data behind the ct_*_event_get_* getters). */
export interface EventPayload {
  nevid?: bigint;
  newct?: number;
  pid?: number;
  ppid?: number;
  exitStatus?: number;
  signal?: number;
  sender?: number;
  senderCtid?: number;
  pcorefile?: string;
  gcorefile?: string;
  zcorefile?: string;
}

/**
 * One published event. The same object sits on every queue it was published to (contract, bundle,
 * pbundle), so acknowledging it is seen everywhere, as in the kernel.
 */
export interface SimEvent {
  readonly evid: bigint;
  readonly ctid: number;
  readonly contractType: ContractType;
  readonly type: number;
  readonly critical: boolean;
  readonly negotiation: boolean;
  acked: boolean;
  /** For negotiation events: the negotiation has ended (a late NACK then fails ETIMEDOUT). */
  negotiationEnded: boolean;
  /** euids that may see the event on the type bundle without the observer privilege. */
  readonly ownerEuid: number | undefined;
  readonly authorEuid: number;
  readonly payload: EventPayload;
}

/** The CTE_* flags of `event` right now. */
export function eventFlags(event: SimEvent): number {
  return (event.critical ? 0 : CTE_INFO) | (event.acked ? CTE_ACK : 0) | (event.negotiation ? CTE_NEG : 0);
}

/** A snapshot of `event` as ct_event_read hands it out. */
export function snapshotEvent(event: SimEvent): RawContractEvent {
  return {
    ctid: event.ctid,
    evid: event.evid,
    type: event.type,
    flags: eventFlags(event),
    contractType: event.contractType,
    ...event.payload,
  };
}
