import { validateCInt, validateCallback } from './arguments.ts';
import { currentBackend } from './backend-slot.ts';
import { deliver } from './deliver.ts';

/** Kills one clone: callback(0), -1 on error. */
export function kill_clone_domain(vmid: number, callback: (result: 0 | -1) => void): void {
  const checked = validateCInt(vmid, 'vmid');
  validateCallback(callback);
  deliver(currentBackend().killCloneDomain(checked), callback, (): 0 => 0);
}

/** Kills every clone of this VM's dependent tickets: callback(count killed), -1 on error. */
export function killall_clone_domains(callback: (killed: number) => void): void {
  validateCallback(callback);
  deliver(currentBackend().killallCloneDomains(), callback, (killed) => killed);
}

/** Kills every clone of one ticket: callback(count killed), -1 on error. */
export function killall_ticket_domains(ticket: number, callback: (killed: number) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  deliver(currentBackend().killallTicketDomains(checked), callback, (killed) => killed);
}
