/**
 * The controller's pool of clone slots. A slot is held by a ticket's unused capacity or by a
 * live clone; it returns to the pool when the capacity is cancelled or discarded, or when the clone
 * terminates.
 */
export class SlotPool {
  #capacity: number;
  #held = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Total slots of the controller. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Slots held by tickets and live clones. */
  get held(): number {
    return this.#held;
  }

  /** Slots a request could be granted now; never negative, even after the capacity shrank below `held`. */
  get free(): number {
    return Math.max(0, this.#capacity - this.#held);
  }

  /** Changes the total; held slots stay held until released. */
  resize(capacity: number): void {
    this.#capacity = capacity;
  }

  /** Grants up to `wanted` slots (as many as are free) and returns how many. */
  grant(wanted: number): number {
    const granted = Math.min(wanted, this.free);
    this.#held += granted;
    return granted;
  }

  /** Returns `count` held slots to the pool. */
  release(count: number): void {
    if (count < 0 || count > this.#held)
      throw new Error(`slot accounting broken: releasing ${count} of ${this.#held} held slots`);
    this.#held -= count;
  }
}
