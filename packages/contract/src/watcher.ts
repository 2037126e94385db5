import type { ContractEventEndpoint, ContractType } from '@sysbind/contract-interface';
import { decodeEvent } from './event.ts';
import { ContractEventSource } from './event-source.ts';

/**
 * Type-wide observation, like ctwatch(1) on a type: every event of every contract of the type
 * that the caller may see (the type bundle; events of other users' contracts are filtered out
 * unless the process has PRIV_CONTRACT_OBSERVER). Cannot acknowledge anything.
 */
export class ContractWatcher extends ContractEventSource {
  /** The contract type watched. */
  readonly type: ContractType;
  private readonly endpoint: ContractEventEndpoint;

  /** @internal Created by ContractSystem#watch. */
  constructor(type: ContractType, endpoint: ContractEventEndpoint) {
    super();
    this.type = type;
    this.endpoint = endpoint;
    endpoint.listen({
      onEvent: (raw) => {
        this.dispatch(decodeEvent(raw));
      },
      onError: (error) => {
        this.deliverError(error);
      },
    });
  }

  protected describe(): string {
    return `the ${this.type} contract watcher`;
  }

  protected setPinned(pinned: boolean): void {
    if (pinned) this.endpoint.ref();
    else this.endpoint.unref();
  }

  /** Stops watching; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closeSource();
    this.endpoint.close();
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
