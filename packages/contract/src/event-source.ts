import { DEVICE_EVENTS, PROCESS_EVENTS } from '@sysbind/contract-interface';
import { NEGEND_EVENT } from './names.ts';
import type { ContractEvent } from './event.ts';
import { EventIterator } from './event-iterator.ts';
import { closedError } from './errors.ts';
import { SubscriberContextEmitter } from './subscriber-context.ts';
import { validateAbortSignal, validateObject } from './validate.ts';

const EVENT_NAMES = new Set<string>([
  ...Object.keys(PROCESS_EVENTS),
  ...Object.keys(DEVICE_EVENTS),
  NEGEND_EVENT,
  'unknown',
  'event',
]);

/** Options of `events()`. */
export interface EventsOptions {
  /** Stops the iteration: the pending `next()` rejects with an AbortError (code ABORT_ERR). */
  readonly signal?: AbortSignal;
}

/**
 * Delivery shared by contracts and type watchers: EventEmitter events named as in contract(5)
 * plus `'event'` for all, async iterators, a backlog for events that arrive while nobody
 * consumes, and the ref/unref rule (a source keeps the event loop alive only while it is ref'd,
 * open, and has a consumer: a listener of an event name, or an unfinished iterator). Listeners and
 * iterators run in the async context (AsyncLocalStorage) of the code that subscribed.
 */
export abstract class ContractEventSource extends SubscriberContextEmitter {
  // The unfinished iterators; undefined while there are none (allocated by the first events()
  // call, dropped with the last iterator). Most contracts are consumed through listeners, and then
  // dispatch, which runs once per delivered event, tests a field instead of reading a Set that
  // lives in other cache lines; with 10,000 contracts those reads are cache misses.
  private iterators: Set<EventIterator<ContractEvent>> | undefined;
  private backlog: ContractEvent[] = [];
  private flushScheduled = false;
  private refd = true;
  private pinned = false;
  private sourceClosed = false;

  constructor() {
    super();
    this.on('newListener', (name: string | symbol) => {
      if (typeof name === 'string' && EVENT_NAMES.has(name)) {
        queueMicrotask(() => {
          this.updatePin();
        });
        if (this.backlog.length > 0) this.scheduleFlush();
      }
    });
    this.on('removeListener', (name: string | symbol) => {
      if (typeof name === 'string' && EVENT_NAMES.has(name)) this.updatePin();
    });
  }

  /** What this source is called in errors. */
  protected abstract describe(): string;
  /** Told when the source starts or stops keeping the event loop alive. */
  protected abstract setPinned(pinned: boolean): void;

  /** True after close(). */
  get closed(): boolean {
    return this.sourceClosed;
  }

  /**
   * Async iterator over the events from now on (plus any backlog, which the first consumer gets).
   * It finishes after close() once drained; see {@link EventsOptions} for abort.
   */
  events(options: EventsOptions = {}): AsyncIterableIterator<ContractEvent, undefined, undefined> {
    const signal = validateAbortSignal(validateObject(options, 'options')['signal']);
    if (this.sourceClosed) throw closedError(this.describe());
    const iterator = new EventIterator<ContractEvent>((done) => {
      this.iterators?.delete(done);
      if (this.iterators?.size === 0) this.iterators = undefined;
      this.updatePin();
    }, signal);
    if (!iterator.done) {
      for (const event of this.backlog) iterator.push(event);
      this.backlog = [];
      (this.iterators ??= new Set()).add(iterator);
      this.updatePin();
    }
    return iterator;
  }

  /** Lets this source keep the event loop alive while it has consumers (the default). */
  ref(): this {
    this.refd = true;
    this.updatePin();
    return this;
  }

  /** Stops this source from keeping the event loop alive. */
  unref(): this {
    this.refd = false;
    this.updatePin();
    return this;
  }

  /** True if some listener or iterator would receive an event now. */
  protected hasConsumer(): boolean {
    if (this.iterators !== undefined) return true;
    for (const name of this.eventNames()) if (typeof name === 'string' && EVENT_NAMES.has(name)) return true;
    return false;
  }

  private updatePin(): void {
    const pinned = this.refd && !this.sourceClosed && this.hasConsumer();
    if (pinned === this.pinned) return;
    this.pinned = pinned;
    this.setPinned(pinned);
  }

  /** Hands an event to the consumers, or keeps it until the first one attaches. */
  protected dispatch(event: ContractEvent): void {
    if (this.sourceClosed) return;
    // This runs once per delivered event. A listener of this event's name or of 'event' settles
    // it without hasConsumer(), whose eventNames() allocates an array each call (a third of the
    // facade's cost per event, and garbage that adds to the GC work of large processes).
    const iterators = this.iterators;
    const consumed =
      iterators !== undefined ||
      this.listenerCount(event.type) > 0 ||
      this.listenerCount('event') > 0 ||
      this.hasConsumer();
    if (!consumed) {
      this.backlog.push(event);
      return;
    }
    if (iterators !== undefined) for (const iterator of iterators) iterator.push(event);
    this.emit(event.type, event);
    this.emit('event', event);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      const pending = this.backlog;
      this.backlog = [];
      for (const event of pending) this.dispatch(event);
    });
  }

  /** Delivers a failure: to iterators, and as 'error' if someone listens (else a process warning). */
  protected deliverError(error: Error): void {
    if (this.sourceClosed) return;
    const hadIterators = this.iterators !== undefined;
    for (const iterator of [...(this.iterators ?? [])]) iterator.fail(error);
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else if (!hadIterators) process.emitWarning(error);
  }

  /** Ends iterators (they drain first) and stops delivery; idempotent. */
  protected closeSource(): void {
    if (this.sourceClosed) return;
    this.sourceClosed = true;
    this.backlog = [];
    for (const iterator of [...(this.iterators ?? [])]) iterator.end();
    this.iterators = undefined;
    this.updatePin();
    this.emit('close');
  }
}
