import { refusedByFacade, validateCInt, validateCallback } from './arguments.ts';
import { currentFacade } from './backend-slot.ts';
import { deliver, deliverRefusal } from './deliver.ts';

/** Kills one clone: callback(0), -1 on error. */
export function kill_clone_domain(vmid: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(vmid, 'vmid');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.killCloneDomain: every vmid is >= 1, so no such domain, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.kill(checked), callback, (): 0 => 0);
}

/** Kills every clone of this VM's dependent tickets: callback(count killed), -1 on error. */
export function killall_clone_domains(callback: (killed: number) => void): void {
  validateCallback(callback);
  deliver(currentFacade().killAll(), callback, (killed) => killed);
}

/** Kills every clone of one ticket: callback(count killed), -1 on error. */
export function killall_ticket_domains(ticket: number, callback: (killed: number) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.killallTicketDomains: ticket ids start at 1, so no such ticket, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.killAll({ ticket: checked }), callback, (killed) => killed);
}
