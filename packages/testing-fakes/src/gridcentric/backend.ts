import { addAbortListener } from 'node:events';
import { invalidArgType } from '@sysbind/core';
import {
  GridcentricError,
  createAbortError,
  type GcCancel,
  type GcCompletion,
  type GcDomainExit,
  type GcDomainInfo,
  type GcFunctionName,
  type GcGuestApi,
  type GridcentricBackend,
} from '@sysbind/gridcentric-interface';

interface Outcome<Out> {
  readonly ret: number;
  readonly out: Out | undefined;
}

type Subject = { readonly vmid?: number; readonly ticket?: number };

function requireInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidArgType(name, 'a safe integer', value);
  }
}

function failure(errno: number, syscall: GcFunctionName, subject: Subject): GridcentricError {
  return GridcentricError.fromErrno(errno, syscall, subject);
}

/**
 * A {@link GridcentricBackend} on top of the C-level API of one VM ({@link GcGuestApi}): each
 * method starts the C call and turns its completion into a return value, a promise, or a
 * `GridcentricError` (code = errno name, syscall = C name). The three blocking waits take an
 * AbortSignal: an abort withdraws the wait through its cancel function and rejects at once.
 *
 * The simulator's `backend()` is this adapter over its own C-level API, so the simulated backend
 * and the native addon running over the simulator exercise one engine.
 */
export function createGuestApiBackend(api: GcGuestApi): GridcentricBackend {
  const quick = <Out>(syscall: GcFunctionName, start: (done: GcCompletion<Out>) => void): Out | undefined => {
    let result: { ret: number; errno: number; out: Out | undefined } | undefined;
    start((ret, errno, out) => {
      result = { ret, errno, out };
    });
    if (result === undefined) throw new Error(`${syscall} did not complete synchronously, as a quick call must`);
    if (result.ret === -1) throw failure(result.errno, syscall, {});
    return result.out;
  };

  const call = <Out>(
    syscall: GcFunctionName,
    subject: Subject,
    start: (done: GcCompletion<Out>) => void,
  ): Promise<Outcome<Out>> =>
    new Promise((resolve, reject) => {
      let settled = false;
      start((ret, errno, out) => {
        if (settled) return;
        settled = true;
        if (ret === -1) reject(failure(errno, syscall, subject));
        else resolve({ ret, out });
      });
    });

  const wait = <Out>(
    syscall: GcFunctionName,
    subject: Subject,
    signal: AbortSignal | undefined,
    start: (done: GcCompletion<Out>) => GcCancel,
  ): Promise<Outcome<Out>> => {
    if (signal?.aborted === true) return Promise.reject(createAbortError(signal));
    return new Promise((resolve, reject) => {
      // One record, because the completion may run before start() returns (or much later).
      const state: { settled: boolean; listener: Disposable | undefined } = { settled: false, listener: undefined };
      const cancel = start((ret, errno, out) => {
        if (state.settled) return;
        state.settled = true;
        state.listener?.[Symbol.dispose]();
        if (ret === -1) reject(failure(errno, syscall, subject));
        else resolve({ ret, out });
      });
      if (state.settled || signal === undefined) return;
      state.listener = addAbortListener(signal, () => {
        if (state.settled) return;
        state.settled = true;
        cancel();
        reject(createAbortError(signal));
      });
    });
  };

  const exitOf = (outcome: Outcome<GcDomainExit>, syscall: GcFunctionName): GcDomainExit => {
    if (outcome.out === undefined) throw new Error(`${syscall} succeeded without an exit record`);
    return outcome.out;
  };

  return {
    version: () =>
      quick('gc_version', (done: GcCompletion<string>) => {
        api.gc_version(done);
      }) ?? '',
    check: () => {
      quick('gc_check', (done: GcCompletion) => {
        api.gc_check(done);
      });
    },
    myIp: () =>
      quick('gc_my_ip', (done: GcCompletion<string>) => {
        api.gc_my_ip(done);
      }) ?? '',
    async requestTickets(count) {
      requireInteger(count, 'count');
      return (
        await call('gc_request_tickets', {}, (done) => {
          api.gc_request_tickets(count, done);
        })
      ).ret;
    },
    async cancelTicket(ticket) {
      requireInteger(ticket, 'ticket');
      await call('gc_cancel_ticket', { ticket }, (done) => {
        api.gc_cancel_ticket(ticket, done);
      });
    },
    async makeTicketIndependent(ticket) {
      requireInteger(ticket, 'ticket');
      await call('gc_make_ticket_independent', { ticket }, (done) => {
        api.gc_make_ticket_independent(ticket, done);
      });
    },
    async listTickets() {
      return (await call('gc_list_tickets', {}, api.gc_list_tickets.bind(api))).out ?? [];
    },
    async clone(ticket) {
      requireInteger(ticket, 'ticket');
      return (
        await call('gc_clone', { ticket }, (done) => {
          api.gc_clone(ticket, done);
        })
      ).ret;
    },
    async listCloneDomains() {
      return (await call('gc_list_clone_domains', {}, api.gc_list_clone_domains.bind(api))).out ?? [];
    },
    async listTicketDomains(ticket) {
      requireInteger(ticket, 'ticket');
      return (
        (
          await call('gc_list_ticket_domains', { ticket }, (done: GcCompletion<readonly GcDomainInfo[]>) => {
            api.gc_list_ticket_domains(ticket, done);
          })
        ).out ?? []
      );
    },
    async getDomainStatus(vmid) {
      requireInteger(vmid, 'vmid');
      return (
        await call('gc_get_domain_status', { vmid }, (done) => {
          api.gc_get_domain_status(vmid, done);
        })
      ).ret;
    },
    async waitDomain(vmid, signal) {
      requireInteger(vmid, 'vmid');
      return exitOf(
        await wait('gc_wait_domain', { vmid }, signal, (done) => api.gc_wait_domain(vmid, done)),
        'gc_wait_domain',
      );
    },
    async waitAny(signal) {
      return exitOf(await wait('gc_wait_any', {}, signal, (done) => api.gc_wait_any(done)), 'gc_wait_any');
    },
    async syncTicket(ticket, signal) {
      requireInteger(ticket, 'ticket');
      await wait('gc_sync_ticket', { ticket }, signal, (done) => api.gc_sync_ticket(ticket, done));
    },
    async killCloneDomain(vmid) {
      requireInteger(vmid, 'vmid');
      await call('gc_kill_clone_domain', { vmid }, (done) => {
        api.gc_kill_clone_domain(vmid, done);
      });
    },
    async killallCloneDomains() {
      return (await call('gc_killall_clone_domains', {}, api.gc_killall_clone_domains.bind(api))).ret;
    },
    async killallTicketDomains(ticket) {
      requireInteger(ticket, 'ticket');
      return (
        await call('gc_killall_ticket_domains', { ticket }, (done) => {
          api.gc_killall_ticket_domains(ticket, done);
        })
      ).ret;
    },
  };
}
