/** How many consecutive ctids share a page (a power of two). */
const PAGE_BITS = 6;
const PAGE_SIZE = 1 << PAGE_BITS;
const SLOT_MASK = PAGE_SIZE - 1;

/**
 * Values keyed by ctid, for the lookup the router makes for every delivered event.
 *
 * A Map keyed by ctid was the router's main cost that grew with the number of contracts held:
 * with 10,000 entries, each lookup lands in a random bucket of a table far larger than the CPU's
 * cache. Here ids are grouped in pages of consecutive ctids: the page index is a Map about 64
 * times smaller, which stays cached, and each page is a dense array, so contracts with
 * neighbouring ids (the kernel hands ids out in sequence) sit next to each other. Sparse ids cost
 * at most one page each.
 */
export class CtidTable<Value> {
  private readonly pages = new Map<number, (Value | undefined)[]>();
  // Live entries per page (only touched by set and delete), so that empty pages are freed.
  private readonly used = new Map<number, number>();
  private entries = 0;

  /** Number of entries. */
  get size(): number {
    return this.entries;
  }

  /** The value for `ctid`, if any. */
  get(ctid: number): Value | undefined {
    return this.pages.get(ctid >>> PAGE_BITS)?.[ctid & SLOT_MASK];
  }

  /** Sets the value for `ctid` (a non-negative integer). */
  set(ctid: number, value: Value): void {
    const index = ctid >>> PAGE_BITS;
    let page = this.pages.get(index);
    if (page === undefined) {
      page = new Array<Value | undefined>(PAGE_SIZE).fill(undefined);
      this.pages.set(index, page);
    }
    if (page[ctid & SLOT_MASK] === undefined) {
      this.used.set(index, (this.used.get(index) ?? 0) + 1);
      this.entries++;
    }
    page[ctid & SLOT_MASK] = value;
  }

  /** Removes the value for `ctid`; true if there was one. */
  delete(ctid: number): boolean {
    const index = ctid >>> PAGE_BITS;
    const page = this.pages.get(index);
    if (page?.[ctid & SLOT_MASK] === undefined) return false;
    page[ctid & SLOT_MASK] = undefined;
    this.entries--;
    const left = (this.used.get(index) ?? 1) - 1;
    if (left > 0) {
      this.used.set(index, left);
    } else {
      this.used.delete(index);
      this.pages.delete(index);
    }
    return true;
  }

  /** The values, page by page (ctid order within a page). */
  *values(): IterableIterator<Value> {
    for (const page of this.pages.values()) for (const value of page) if (value !== undefined) yield value;
  }

  /** Removes everything. */
  clear(): void {
    this.pages.clear();
    this.used.clear();
    this.entries = 0;
  }
}
