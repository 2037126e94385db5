import type {
  GcCompletion,
  GcDomainExit,
  GcDomainInfo,
  GcGuestApi,
  GcTicketInfo,
  SimulatorForNativeBackend,
} from '@sysbind/gridcentric-interface';

/**
 * A GcGuestApi that answers every call at once with fixed values: enough to drive the binding
 * without the simulator. It is also its own one-VM "simulator", so createSimulatedNativeBackend
 * takes it directly.
 */
export interface StubGuestApi extends GcGuestApi, SimulatorForNativeBackend {
  /** Blocking waits registered and not yet withdrawn or completed. */
  readonly pending: Set<GcCompletion<GcDomainExit> | GcCompletion>;
  /** Completes every pending wait with `exit`. */
  finishWaits(exit: GcDomainExit): void;
}

const later = (task: () => void): void => {
  setImmediate(task);
};

export function createStubGuestApi(): StubGuestApi {
  const pending = new Set<GcCompletion<GcDomainExit> | GcCompletion>();
  const domain: GcDomainInfo = { vmid: 2, ticket: 1, status: 2, ip: '10.0.0.2' };
  const ticket: GcTicketInfo = { ticket: 1, requested: 2, granted: 2, used: 1, domains: 1, independent: false };
  const blocking = <Out>(done: GcCompletion<Out>) => {
    pending.add(done as GcCompletion);
    return () => {
      pending.delete(done as GcCompletion);
    };
  };
  const stub: StubGuestApi = {
    masterVmid: 1,
    library: () => stub,
    pending,
    finishWaits(exit) {
      for (const done of [...pending]) {
        pending.delete(done);
        (done as GcCompletion<GcDomainExit>)(exit.vmid, 0, exit);
      }
    },
    gc_version: (done) => {
      done(0, 0, '1.2.3-stub');
    },
    gc_check: (done) => {
      done(0, 0);
    },
    gc_my_ip: (done) => {
      done(0, 0, '10.0.0.1');
    },
    gc_request_tickets: (count, done) => {
      later(() => {
        if (count <= 0) done(-1, 22);
        else done(1, 0);
      });
    },
    gc_cancel_ticket: (_ticket, done) => {
      later(() => {
        done(0, 0);
      });
    },
    gc_make_ticket_independent: (_ticket, done) => {
      later(() => {
        done(0, 0);
      });
    },
    gc_list_tickets: (done) => {
      later(() => {
        done(1, 0, [ticket]);
      });
    },
    gc_clone: (_ticket, done) => {
      later(() => {
        done(2, 0);
      });
    },
    gc_list_clone_domains: (done) => {
      later(() => {
        done(1, 0, [domain]);
      });
    },
    gc_list_ticket_domains: (_ticket, done) => {
      later(() => {
        done(1, 0, [domain]);
      });
    },
    gc_get_domain_status: (_vmid, done) => {
      later(() => {
        done(2, 0);
      });
    },
    gc_wait_domain: (_vmid, done) => blocking(done),
    gc_wait_any: (done) => blocking(done),
    gc_sync_ticket: (_ticket, done) => blocking(done),
    gc_kill_clone_domain: (_vmid, done) => {
      later(() => {
        done(0, 0);
      });
    },
    gc_killall_clone_domains: (done) => {
      later(() => {
        done(1, 0);
      });
    },
    gc_killall_ticket_domains: (_ticket, done) => {
      later(() => {
        done(1, 0);
      });
    },
  };
  return stub;
}
