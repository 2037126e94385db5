import { refusedByFacade, validateCInt, validateCallback } from './arguments.ts';
import { currentFacade } from './backend-slot.ts';
import { deliver, deliverRefusal } from './deliver.ts';
import type { CompatDomainExit } from './records.ts';

// The seed's exit object is the facade's decoded record, field for field (compat/records.ts).
const asCompat = (exit: CompatDomainExit): CompatDomainExit => exit;

/** Waits until the clone terminates and reaps it: callback(exit object), -1 on error. */
export function wait_domain(vmid: number, callback: (exit: CompatDomainExit | -1) => void): void {
  const checked = validateCInt(vmid, 'vmid');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine's dispatch (#answersFor) answers a wait for a vmid that is no waitable clone
  // of the caller with ECHILD (GC_ERRNO.nothingToWaitFor); every vmid is >= 1.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.waitDomain(checked), callback, asCompat);
}

/** Waits until any dependent clone terminates and reaps it: callback(exit object), -1 on error. */
export function wait_any(callback: (exit: CompatDomainExit | -1) => void): void {
  validateCallback(callback);
  deliver(currentFacade().waitAny(), callback, asCompat);
}

/** Waits until every clone of the ticket terminated, then discards it: callback(0), -1 on error. */
export function sync_ticket(ticket: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.syncProblem: ticket ids start at 1, so no such ticket, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.syncTicket(checked), callback, (): 0 => 0);
}
