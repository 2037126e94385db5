// contract(5)'s event queues, after illumos's usr/src/uts/common/os/contract.c: one model shared
// by the simulator (@sysbind/testing-fakes) and the Linux backend (@sysbind/contract-native), so
// both publish, trim, read and reset exactly alike. Pure TypeScript, generic over the event shape.

/** Which kind of kernel queue (CTEL_CONTRACT, CTEL_BUNDLE, CTEL_PBUNDLE). */
export type QueueKind = 'contract' | 'bundle' | 'pbundle';

/**
 * What the queues need of an event (the kernel's ct_kevent_t): its contract, whether it is
 * critical, and whether it is acknowledged yet. The same object sits on every queue it was
 * published to, so setting `acked` on it is seen everywhere (tell the {@link AckLedger}).
 */
export interface QueueEvent {
  /** The contract the event is about. */
  readonly ctid: number;
  /** Critical (kept until acknowledged) rather than informative. */
  readonly critical: boolean;
  /** Acknowledged (CTE_ACK). */
  readonly acked: boolean;
}

/** An event is informative or acknowledged: ct_event_read_critical skips it, trims remove it. */
function expendable(event: QueueEvent): boolean {
  return !event.critical || event.acked;
}

interface QueueEntry<E extends QueueEvent> {
  readonly event: E;
  readonly seq: number;
  /**
   * Trimmed for its contract (abandon purge, destroy) while a listener pointed at it: every
   * listener skips it, and it goes once nobody points at it (cte_trim's ctm_trimmed).
   */
  trimmed: boolean;
}

/** Decides whether a listener may see an event (the bundle's euid filter). */
export type EventFilter<E extends QueueEvent> = (event: E) => boolean;

/**
 * Counts acknowledgements across the kernel's queues. An event sits on up to three queues and is
 * acknowledged through its contract, so a queue cannot see the acknowledgement happen; it only
 * needs to know that one happened to look again at the critical events it keeps.
 */
export class AckLedger {
  /** How many acknowledgements (or batches of them) there were so far. */
  epoch = 0;
  /** Records that some event was acknowledged. */
  acknowledged(): void {
    this.epoch++;
  }
}

/**
 * One open endpoint: a cursor into a queue. `cursor` is the sequence number of the entry the
 * listener points at (its next event); at or past `nextSeq` it waits at the tail. Sequence numbers
 * are per queue and never reused, so a cursor stays meaningful while entries are removed.
 */
export class QueueListener<E extends QueueEvent> {
  /** Sequence number of the entry the listener points at (ctl_position). */
  cursor: number;
  /** A reliable listener (ct_event_reliable, CTLF_RELIABLE) holds back a contract's trim. */
  reliable = false;
  /** Last readiness reported to the watcher. */
  readable = false;
  /** The queue the listener reads. */
  readonly queue: EventQueue<E>;
  /** Which events the listener may see; undefined sees all. */
  readonly filter: EventFilter<E> | undefined;
  /** Told when the listener becomes readable or stops being readable (pollwakeup). */
  readonly onReadiness: (readable: boolean) => void;
  /** Positions the listener at the tail of `queue` (cte_add_listener); `listen` also registers it. */
  constructor(queue: EventQueue<E>, filter: EventFilter<E> | undefined, onReadiness: (readable: boolean) => void) {
    this.queue = queue;
    this.filter = filter;
    this.onReadiness = onReadiness;
    this.cursor = queue.nextSeq;
  }
}

/**
 * An event queue with independent listeners, after os/contract.c: cte_publish (informative and
 * acknowledged events are not queued while nobody listens; a dead queue takes nothing), cte_trim
 * (run at publish, at listener removal and, for one contract, at abandon and destroy — not at
 * read or reset), cte_get_event, cte_reset_listener and cte_queue_drain.
 */
export class EventQueue<E extends QueueEvent> {
  /** Entries in publish order; removed ones are spliced out, so seqs may have gaps. */
  private entries: QueueEntry<E>[] = [];
  private seqCounter = 0;
  /**
   * How many entries from the front the last trim kept because they are unacknowledged critical
   * events, valid while `ledger.epoch` equals `retainedEpoch`: a later trim starts after them.
   */
  private retained = 0;
  private retainedEpoch = -1;
  private readonly ledger: AckLedger;
  /** The open listeners (ctq_listeners). */
  readonly listeners = new Set<QueueListener<E>>();
  /** Drained (cte_queue_drain): holds nothing and takes nothing more. */
  dead = false;

