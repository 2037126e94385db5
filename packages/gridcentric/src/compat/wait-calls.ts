import { validateCInt, validateCallback } from './arguments.ts';
import { currentBackend } from './backend-slot.ts';
import { deliver } from './deliver.ts';
import { toCompatExit, type CompatDomainExit } from './records.ts';

/** Waits until the clone terminates and reaps it: callback(exit object), -1 on error. */
export function wait_domain(vmid: number, callback: (exit: CompatDomainExit | -1) => void): void {
  const checked = validateCInt(vmid, 'vmid');
  validateCallback(callback);
  deliver(currentBackend().waitDomain(checked), callback, toCompatExit);
}

/** Waits until any dependent clone terminates and reaps it: callback(exit object), -1 on error. */
export function wait_any(callback: (exit: CompatDomainExit | -1) => void): void {
  validateCallback(callback);
  deliver(currentBackend().waitAny(), callback, toCompatExit);
}

/** Waits until every clone of the ticket terminated, then discards it: callback(0), -1 on error. */
export function sync_ticket(ticket: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  deliver(currentBackend().syncTicket(checked), callback, (): 0 => 0);
}
