// contract(5) event endpoints in user space: each is a listener on one of the host's event queues
// (a contract's own, the process bundle, the bundle), which follow illumos's queue model shared
// with the simulator (EventQueue in @sysbind/contract-interface): one event object per
// publication on every queue it belongs to, critical events kept until acknowledged and trimmed,
// informative ones only where someone listens. Delivery to a listener is always asynchronous.
import {
  CTE_ACK,
  CTE_INFO,
  ContractError,
  type ContractEventEndpoint,
  type ContractEventListener,
  type EventEndpointKind,
  type EventQueue,
  type QueueListener,
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

/** One open endpoint: a listener on one queue (cte_add_listener puts it at the tail). */
export class LinuxEventEndpoint implements ContractEventEndpoint {
  readonly kind: EventEndpointKind;
  readonly type = 'process' as const;
  readonly ctid: number | undefined;
  private readonly host: EndpointHost;
  private readonly queue: EventQueue<QueuedEvent>;
  private readonly position: QueueListener<QueuedEvent>;
  private listener: ContractEventListener | undefined;
  private scheduled = false;
  private referenced = false;
  private closed = false;

  constructor(host: EndpointHost, kind: EventEndpointKind, ctid: number | undefined, queue: EventQueue<QueuedEvent>) {
    this.host = host;
    this.kind = kind;
    this.ctid = ctid;
    this.queue = queue;
    this.position = queue.listen(undefined, (readable) => {
      if (readable) this.schedule();
    });
  }

  /** @internal Whether the endpoint is closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.listener === undefined) return;
    if (!this.queue.pending(this.position)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (!this.closed && this.listener !== undefined) {
        const event = this.queue.read(this.position, false);
        if (event === undefined) break;
        this.listener.onEvent(rawEvent(event));
      }
    });
  }

  read(): RawContractEvent | undefined {
    if (this.closed) throw badf('ct_event_read');
    const event = this.queue.read(this.position, false);
    return event === undefined ? undefined : rawEvent(event);
  }

  readCritical(): RawContractEvent | undefined {
    if (this.closed) throw badf('ct_event_read_critical');
    const event = this.queue.read(this.position, true);
    return event === undefined ? undefined : rawEvent(event);
  }

  reset(): void {
    if (this.closed) throw badf('ct_event_reset');
    this.queue.reset(this.position);
    this.schedule();
  }

  reliable(): void {
    if (this.closed) throw badf('ct_event_reliable');
    if (!this.host.privileged) throw ContractError.fromErrno(constants.errno.EPERM, 'ct_event_reliable');
    // CTLF_RELIABLE: a contract's trim (abandon, destroy) stops at the events this listener has
    // not read yet, except on the process bundle.
    this.position.reliable = true;
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
    // cte_remove_listener: what only this listener held back is trimmed.
    this.queue.unlisten(this.position);
    this.host.detach(this);
  }
}