  /** Which kind of queue this is (a pbundle's reliable listeners hold nothing back). */
  readonly kind: QueueKind;
  /** An empty queue; `ledger` is shared by every queue an event may sit on. */
  constructor(kind: QueueKind, ledger: AckLedger = new AckLedger()) {
    this.kind = kind;
    this.ledger = ledger;
  }

  /** The sequence number the next published entry gets (a listener there waits at the tail). */
  get nextSeq(): number {
    return this.seqCounter;
  }

  /**
   * cte_publish: appends `event` (not if the queue is dead, nor if it is informative or already
   * acknowledged and nobody listens), wakes the listeners waiting at the tail, then trims.
   */
  publish(event: E): void {
    if (this.dead) return;
    if (this.listeners.size === 0 && (!event.critical || event.acked)) return;
    const seq = this.seqCounter++;
    this.entries.push({ event, seq, trimmed: false });
    for (const listener of this.listeners) {
      if (listener.cursor < seq) continue;
      listener.cursor = seq;
      if (!listener.readable && (listener.filter === undefined || listener.filter(event))) {
        listener.readable = true;
        listener.onReadiness(true);
      }
    }
    this.trim();
  }

  /**
   * cte_copy (contract_adopt): appends `event` without the publish rules, for the unacknowledged
   * critical events an adopted contract brings to its new owner's pbundle.
   */
  append(event: E): void {
    if (this.dead) return;
    const seq = this.seqCounter++;
    this.entries.push({ event, seq, trimmed: false });
    for (const listener of this.listeners) {
      if (listener.cursor < seq) continue;
      listener.cursor = seq;
      this.refresh(listener);
    }
  }

  /** Opens a listener positioned at the tail. */
  listen(filter: EventFilter<E> | undefined, onReadiness: (readable: boolean) => void): QueueListener<E> {
    const listener = new QueueListener<E>(this, filter, onReadiness);
    this.listeners.add(listener);
    return listener;
  }

  /** cte_remove_listener: closes `listener` and trims what only it was holding back. */
  unlisten(listener: QueueListener<E>): void {
    this.listeners.delete(listener);
    this.trim();
  }

