/**
 * The API of the 2011 nodejs-bindings for libgridcentric, with its names and conventions: the
 * quick calls are synchronous; the others take a callback that receives the C return value as
 * its single argument (-1 on error); lists are arrays of objects with the native struct fields;
 * status codes are strings. Plus {@link useBackend}, to run it on a simulator. Every function
 * calls the idiomatic API (`createGridcentric`), as `@sysbind/contract/compat` calls its facade.
 *
 * @module
 */
export { useBackend } from './compat/backend-slot.ts';
export { gc_check, gc_my_ip, gc_version } from './compat/quick-calls.ts';
export { cancel_ticket, clone, list_tickets, make_ticket_independent, request_tickets } from './compat/ticket-calls.ts';
export { get_domain_status, list_clone_domains, list_ticket_domains } from './compat/domain-calls.ts';
export { sync_ticket, wait_any, wait_domain } from './compat/wait-calls.ts';
export { kill_clone_domain, killall_clone_domains, killall_ticket_domains } from './compat/kill-calls.ts';
export type { CompatDomainExit, CompatDomainInfo, CompatTicketInfo } from './compat/records.ts';
