import type { Contract } from '../contract.ts';
import { SubscriberContextEmitter } from '../subscriber-context.ts';
import type { ContractEvent } from '../event.ts';
import type { ContractTemplate } from '../template.ts';
import { validateSignal } from '../validate.ts';
import { compatEvent, compatStatus, type CompatStatus } from './shapes.ts';
import { compatErrors, toCompatError } from './errors.ts';
import { convertTemplate, parseEvid } from './template.ts';

const INTERNAL_EVENTS = new Set<string | symbol>(['newListener', 'removeListener', 'error']);

/**
 * illumos_contract's Contract: an EventEmitter of contract(5) event names over a facade Contract.
 * It keeps the event loop alive only while it has event listeners (the original pinned itself
 * until dispose()).
 */
export class CompatContract extends SubscriberContextEmitter {
  private readonly inner: Contract;
  private readonly currentTemplate: (type: Contract['type']) => ContractTemplate | undefined;

  /** @internal Created by latest(), adopt() and observe(). */
  constructor(inner: Contract, currentTemplate: (type: Contract['type']) => ContractTemplate | undefined) {
    super();
    this.inner = inner;
    this.currentTemplate = currentTemplate;
    inner.unref();
    inner.on('event', (event: ContractEvent) => {
      this.emit(event.type, compatEvent(event));
    });
    inner.on('error', (failure: Error) => {
      const error = toCompatError(failure);
      if (this.listenerCount('error') > 0) this.emit('error', error);
      else process.emitWarning(error);
    });
    const updateRef = (): void => {
      const listening = this.eventNames().some((name) => !INTERNAL_EVENTS.has(name));
      if (listening) inner.ref();
      else inner.unref();
    };
    this.on('newListener', () => {
      queueMicrotask(updateRef);
    });
    this.on('removeListener', updateRef);
  }

  /** The contract id (not in the original API, which only exposed it through status()). */
  get ctid(): number {
    return this.inner.id;
  }

  /** Status in the original shape (ct_status_read at CTD_ALL). */
  status(): CompatStatus {
    return compatErrors(() => compatStatus(this.inner.status()));
  }

  /**
   * ct_ctl_abandon. A device contract's abandon can wait up to 60 s for a negotiation under way:
   * it runs off the JS thread, and a failure is emitted as `'error'` (or warned of).
   */
  abandon(): void {
    if (this.inner.type === 'device') {
      this.inner.abandonAsync().catch((failure: unknown) => {
        const error = toCompatError(failure instanceof Error ? failure : new Error(String(failure)));
        if (this.listenerCount('error') > 0) this.emit('error', error);
        else process.emitWarning(error);
      });
      return;
    }
    compatErrors(() => {
      this.inner.abandon();
    });
  }

  /** Closes every descriptor; no event is emitted afterwards. Idempotent. */
  dispose(): void {
    compatErrors(() => {
      this.inner.close();
    });
  }

  /** ct_ctl_ack with an event id string. */
  ack(evid: string): void {
    compatErrors(() => {
      this.inner.ack(parseEvid(evid));
    });
  }

  /** ct_ctl_nack with an event id string. */
  nack(evid: string): void {
    compatErrors(() => {
      this.inner.nack(parseEvid(evid));
    });
  }

  /** ct_ctl_qack with an event id string. */
  qack(evid: string): void {
    compatErrors(() => {
      this.inner.qack(parseEvid(evid));
    });
  }

  /** sigsend(P_CTID, ctid, sig). */
  sigsend(sig: number): void {
    compatErrors(() => {
      this.inner.signal(validateSignal(sig, 'sig'));
    });
  }

  /**
   * ct_ctl_newct (new): asks for a replacement contract with `template`'s terms, by default the
   * template currently set for this contract's type.
   */
  newct(evid: string, template?: Record<string, unknown>): void {
    compatErrors(() => {
      const terms =
        template === undefined
          ? (this.currentTemplate(this.inner.type) ?? { type: this.inner.type })
          : convertTemplate(template);
      this.inner.newct(parseEvid(evid), terms);
    });
  }
}
