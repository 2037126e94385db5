import { type DomainStatus } from '@sysbind/gridcentric-interface';
import { domainStatusName } from '../records.ts';
import { validateCInt, validateCallback } from './arguments.ts';
import { currentBackend } from './backend-slot.ts';
import { deliver } from './deliver.ts';
import { toCompatDomain, type CompatDomainInfo } from './records.ts';

/** Every unreaped clone of this VM: callback(array of domain objects), -1 on error. */
export function list_clone_domains(callback: (domains: CompatDomainInfo[] | -1) => void): void {
  validateCallback(callback);
  deliver(currentBackend().listCloneDomains(), callback, (domains) => domains.map(toCompatDomain));
}

/** The unreaped clones of one ticket: callback(array of domain objects), -1 on error. */
export function list_ticket_domains(ticket: number, callback: (domains: CompatDomainInfo[] | -1) => void): void {
  const checked = validateCInt(ticket, 'ticket');
  validateCallback(callback);
  deliver(currentBackend().listTicketDomains(checked), callback, (domains) => domains.map(toCompatDomain));
}

/** The status of one clone: callback("ONLINE", "CRASHED", ...), -1 on error. */
export function get_domain_status(vmid: number, callback: (status: DomainStatus | -1) => void): void {
  const checked = validateCInt(vmid, 'vmid');
  validateCallback(callback);
  deliver(currentBackend().getDomainStatus(checked), callback, domainStatusName);
}
