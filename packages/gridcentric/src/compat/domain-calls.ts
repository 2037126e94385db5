import type { DomainStatus } from '@sysbind/gridcentric-interface';
import { refusedByFacade, validateCInt, validateCallback } from './arguments.ts';
import { currentFacade } from './backend-slot.ts';
import { deliver, deliverRefusal } from './deliver.ts';
import type { CompatDomainInfo } from './records.ts';

// The seed's domain object is the facade's decoded record, field for field (compat/records.ts).
const asCompat = (domains: CompatDomainInfo[]): CompatDomainInfo[] => domains;

/** Every unreaped clone of this VM: callback(array of domain objects), -1 on error. */
export function list_clone_domains(callback: (domains: CompatDomainInfo[] | -1) => void): void {
  validateCallback(callback);
  deliver(currentFacade().listDomains(), callback, asCompat);
}

/** The unreaped clones of one ticket: callback(array of domain objects), -1 on error. */
export function list_ticket_domains(ticket: number, callback: (domains: CompatDomainInfo[] | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.listTicketDomains: ticket ids start at 1, so no such ticket, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.listDomains({ ticket: checked }), callback, asCompat);
}

/** The status of one clone: callback("ONLINE", "CRASHED", ...), -1 on error. */
export function get_domain_status(vmid: number, callback: (status: DomainStatus | -1) => void): void {
  const checked = validateCInt(vmid, 'vmid');
  validateCallback(callback);
  const gc = currentFacade();
  // GridcentricEngine.getDomainStatus: every vmid is >= 1 (the master's is, clones count up from
  // it), so no clone of the caller has this one, ENOENT.
  if (refusedByFacade(checked)) deliverRefusal(callback);
  else deliver(gc.domainStatus(checked), callback, (status) => status);
}