  /**
   * cte_get_event: the next event the listener may see (criticalOnly skips INFO and ACK), moving
   * its cursor past everything it skipped and past the event. Reading trims nothing.
   */
  read(listener: QueueListener<E>, criticalOnly: boolean): E | undefined {
    let index = this.indexOf(listener.cursor);
    let found: QueueEntry<E> | undefined;
    for (; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry === undefined) break;
      if (!this.visible(listener, entry)) continue;
      if (criticalOnly && expendable(entry.event)) continue;
      found = entry;
      index++;
      break;
    }
    listener.cursor = this.seqAt(this.skipTrimmed(index));
    this.refresh(listener);
    return found?.event;
  }

  /** cte_reset_listener: moves the listener's cursor to the head of the queue. */
  reset(listener: QueueListener<E>): void {
    listener.cursor = this.seqAt(this.skipTrimmed(0));
    this.refresh(listener);
  }

  /** True if the listener has a visible unread event. */
  pending(listener: QueueListener<E>): boolean {
    for (let index = this.indexOf(listener.cursor); index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry !== undefined && this.visible(listener, entry)) return true;
    }
    return false;
  }

  /**
   * cte_trim with a contract (contract_abandon on the owner's pbundle, contract_destroy on the type
   * bundle): removes every event of contract `ctid` that no listener points at, and marks trimmed
   * those a listener points at, until an event a reliable listener points at — except on a
   * pbundle, where reliable listeners hold nothing back. Informative and acknowledged events of
   * other contracts go too, up to the first event some listener points at.
   */
  dropContract(ctid: number): void {
    const pointers = this.pointers();
    let start = true;
    let write = 0;
    let index = 0;
    for (; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry === undefined) break;
      const pointed = pointers.get(entry.seq);
      const stopper = this.kind !== 'pbundle' && (pointed?.reliable ?? 0) > 0;
      if (pointed === undefined) {
        if ((start && expendable(entry.event)) || entry.event.ctid === ctid || entry.trimmed) continue;
      } else if (entry.event.ctid === ctid && !stopper) {
        entry.trimmed = true;
      } else if (!stopper) {
        start = false;
      } else {
        break;
      }
      this.entries[write++] = entry;
    }
    this.compact(write, index);
    this.retained = 0;
    this.retainedEpoch = -1;
    for (const listener of this.listeners) this.refresh(listener);
  }

  /**
   * cte_queue_drain: removes every event, moves every listener to the tail and marks the queue
   * dead. Nobody is woken (the kernel signals blocked readers, but does not pollwakeup), so a
   * listener only stops being readable.
   */
  drain(): void {
    this.entries = [];
    this.retained = 0;
    this.dead = true;
    for (const listener of this.listeners) {
      listener.cursor = this.seqCounter;
      this.refresh(listener);
    }
  }

  /** The events still queued (not trimmed) of contract `ctid`, oldest first. */
  eventsOf(ctid: number): E[] {
    return this.entries.filter((entry) => !entry.trimmed && entry.event.ctid === ctid).map((entry) => entry.event);
  }

  /** Number of entries still held (for tests of trimming). */
  get size(): number {
    return this.entries.length;
  }

  /** Re-evaluates and reports the readiness of every listener (after acks change visibility). */
  refreshAll(): void {
    for (const listener of this.listeners) this.refresh(listener);
  }

  private visible(listener: QueueListener<E>, entry: QueueEntry<E>): boolean {
    return !entry.trimmed && (listener.filter === undefined || listener.filter(entry.event));
  }

  private refresh(listener: QueueListener<E>): void {
    const readable = this.pending(listener);
    if (readable !== listener.readable) {
      listener.readable = readable;
      listener.onReadiness(readable);
    }
  }

  /** Index of the first entry at or after sequence number `seq` (binary search). */
  private indexOf(seq: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle]?.seq ?? Infinity) < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Sequence number of the entry at `index`, or the tail's. */
  private seqAt(index: number): number {
    return this.entries[index]?.seq ?? this.seqCounter;
  }

  /** First index at or after `index` whose entry is not trimmed (cte_qmove skips them). */
  private skipTrimmed(index: number): number {
    while (this.entries[index]?.trimmed === true) index++;
    return index;
  }

  /** Per sequence number: how many listeners, and reliable ones, point at that entry. */
  private pointers(): Map<number, { listeners: number; reliable: number }> {
    const pointers = new Map<number, { listeners: number; reliable: number }>();
    for (const listener of this.listeners) {
      const entry = this.entries[this.indexOf(listener.cursor)];
      if (entry === undefined) continue;
      const count = pointers.get(entry.seq) ?? { listeners: 0, reliable: 0 };
      count.listeners++;
      if (listener.reliable) count.reliable++;
      pointers.set(entry.seq, count);
    }
    return pointers;
  }

  /** Keeps entries [0, write) and [end, length): the scan moved the kept ones to the front. */
  private compact(write: number, end: number): void {
    if (write < end) this.entries.splice(write, end - write);
  }

  /**
   * cte_trim without a contract (after a publish, after a listener is removed): removes the
   * informative and acknowledged events (and trimmed ones) before the first event a listener
   * points at. Unacknowledged critical events are kept, but are no stopping point: what follows
   * them goes too.
   */
  trim(): void {
    let limit = this.seqCounter;
    for (const listener of this.listeners) if (listener.cursor < limit) limit = listener.cursor;
    let from = 0;
    if (this.retainedEpoch === this.ledger.epoch) from = Math.min(this.retained, this.entries.length);
    let write = from;
    let index = from;
    for (; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry === undefined || entry.seq >= limit) break;
      if (entry.trimmed || expendable(entry.event)) continue;
      this.entries[write++] = entry;
    }
    this.compact(write, index);
    // Everything kept before `write` is an unacknowledged critical event nobody points at: until
    // an acknowledgement, a later trim need not look at them again.
    this.retained = write;
    this.retainedEpoch = this.ledger.epoch;
  }
}
