import { GridcentricError, type GridcentricBackend } from '@sysbind/gridcentric-interface';
import { deserializeError, type CloneImage, type JournalOperation, type JournalOutcome } from './call-journal.ts';
import { fromController, toController, type CloneImageRequest, type CloneToController } from './clone-protocol.ts';
import { errnoNumber } from './policy.ts';
import { createAbortError } from '@sysbind/gridcentric-interface';

interface InFlight {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly stopListening: (() => void) | undefined;
}

/** The clone side of the IPC channel: its calls to the controller, and what the controller pushes. */
export interface ControllerChannel {
  /** A backend whose calls run as the clone VM, in the simulator of the parent process. */
  readonly backend: GridcentricBackend;
  /** Hands the controller the image of a clone this process just made. */
  sendImage(image: CloneImageRequest): void;
  /** Rejects every call in flight with ERR_GRIDCENTRIC_CLOSED and lets the channel go. Idempotent. */
  close(): void;
}

/**
 * Connects this process (a clone process, started with an IPC channel) to the simulator that
 * runs its VM. The channel holds the event loop only while a call is in flight, so a clone whose
 * program has nothing left to do ends, and its VM exits with the process's code.
 */
export function connectToController(identity: Pick<CloneImage, 'vmid' | 'ip' | 'version'>): ControllerChannel {
  const send = process.send?.bind(process);
  const channel = process.channel;
  if (send === undefined || channel === undefined)
    throw new Error('a clone process needs the IPC channel its simulator opened (child_process.fork)');
  const inFlight = new Map<number, InFlight>();
  let nextId = 1;
  let detached: string | undefined;
  let closed = false;

  // A channel with nothing in flight must not keep the clone's program alive.
  const holdOrRelease = (): void => {
    if (inFlight.size > 0 && !closed) channel.ref();
    else channel.unref();
  };
  holdOrRelease();

  const onMessage = (message: unknown): void => {
    const typed = fromController(message);
    if (typed === undefined) return;
    if (typed.type === 'detached') {
      detached = typed.errno;
      return;
    }
    const call = inFlight.get(typed.id);
    if (call === undefined) return;
    inFlight.delete(typed.id);
    call.stopListening?.();
    holdOrRelease();
    settle(call, typed.outcome);
  };
  process.on('message', onMessage);

  const settle = (call: InFlight, outcome: JournalOutcome): void => {
    if (outcome.kind === 'value') call.resolve(outcome.value);
    else if (outcome.kind === 'error') call.reject(deserializeError(outcome.error));
    else call.reject(call.signal === undefined ? new Error('aborted') : createAbortError(call.signal));
  };

  const post = (message: CloneToController): void => {
    send(toController(message));
  };

  const remote = <T>(operation: JournalOperation, args: readonly number[], signal?: AbortSignal): Promise<T> => {
    if (closed)
      return Promise.reject(
        new GridcentricError('the clone process closed its guest', { code: 'ERR_GRIDCENTRIC_CLOSED' }),
      );
    if (signal?.aborted === true) return Promise.reject(createAbortError(signal));
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      let stopListening: (() => void) | undefined;
      if (signal !== undefined) {
        const onAbort = (): void => {
          const call = inFlight.get(id);
          if (call === undefined) return;
          inFlight.delete(id);
          holdOrRelease();
          post({ type: 'abort', id });
          reject(createAbortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        stopListening = () => {
          signal.removeEventListener('abort', onAbort);
        };
      }
      inFlight.set(id, { resolve: resolve as (value: unknown) => void, reject, signal, stopListening });
      holdOrRelease();
      post({ type: 'call', id, operation, args });
    });
  };

  // The quick calls are answered here: the clone knows its own address and version, and whether
  // its interface was cut off; the C library answers them locally too.
  const backend: GridcentricBackend = {
    version: () => identity.version,
    check: () => {
      const errno = closed || !process.connected ? 'EIO' : detached;
      if (errno !== undefined) throw GridcentricError.fromErrno(errnoNumber(errno as 'EIO'), 'gc_check');
    },
    myIp: () => identity.ip,
    requestTickets: (count) => remote('requestTickets', [count]),
    cancelTicket: (ticket) => remote('cancelTicket', [ticket]),
    makeTicketIndependent: (ticket) => remote('makeTicketIndependent', [ticket]),
    listTickets: () => remote('listTickets', []),
    clone: (ticket) => remote('clone', [ticket]),
    listCloneDomains: () => remote('listCloneDomains', []),
    listTicketDomains: (ticket) => remote('listTicketDomains', [ticket]),
    getDomainStatus: (vmid) => remote('getDomainStatus', [vmid]),
    waitDomain: (vmid, signal) => remote('waitDomain', [vmid], signal),
    waitAny: (signal) => remote('waitAny', [], signal),
    syncTicket: (ticket, signal) => remote('syncTicket', [ticket], signal),
    killCloneDomain: (vmid) => remote('killCloneDomain', [vmid]),
    killallCloneDomains: () => remote('killallCloneDomains', []),
    killallTicketDomains: (ticket) => remote('killallTicketDomains', [ticket]),
  };

  return {
    backend,
    sendImage(image) {
      if (!closed && process.connected) post({ type: 'image', image });
    },
    close() {
      if (closed) return;
      closed = true;
      process.off('message', onMessage);
      const error = new GridcentricError('the clone process closed its guest', { code: 'ERR_GRIDCENTRIC_CLOSED' });
      for (const call of inFlight.values()) {
        call.stopListening?.();
        call.reject(error);
      }
      inFlight.clear();
      holdOrRelease();
    },
  };
}
