// contract(5) event queues in user space: one event object per publication, seen by every
// endpoint that listens to its contract (the contract's own `events`, the owner's `pbundle`, the
// `bundle`), critical events kept until acknowledged, informative ones only reaching endpoints
// open when they were published. Delivery to a listener is always asynchronous.
import {
  CTE_ACK,
  CTE_INFO,
  ContractError,
  type ContractEventEndpoint,
  type ContractEventListener,
  type EventEndpointKind,
  type RawContractEvent,
} from '@sysbind/contract-interface';
import { constants } from 'node:os';

/** One published event; `acked` changes when the owner acknowledges it. */
export interface QueuedEvent {
  readonly ctid: number;
  readonly evid: bigint;
  readonly type: number;
  readonly critical: boolean;
  acked: boolean;
  readonly payload: Partial<Pick<RawContractEvent, 'pid' | 'ppid' | 'exitStatus' | 'signal'>>;
}

/** The event as `ct_event_read` returns it, flags as they are now. */
export function rawEvent(event: QueuedEvent): RawContractEvent {
  const flags = (event.critical ? 0 : CTE_INFO) | (event.acked ? CTE_ACK : 0);
  return { ctid: event.ctid, evid: event.evid, type: event.type, flags, contractType: 'process', ...event.payload };
}

/** What an endpoint asks of the host it belongs to. */
export interface EndpointHost {
  /** The events still retained (unacknowledged critical ones) that `endpoint` may see, for reset(). */
  retained(endpoint: LinuxEventEndpoint): QueuedEvent[];
  /** Whether the caller may ask for a reliable listener. */
  readonly privileged: boolean;
  /** Keep (or stop keeping) the event loop alive on behalf of an endpoint. */
  hold(delta: 1 | -1): void;
  /** The endpoint is closed. */
  detach(endpoint: LinuxEventEndpoint): void;
}

function badf(syscall: string): ContractError {
  return ContractError.fromErrno(constants.errno.EBADF, syscall);
}

/** One open endpoint: a cursor over the events published since it opened (or since reset()). */
export class LinuxEventEndpoint implements ContractEventEndpoint {
  readonly kind: EventEndpointKind;
  readonly type = 'process' as const;
  readonly ctid: number | undefined;
  private readonly host: EndpointHost;
  private pending: QueuedEvent[] = [];
  private listener: ContractEventListener | undefined;
  private scheduled = false;
  private referenced = false;
  private closed = false;

  constructor(host: EndpointHost, kind: EventEndpointKind, ctid: number | undefined) {
    this.host = host;
    this.kind = kind;
    this.ctid = ctid;
  }

  /** @internal A new event for this endpoint. */
  push(event: QueuedEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    this.schedule();
  }

  /** @internal Drops every pending event of `ctid` (its owner abandoned it: the pbundle forgets it). */
  dropContract(ctid: number): void {
    this.pending = this.pending.filter((event) => event.ctid !== ctid);
  }

  /** @internal Whether the endpoint is closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private schedule(): void {
    if (this.scheduled || this.listener === undefined || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (!this.closed && this.listener !== undefined && this.pending.length > 0) {
        const event = this.pending.shift() as QueuedEvent;
        this.listener.onEvent(rawEvent(event));
      }
    });
  }

  read(): RawContractEvent | undefined {
    if (this.closed) throw badf('ct_event_read');
    const event = this.pending.shift();
    return event === undefined ? undefined : rawEvent(event);
  }

  readCritical(): RawContractEvent | undefined {
    if (this.closed) throw badf('ct_event_read_critical');
    const index = this.pending.findIndex((event) => event.critical && !event.acked);
    if (index < 0) {
      this.pending = [];
      return undefined;
    }
    const event = this.pending[index] as QueuedEvent;
    this.pending = this.pending.slice(index + 1);
    return rawEvent(event);
  }

  reset(): void {
    if (this.closed) throw badf('ct_event_reset');
    const byEvid = new Map<bigint, QueuedEvent>();
    for (const event of this.host.retained(this)) byEvid.set(event.evid, event);
    for (const event of this.pending) byEvid.set(event.evid, event);
    this.pending = [...byEvid.values()].sort((a, b) => (a.evid < b.evid ? -1 : a.evid > b.evid ? 1 : 0));
    this.schedule();
  }

  reliable(): void {
    if (this.closed) throw badf('ct_event_reliable');
    // Nothing is trimmed from behind an open endpoint here, so a reliable listener only needs the
    // privilege check illumos makes.
    if (!this.host.privileged) throw ContractError.fromErrno(constants.errno.EPERM, 'ct_event_reliable');
  }

  listen(listener: ContractEventListener | undefined): void {
    if (this.closed) throw badf('listen');
    this.listener = listener;
    this.schedule();
  }

  ref(): void {
    if (this.closed) throw badf('ref');
    if (this.referenced) return;
    this.referenced = true;
    this.host.hold(1);
  }

  unref(): void {
    if (this.closed) throw badf('unref');
    if (!this.referenced) return;
    this.referenced = false;
    this.host.hold(-1);
  }

  close(): void {
    if (this.closed) return;
    if (this.referenced) this.host.hold(-1);
    this.referenced = false;
    this.closed = true;
    this.listener = undefined;
    this.pending = [];
    this.host.detach(this);
  }
}
