import type { SimEvent } from './event.ts';
import { eventFlags } from './event.ts';
import { CTE_ACK, CTE_INFO } from '@sysbind/contract-interface';

/** Which kind of kernel queue (CTEL_CONTRACT, CTEL_BUNDLE, CTEL_PBUNDLE). */
export type QueueKind = 'contract' | 'bundle' | 'pbundle';

interface QueueEntry {
  readonly event: SimEvent;
  readonly seq: number;
  /** Removed from this queue (abandon purge, destroy) but not yet trimmed. */
  dropped: boolean;
}

/** Decides whether a listener may see an event (the bundle's euid filter). */
export type EventFilter = (event: SimEvent) => boolean;

/**
 * One open endpoint: a cursor into a queue. `seq` numbers are per queue and never reused, so a
 * cursor stays meaningful while entries are trimmed in front of it.
 */
export class QueueListener {
  cursor: number;
  reliable = false;
  /** Last readiness reported to the watcher. */
  readable = false;
  readonly queue: EventQueue;
  readonly filter: EventFilter | undefined;
  readonly onReadiness: (readable: boolean) => void;
  constructor(queue: EventQueue, filter: EventFilter | undefined, onReadiness: (readable: boolean) => void) {
    this.queue = queue;
    this.filter = filter;
    this.onReadiness = onReadiness;
    this.cursor = queue.nextSeq;
  }
}

/**
 * An event queue with independent listeners. Informative events are not queued while nobody
 * listens; informative, acknowledged and dropped entries are trimmed from the front up to the
 * first entry some listener has not passed; unacknowledged critical events are never trimmed.
 */
export class EventQueue {
  private entries: QueueEntry[] = [];
  private start = 0;
  private firstSeq = 0;
  readonly listeners = new Set<QueueListener>();
  dead = false;

  readonly kind: QueueKind;
  constructor(kind: QueueKind) {
    this.kind = kind;
  }

  get nextSeq(): number {
    return this.firstSeq + (this.entries.length - this.start);
  }

  /** Appends `event` unless it is informative and nobody listens; wakes listeners that can see it. */
  publish(event: SimEvent): void {
    if (!event.critical && this.listeners.size === 0) return;
    this.trim();
    this.entries.push({ event, seq: this.nextSeq, dropped: false });
    for (const listener of this.listeners) {
      if (!listener.readable && (listener.filter === undefined || listener.filter(event))) {
        listener.readable = true;
        listener.onReadiness(true);
      }
    }
  }

  /** Opens a listener positioned at the tail. */
  listen(filter: EventFilter | undefined, onReadiness: (readable: boolean) => void): QueueListener {
    const listener = new QueueListener(this, filter, onReadiness);
    this.listeners.add(listener);
    return listener;
  }

  /** Closes `listener` and trims what only it was holding back. */
  unlisten(listener: QueueListener): void {
    this.listeners.delete(listener);
    this.trim();
  }

  /** Reads the next visible event at or after the listener's cursor (criticalOnly skips INFO and ACK). */
  read(listener: QueueListener, criticalOnly: boolean): SimEvent | undefined {
    let index = this.start + Math.max(0, listener.cursor - this.firstSeq);
    const end = this.entries.length;
    let found: QueueEntry | undefined;
    for (; index < end; index++) {
      const entry = this.entries[index];
      if (entry === undefined) break;
      if (!this.visible(listener, entry)) continue;
      if (criticalOnly && (eventFlags(entry.event) & (CTE_INFO | CTE_ACK)) !== 0) continue;
      found = entry;
      index++;
      break;
    }
    listener.cursor = this.firstSeq + (index - this.start);
    this.refresh(listener);
    this.trim();
    return found?.event;
  }

  /** Moves the listener's cursor to the head of the queue. */
  reset(listener: QueueListener): void {
    listener.cursor = this.firstSeq;
    this.refresh(listener);
  }

  /** True if the listener has a visible unread event. */
  pending(listener: QueueListener): boolean {
    const end = this.entries.length;
    for (let index = this.start + Math.max(0, listener.cursor - this.firstSeq); index < end; index++) {
      const entry = this.entries[index];
      if (entry !== undefined && this.visible(listener, entry)) return true;
    }
    return false;
  }

  /**
   * Drops the events of contract `ctid` from this queue (abandon purge, destroy). Entries a
   * reliable listener has not passed yet are kept.
   */
  dropContract(ctid: number): void {
    let minReliable = Infinity;
    for (const listener of this.listeners) if (listener.reliable) minReliable = Math.min(minReliable, listener.cursor);
    for (let index = this.start; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry !== undefined && entry.event.ctid === ctid && entry.seq < minReliable) entry.dropped = true;
    }
    for (const listener of this.listeners) this.refresh(listener);
    this.trim();
  }

  /** The live (not dropped) events of contract `ctid`, oldest first. */
  eventsOf(ctid: number): SimEvent[] {
    const events: SimEvent[] = [];
    for (let index = this.start; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry !== undefined && !entry.dropped && entry.event.ctid === ctid) events.push(entry.event);
    }
    return events;
  }

  /** Number of entries still held (for tests of trimming). */
  get size(): number {
    return this.entries.length - this.start;
  }

  /** Re-evaluates and reports the readiness of every listener (after acks change visibility). */
  refreshAll(): void {
    for (const listener of this.listeners) this.refresh(listener);
  }

  private visible(listener: QueueListener, entry: QueueEntry): boolean {
    return !entry.dropped && (listener.filter === undefined || listener.filter(entry.event));
  }

  private refresh(listener: QueueListener): void {
    // A dead queue polls readable so that the reader comes to learn EIDRM.
    const readable = this.dead || this.pending(listener);
    if (readable !== listener.readable) {
      listener.readable = readable;
      listener.onReadiness(readable);
    }
  }

  /** Removes trimmable entries from the front, never past a listener's cursor. */
  trim(): void {
    let limit = this.nextSeq;
    for (const listener of this.listeners) if (listener.cursor < limit) limit = listener.cursor;
    while (this.start < this.entries.length) {
      const entry = this.entries[this.start];
      if (entry === undefined || entry.seq >= limit) break;
      const event = entry.event;
      if (!entry.dropped && event.critical && !event.acked) break;
      this.start++;
      this.firstSeq++;
    }
    if (this.start === this.entries.length) {
      this.entries = [];
      this.start = 0;
    } else if (this.start > 256 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }
}
