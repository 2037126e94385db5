import { validateCInt, validateCallback } from './arguments.ts';
import { currentBackend } from './backend-slot.ts';
import { deliver } from './deliver.ts';
import { toCompatTicket, type CompatTicketInfo } from './records.ts';

const same = <T>(value: T): T => value;
const zero = (): 0 => 0;

/** Requests clone slots: callback(ticket id), -1 on error. The ticket may grant fewer than `count`. */
export function request_tickets(count: number, callback: (ticket: number) => void): void {
  const checked = validateCInt(count, 'count');
  validateCallback(callback);
  deliver(currentBackend().requestTickets(checked), callback, same);
}

/** Returns a ticket's unused capacity: callback(0), -1 on error. Its clones keep running. */
export function cancel_ticket(ticket: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  deliver(currentBackend().cancelTicket(checked), callback, zero);
}

/** Detaches a ticket's clones from this VM's lifecycle: callback(0), -1 on error. */
export function make_ticket_independent(ticket: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  deliver(currentBackend().makeTicketIndependent(checked), callback, zero);
}

/** The tickets this VM holds: callback(array of ticket objects), -1 on error. */
export function list_tickets(callback: (tickets: CompatTicketInfo[] | -1) => void): void {
  validateCallback(callback);
  deliver(currentBackend().listTickets(), callback, (tickets) => tickets.map(toCompatTicket));
}

/** Clones this VM under `ticket`: callback(vmid) in the parent (0 in the clone's copy), -1 on error. */
export function clone(ticket: number, callback: (vmid: number) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  deliver(currentBackend().clone(checked), callback, same);
}
