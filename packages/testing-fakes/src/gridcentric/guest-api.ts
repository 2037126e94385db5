import type { GcCancel, GcCompletion, GcFunctionName, GcGuestApi } from '@sysbind/gridcentric-interface';
import type { CallResult, GridcentricEngine, Waiter } from './engine.ts';
import type { FaultTable } from '../shared/faults.ts';
import type { FaultableFunction } from './fault-spec.ts';
import type { DomainRecord } from './model.ts';

/** What the C-level API of one VM needs besides the engine. */
export interface GuestApiContext {
  readonly engine: GridcentricEngine;
  readonly faults: FaultTable<FaultableFunction>;
  readonly version: string;
  /** Simulated milliseconds each controller round trip takes. */
  readonly controllerLatency: number;
}

/**
 * The 17 C functions bound to `caller`, answered by the engine. Quick calls complete before they
 * return; every other call runs as one clock timer after the controller latency (so it never
 * completes before it returns), checking in order: the caller still exists and is attached, an
 * injected fault, then the operation itself.
 */
export function createSimulatedGuestApi(context: GuestApiContext, caller: DomainRecord): GcGuestApi {
  const { engine, faults } = context;

  const problem = (operation: GcFunctionName): number | undefined =>
    engine.callerProblem(caller) ??
    (operation === 'gc_version' ? undefined : faults.take(operation, caller.vmid) || undefined);

  const complete = <Out>(done: GcCompletion<Out>, result: CallResult<Out>): void => {
    if (result.ret === -1) done(-1, result.errno);
    else done(result.ret, 0, result.out);
  };

  const quick = <Out>(operation: GcFunctionName, done: GcCompletion<Out>, answer: () => CallResult<Out>): void => {
    const errno = problem(operation);
    if (errno === undefined) complete(done, answer());
    else done(-1, errno);
  };

  const controllerCall = <Out>(
    operation: GcFunctionName,
    done: GcCompletion<Out>,
    answer: () => CallResult<Out>,
  ): void => {
    engine.clock.schedule(context.controllerLatency, () => {
      quick(operation, done, answer);
    });
  };

  // A wait registers with the engine after the round trip; cancelling withdraws it wherever it is.
  const blockingWait = <Out>(
    operation: GcFunctionName,
    done: GcCompletion<Out>,
    register: (finish: GcCompletion<Out>) => Waiter | CallResult<never>,
  ): GcCancel => {
    let finished = false;
    let waiter: Waiter | undefined;
    const finish: GcCompletion<Out> = (ret, errno, out) => {
      if (finished) return;
      finished = true;
      done(ret, errno, out);
    };
    const stopTimer = engine.clock.schedule(context.controllerLatency, () => {
      const errno = problem(operation);
      if (errno !== undefined) {
        finish(-1, errno);
        return;
      }
      const registered = register(finish);
      if ('kind' in registered) waiter = registered;
      else finish(-1, registered.errno);
    });
    return () => {
      if (finished) return;
      finished = true;
      stopTimer();
      if (waiter !== undefined) engine.removeWaiter(waiter);
    };
  };

  return {
    gc_version: (done) => {
      done(0, 0, context.version);
    },
    gc_check: (done) => {
      quick('gc_check', done, () => ({ ret: 0, errno: 0, out: undefined }));
    },
    gc_my_ip: (done) => {
      quick('gc_my_ip', done, () => ({ ret: 0, errno: 0, out: caller.ip }));
    },
    gc_request_tickets: (count, done) => {
      controllerCall('gc_request_tickets', done, () => engine.requestTickets(caller, count));
    },
    gc_cancel_ticket: (ticket, done) => {
      controllerCall('gc_cancel_ticket', done, () => engine.cancelTicket(caller, ticket));
    },
    gc_make_ticket_independent: (ticket, done) => {
      controllerCall('gc_make_ticket_independent', done, () => engine.makeTicketIndependent(caller, ticket));
    },
    gc_list_tickets: (done) => {
      controllerCall('gc_list_tickets', done, () => engine.listTickets(caller));
    },
    gc_clone: (ticket, done) => {
      controllerCall('gc_clone', done, () => engine.clone(caller, ticket));
    },
    gc_list_clone_domains: (done) => {
      controllerCall('gc_list_clone_domains', done, () => engine.listCloneDomains(caller));
    },
    gc_list_ticket_domains: (ticket, done) => {
      controllerCall('gc_list_ticket_domains', done, () => engine.listTicketDomains(caller, ticket));
    },
    gc_get_domain_status: (vmid, done) => {
      controllerCall('gc_get_domain_status', done, () => engine.getDomainStatus(caller, vmid));
    },
    gc_wait_domain: (vmid, done) =>
      blockingWait('gc_wait_domain', done, (finish) => {
        const waiter: Waiter = { kind: 'domain', caller, vmid, done: finish };
        engine.addWaiter(waiter);
        return waiter;
      }),
    gc_wait_any: (done) =>
      blockingWait('gc_wait_any', done, (finish) => {
        const waiter: Waiter = { kind: 'any', caller, done: finish };
        engine.addWaiter(waiter);
        return waiter;
      }),
    gc_sync_ticket: (ticket, done) =>
      blockingWait('gc_sync_ticket', done, (finish) => {
        const refused = engine.syncProblem(caller, ticket);
        if (refused !== undefined) return refused;
        const waiter: Waiter = { kind: 'sync', caller, ticket, done: finish };
        engine.addWaiter(waiter);
        return waiter;
      }),
    gc_kill_clone_domain: (vmid, done) => {
      controllerCall('gc_kill_clone_domain', done, () => engine.killCloneDomain(caller, vmid));
    },
    gc_killall_clone_domains: (done) => {
      controllerCall('gc_killall_clone_domains', done, () => engine.killallCloneDomains(caller));
    },
    gc_killall_ticket_domains: (ticket, done) => {
      controllerCall('gc_killall_ticket_domains', done, () => engine.killallTicketDomains(caller, ticket));
    },
  };
}
