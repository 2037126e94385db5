import { createAbortError, type GridcentricBackend } from '@sysbind/gridcentric-interface';
import { callKey, deserializeError, type CloneImage, type JournalOperation } from './call-journal.ts';
import { captureCallSite } from './call-site.ts';

/** A backend that replays a clone image, and whether the copy of the program got to its clone point. */
export interface ReplayingBackend {
  readonly backend: GridcentricBackend;
  /** Resolves when the program's copy of the clone call returned 0 here. */
  readonly clonePointReached: Promise<void>;
  /** True once it did. */
  readonly live: () => boolean;
}

/**
 * The backend of a clone process: the program, run again from its entry point, makes its calls
 * again; each call finds its entry in the parent's journal by operation, arguments and call site
 * (the n-th such call takes the n-th such entry) and gets the parent's answer again, until the
 * call that is the clone point, which returns 0, as `gc_clone` does in a clone. From then on
 * every call goes to `live`, bound to the clone VM.
 *
 * Calls that have no answer in the image (the parent had not made them, or they were still in
 * flight when the clone was made) are made live, as the clone VM, once the clone point is
 * reached: a wait in flight at the clone point is the clone's own wait after it (the clone has no
 * clones of its own yet, so it ends with ECHILD). Calls the parent made on paths the copy does
 * not take (answers to its network input) are never asked for, and are ignored.
 */
export function createReplayingBackend(image: CloneImage, live: GridcentricBackend): ReplayingBackend {
  // Per call kind, the entries in call order, each as many times as the calls it stands for.
  const queues = new Map<string, number[]>();
  const uses = new Map<number, number>();
  image.entries.forEach((entry, index) => {
    const key = callKey(entry);
    const queue = queues.get(key);
    if (queue === undefined) queues.set(key, [index]);
    else queue.push(index);
    uses.set(index, entry.repeat ?? 1);
  });
  const take = (key: string): number | undefined => {
    const queue = queues.get(key);
    const index = queue?.[0];
    if (queue === undefined || index === undefined) return undefined;
    const left = (uses.get(index) ?? 1) - 1;
    if (left > 0) uses.set(index, left);
    else queue.shift();
    return index;
  };
  let isLive = false;
  let reach!: () => void;
  const clonePointReached = new Promise<void>((resolve) => {
    reach = resolve;
  });

  type Found =
    { readonly kind: 'clone-point' } | { readonly kind: 'replay'; readonly index: number } | { readonly kind: 'live' };

  const find = (operation: JournalOperation, args: readonly number[]): Found => {
    if (isLive) return { kind: 'live' };
    const index = take(callKey({ operation, args, site: captureCallSite() }));
    if (index === undefined) return { kind: 'live' };
    if (index === image.clonePoint) return { kind: 'clone-point' };
    return image.entries[index]?.outcome === undefined ? { kind: 'live' } : { kind: 'replay', index };
  };

  const quick = <T>(operation: JournalOperation, run: () => T): T => {
    const found = find(operation, []);
    if (found.kind !== 'replay') return run();
    const outcome = image.entries[found.index]?.outcome;
    if (outcome?.kind === 'error') throw deserializeError(outcome.error);
    return (outcome?.kind === 'value' ? outcome.value : undefined) as T;
  };

  const call = <T>(
    operation: JournalOperation,
    args: readonly number[],
    run: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    const found = find(operation, args);
    if (found.kind === 'clone-point') {
      isLive = true;
      reach();
      return Promise.resolve(0 as T);
    }
    if (found.kind === 'live') return isLive ? run() : clonePointReached.then(run);
    const outcome = image.entries[found.index]?.outcome;
    if (outcome?.kind === 'value') return Promise.resolve(outcome.value as T);
    if (outcome?.kind === 'error') return Promise.reject(deserializeError(outcome.error));
    // Aborted in the parent: the copy aborts the same signal at the same point of its run.
    if (signal === undefined) return clonePointReached.then(run);
    if (signal.aborted) return Promise.reject(createAbortError(signal));
    return new Promise<T>((_, reject) => {
      signal.addEventListener(
        'abort',
        () => {
          reject(createAbortError(signal));
        },
        { once: true },
      );
    });
  };

  const backend: GridcentricBackend = {
    version: () => quick('version', () => live.version()),
    check: () => {
      quick('check', () => {
        live.check();
      });
    },
    myIp: () => quick('myIp', () => live.myIp()),
    requestTickets: (count) => call('requestTickets', [count], () => live.requestTickets(count)),
    cancelTicket: (ticket) => call('cancelTicket', [ticket], () => live.cancelTicket(ticket)),
    makeTicketIndependent: (ticket) =>
      call('makeTicketIndependent', [ticket], () => live.makeTicketIndependent(ticket)),
    listTickets: () => call('listTickets', [], () => live.listTickets()),
    clone: (ticket) => call('clone', [ticket], () => live.clone(ticket)),
    listCloneDomains: () => call('listCloneDomains', [], () => live.listCloneDomains()),
    listTicketDomains: (ticket) => call('listTicketDomains', [ticket], () => live.listTicketDomains(ticket)),
    getDomainStatus: (vmid) => call('getDomainStatus', [vmid], () => live.getDomainStatus(vmid)),
    waitDomain: (vmid, signal) => call('waitDomain', [vmid], () => live.waitDomain(vmid, signal), signal),
    waitAny: (signal) => call('waitAny', [], () => live.waitAny(signal), signal),
    syncTicket: (ticket, signal) => call('syncTicket', [ticket], () => live.syncTicket(ticket, signal), signal),
    killCloneDomain: (vmid) => call('killCloneDomain', [vmid], () => live.killCloneDomain(vmid)),
    killallCloneDomains: () => call('killallCloneDomains', [], () => live.killallCloneDomains()),
    killallTicketDomains: (ticket) => call('killallTicketDomains', [ticket], () => live.killallTicketDomains(ticket)),
  };
  return { backend, clonePointReached, live: () => isLive };
}
