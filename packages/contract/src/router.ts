import {
  CT_PR_EV_EMPTY,
  type ContractBackend,
  type ContractEventEndpoint,
  type ContractType,
  type RawContractEvent,
} from '@sysbind/contract-interface';
import type { Contract } from './contract.ts';
import { CtidTable } from './ctid-table.ts';

/** How many events of not-yet-claimed contracts are kept before the oldest are dropped. */
export const UNCLAIMED_EVENT_LIMIT = 10_000;

/**
 * The owner's side of one contract type: one pbundle endpoint for every contract the process
 * holds, routing events to Contract objects by ctid. Events of contracts nobody has claimed yet
 * (between a fork and latest(), or for contracts adopted later) are kept and handed over on claim.
 */
export class ProcessBundleRouter {
  private endpoint: ContractEventEndpoint | undefined;
  // Looked up once per delivered event: a CtidTable, whose cost stays flat with many contracts.
  private readonly claimed = new CtidTable<Contract>();
  private readonly unclaimed = new Map<number, RawContractEvent[]>();
  private unclaimedCount = 0;
  /** Contracts closed while still held: their later events have no reader. */
  private readonly released = new Set<number>();
  private readonly pinned = new Set<Contract>();
  private readonly backend: ContractBackend;
  private readonly type: ContractType;

  constructor(backend: ContractBackend, type: ContractType) {
    this.backend = backend;
    this.type = type;
  }

  /** Opens the pbundle if not yet open (must happen before the first fork under a template). */
  open(): void {
    if (this.endpoint !== undefined) return;
    const endpoint = this.backend.openProcessBundle(this.type);
    this.endpoint = endpoint;
    endpoint.listen({
      onEvent: (event) => {
        this.route(event);
      },
      onError: (error) => {
        for (const contract of this.claimed.values()) contract.fail(error);
      },
    });
  }

  /** The live Contract for `ctid`, if claimed. */
  get(ctid: number): Contract | undefined {
    return this.claimed.get(ctid);
  }

  /** The claimed contracts. */
  contracts(): Contract[] {
    return [...this.claimed.values()];
  }

  /** Registers `contract` and hands it the events that arrived before. */
  claim(contract: Contract): void {
    this.claimed.set(contract.id, contract);
    this.released.delete(contract.id);
    const early = this.unclaimed.get(contract.id);
    if (early === undefined) return;
    this.unclaimed.delete(contract.id);
    this.unclaimedCount -= early.length;
    for (const event of early) contract.deliver(event);
  }

  /** Unregisters a closed contract; later events for it are dropped unless it was abandoned. */
  forget(contract: Contract, abandoned: boolean): void {
    if (this.claimed.get(contract.id) !== contract) return;
    this.claimed.delete(contract.id);
    this.pin(contract, false);
    if (!abandoned) this.released.add(contract.id);
  }

  /** Keeps the event loop alive while some claimed contract wants it. */
  pin(contract: Contract, pinned: boolean): void {
    // A contract no longer claimed (abandoned, closed) gets no event from here: it must not keep
    // the loop alive, nor be kept alive by this set.
    if (pinned && this.claimed.get(contract.id) !== contract) return;
    if (pinned) this.pinned.add(contract);
    else this.pinned.delete(contract);
    if (this.endpoint === undefined) return;
    if (this.pinned.size > 0) this.endpoint.ref();
    else this.endpoint.unref();
  }

  private route(event: RawContractEvent): void {
    const contract = this.claimed.get(event.ctid);
    if (contract !== undefined) {
      contract.deliver(event);
      return;
    }
    if (this.released.has(event.ctid)) {
      if (event.type === CT_PR_EV_EMPTY && this.type === 'process') this.released.delete(event.ctid);
      return;
    }
    let list = this.unclaimed.get(event.ctid);
    if (list === undefined) {
      list = [];
      this.unclaimed.set(event.ctid, list);
    }
    list.push(event);
    if (++this.unclaimedCount > UNCLAIMED_EVENT_LIMIT) this.dropOldest();
  }

  private dropOldest(): void {
    const oldest = this.unclaimed.keys().next();
    if (oldest.done === true) return;
    this.unclaimedCount -= this.unclaimed.get(oldest.value)?.length ?? 0;
    this.unclaimed.delete(oldest.value);
  }

  /** Closes the endpoint. */
  close(): void {
    this.endpoint?.close();
    this.endpoint = undefined;
    this.claimed.clear();
    this.unclaimed.clear();
    this.unclaimedCount = 0;
    this.pinned.clear();
  }
}
