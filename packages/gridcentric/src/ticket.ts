import { isGridcentricError } from '@sysbind/gridcentric-interface';
import type { DomainInfo, TicketInfo } from './records.ts';
import type { CloneOutcome } from './clone-handle.ts';
import { validateId } from './validate.ts';

// Shared by every copy of this module (ESM and CommonJS twins), so either facade takes the other's tickets.
const TICKET = Symbol.for('@sysbind/gridcentric.ticket');

/**
 * A reservation of clone slots (`gc_request_tickets`), as an object: its methods are the facade's
 * ticket calls bound to it, and leaving an `await using` scope (or `close()`) gives its unused
 * slots back, as `gc_cancel_ticket` does, while its clones keep running. Wherever the facade takes
 * a ticket id it takes a `Ticket` too; as a primitive (`${ticket}`, `+ticket`) it is its id.
 */
export interface Ticket extends AsyncDisposable {
  /** The ticket id. */
  readonly id: number;
  /** Clones this VM under the ticket (`Gridcentric.clone`). */
  clone(): Promise<CloneOutcome>;
  /** The ticket as `gc_list_tickets` reports it; undefined once cancelled or discarded. */
  info(): Promise<TicketInfo | undefined>;
  /** Its unreaped clones (`gc_list_ticket_domains`). */
  domains(): Promise<DomainInfo[]>;
  /** Returns the unused slots; the clones keep running (`gc_cancel_ticket`). */
  cancel(): Promise<void>;
  /** Detaches its clones from this VM (`gc_make_ticket_independent`). */
  makeIndependent(): Promise<void>;
  /** Kills its clones and discards it, as SnowFlock's `sf_kill` (`Gridcentric.killTicket`); resolves to the count killed. */
  kill(): Promise<number>;
  /** Waits until every clone of the ticket terminated; the ticket is then discarded (`gc_sync_ticket`). */
  sync(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /**
   * Gives the unused slots back if the ticket is still held (`gc_cancel_ticket`); a ticket already
   * cancelled, discarded, or unknown here (in a clone's copy of the program, which holds none of
   * its parent's tickets) is left as it is. Idempotent.
   */
  close(): Promise<void>;
  /** Its id, for template strings and arithmetic. */
  [Symbol.toPrimitive](hint: string): number | string;
}

/** The facade calls a ticket handle is made of. */
export interface TicketCalls {
  clone(ticket: number): Promise<CloneOutcome>;
  listTickets(): Promise<TicketInfo[]>;
  listDomains(options: { readonly ticket: number }): Promise<DomainInfo[]>;
  cancelTicket(ticket: number): Promise<void>;
  makeTicketIndependent(ticket: number): Promise<void>;
  killTicket(ticket: number): Promise<number>;
  syncTicket(ticket: number, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** The failures that mean "nothing to give back": already cancelled (EPERM), gone (ENOENT), facade closed. */
function isAlreadyReleased(error: unknown): boolean {
  return isGridcentricError(error) && ['EPERM', 'ENOENT', 'ERR_GRIDCENTRIC_CLOSED'].includes(error.code);
}

// A class, so that `id` is the only own property: a handle prints and compares as its id.
class TicketHandle implements Ticket {
  readonly id: number;
  readonly #calls: TicketCalls;
  #closing: Promise<void> | undefined;

  constructor(calls: TicketCalls, id: number) {
    this.#calls = calls;
    this.id = id;
  }

  get [TICKET](): true {
    return true;
  }

  clone(): Promise<CloneOutcome> {
    return this.#calls.clone(this.id);
  }

  async info(): Promise<TicketInfo | undefined> {
    return (await this.#calls.listTickets()).find((info) => info.ticket === this.id);
  }

  domains(): Promise<DomainInfo[]> {
    return this.#calls.listDomains({ ticket: this.id });
  }

  cancel(): Promise<void> {
    return this.#calls.cancelTicket(this.id);
  }

  makeIndependent(): Promise<void> {
    return this.#calls.makeTicketIndependent(this.id);
  }

  kill(): Promise<number> {
    return this.#calls.killTicket(this.id);
  }

  sync(options?: { readonly signal?: AbortSignal }): Promise<void> {
    return this.#calls.syncTicket(this.id, options);
  }

  close(): Promise<void> {
    this.#closing ??= this.#calls.cancelTicket(this.id).catch((error: unknown) => {
      if (!isAlreadyReleased(error)) throw error;
    });
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'string' ? String(this.id) : this.id;
  }
}

/** A ticket handle over `calls`. */
export function createTicket(calls: TicketCalls, id: number): Ticket {
  return new TicketHandle(calls, id);
}

/** True if `value` is a ticket handle of this facade. */
export function isTicket(value: unknown): value is Ticket {
  return typeof value === 'object' && value !== null && (value as { [TICKET]?: unknown })[TICKET] === true;
}

/** A ticket argument: an id, or a ticket handle; checked as {@link validateId}. */
export function validateTicket(value: unknown, name: string): number {
  return validateId(isTicket(value) ? value.id : value, name);
}
