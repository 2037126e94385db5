import { refusedByFacade, validateCInt, validateCallback } from './arguments.ts';
import { currentFacade } from './backend-slot.ts';
import { deliver, deliverRefusal } from './deliver.ts';
import { toCompatTicket, type CompatTicketInfo } from './records.ts';

// Ticket ids start at 1 (GridcentricEngine's #nextTicket), so the library knows no ticket below 1:
// the engine's #ownTicket finds none and the call fails with ENOENT (GC_ERRNO.unknownTicket).

const zero = (): 0 => 0;

/** Requests clone slots: callback(ticket id), -1 on error. The ticket may grant fewer than `count`. */
export function request_tickets(count: number, callback: (ticket: number) => void): void {
  const checked = validateCInt(count, 'count');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.requestTickets: a count <= 0 is EINVAL (GC_ERRNO.invalidArgument).
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.requestTicket(checked), callback, (ticket) => ticket.id);
}

/** Returns a ticket's unused capacity: callback(0), -1 on error. Its clones keep running. */
export function cancel_ticket(ticket: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.cancelTicket: no such ticket, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.cancelTicket(checked), callback, zero);
}

/** Detaches a ticket's clones from this VM's lifecycle: callback(0), -1 on error. */
export function make_ticket_independent(ticket: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.makeTicketIndependent: no such ticket, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.makeTicketIndependent(checked), callback, zero);
}

/** The tickets this VM holds: callback(array of ticket objects), -1 on error. */
export function list_tickets(callback: (tickets: CompatTicketInfo[] | -1) => void): void {
  validateCallback(callback);
  deliver(currentFacade().listTickets(), callback, (tickets) => tickets.map(toCompatTicket));
}

/** Clones this VM under `ticket`: callback(vmid) in the parent (0 in the clone's copy), -1 on error. */
export function clone(ticket: number, callback: (vmid: number) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.clone: no such ticket, ENOENT. Otherwise the C return value: 0 in the
  // clone's copy (as fork() returns 0 in the child), the vmid in the parent.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.clone(checked), callback, (outcome) => (outcome.role === 'clone' ? 0 : outcome.vmid));
}
