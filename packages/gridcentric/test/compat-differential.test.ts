import {
  GC_DOMAIN_STATUS,
  GC_EXIT_REASON,
  isGridcentricError,
  type GcDomainExit,
  type GcDomainInfo,
  type GridcentricBackend,
} from '@sysbind/gridcentric-interface';
import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import * as compat from '../src/compat.ts';

// The compat layer calls the facade, which refuses ids and counts below 1 that the seed handed to
// the library. This test holds it to the answers of the path it replaced: each seed function as a
// direct backend call, -1 on a GridcentricError. Both paths run the same script, each on its own
// simulator built alike, with edge values everywhere an id or count goes; every answer and the
// final worlds must be equal.

/** The 14 callback functions as promises, plus the three quick calls. */
interface SeedApi {
  gc_version(): unknown;
  gc_check(): unknown;
  gc_my_ip(): unknown;
  request_tickets(count: number): Promise<unknown>;
  cancel_ticket(ticket: number): Promise<unknown>;
  make_ticket_independent(ticket: number): Promise<unknown>;
  list_tickets(): Promise<unknown>;
  clone(ticket: number): Promise<unknown>;
  list_clone_domains(): Promise<unknown>;
  list_ticket_domains(ticket: number): Promise<unknown>;
  get_domain_status(vmid: number): Promise<unknown>;
  wait_domain(vmid: number): Promise<unknown>;
  wait_any(): Promise<unknown>;
  sync_ticket(ticket: number): Promise<unknown>;
  kill_clone_domain(vmid: number): Promise<unknown>;
  killall_clone_domains(): Promise<unknown>;
  killall_ticket_domains(ticket: number): Promise<unknown>;
}

// Names from the interface's own code tables, not from the facade under test.
const nameOf = (table: Readonly<Record<string, number>>, code: number): string =>
  Object.entries(table).find(([, value]) => value === code)?.[0] ?? 'UNKNOWN';
const domainObject = (raw: GcDomainInfo): unknown => ({ ...raw, status: nameOf(GC_DOMAIN_STATUS, raw.status) });
const exitObject = (raw: GcDomainExit): unknown => ({ ...raw, reason: nameOf(GC_EXIT_REASON, raw.reason) });

/** The old path: the seed function is the backend call; a library failure is -1. */
function overBackend(backend: GridcentricBackend): SeedApi {
  const cValue = async <T>(work: () => Promise<T>): Promise<T | -1> => {
    try {
      return await work();
    } catch (error) {
      if (isGridcentricError(error)) return -1;
      throw error;
    }
  };
  const quick = <T>(work: () => T): T | -1 => {
    try {
      return work();
    } catch (error) {
      if (isGridcentricError(error)) return -1;
      throw error;
    }
  };
  return {
    gc_version: () => backend.version(),
    gc_check: () =>
      quick(() => {
        backend.check();
        return 0;
      }),
    gc_my_ip: () => quick(() => backend.myIp()),
    request_tickets: (count) => cValue(() => backend.requestTickets(count)),
    cancel_ticket: (ticket) => cValue(async () => (await backend.cancelTicket(ticket), 0)),
    make_ticket_independent: (ticket) => cValue(async () => (await backend.makeTicketIndependent(ticket), 0)),
    list_tickets: () =>
      cValue(async () =>
        (await backend.listTickets()).map((raw) => ({ ...raw, independent: raw.independent ? 1 : 0 })),
      ),
    clone: (ticket) => cValue(() => backend.clone(ticket)),
    list_clone_domains: () => cValue(async () => (await backend.listCloneDomains()).map(domainObject)),
    list_ticket_domains: (ticket) => cValue(async () => (await backend.listTicketDomains(ticket)).map(domainObject)),
    get_domain_status: (vmid) => cValue(async () => nameOf(GC_DOMAIN_STATUS, await backend.getDomainStatus(vmid))),
    wait_domain: (vmid) => cValue(async () => exitObject(await backend.waitDomain(vmid))),
    wait_any: () => cValue(async () => exitObject(await backend.waitAny())),
    sync_ticket: (ticket) => cValue(async () => (await backend.syncTicket(ticket), 0)),
    kill_clone_domain: (vmid) => cValue(async () => (await backend.killCloneDomain(vmid), 0)),
    killall_clone_domains: () => cValue(() => backend.killallCloneDomains()),
    killall_ticket_domains: (ticket) => cValue(() => backend.killallTicketDomains(ticket)),
  };
}

/** The new path: the compat module as a seed program calls it, the callback's argument as the value. */
function overCompat(): SeedApi {
  const result = <R>(start: (callback: (value: R) => void) => void): Promise<R> =>
    new Promise((resolve) => {
      start(resolve);
    });
  return {
    gc_version: () => compat.gc_version(),
    gc_check: () => compat.gc_check(),
    gc_my_ip: () => compat.gc_my_ip(),
    request_tickets: (count) =>
      result((cb) => {
        compat.request_tickets(count, cb);
      }),
    cancel_ticket: (ticket) =>
      result((cb) => {
        compat.cancel_ticket(ticket, cb);
      }),
    make_ticket_independent: (ticket) =>
      result((cb) => {
        compat.make_ticket_independent(ticket, cb);
      }),
    list_tickets: () =>
      result((cb) => {
        compat.list_tickets(cb);
      }),
    clone: (ticket) =>
      result((cb) => {
        compat.clone(ticket, cb);
      }),
    list_clone_domains: () =>
      result((cb) => {
        compat.list_clone_domains(cb);
      }),
    list_ticket_domains: (ticket) =>
      result((cb) => {
        compat.list_ticket_domains(ticket, cb);
      }),
    get_domain_status: (vmid) =>
      result((cb) => {
        compat.get_domain_status(vmid, cb);
      }),
    wait_domain: (vmid) =>
      result((cb) => {
        compat.wait_domain(vmid, cb);
      }),
    wait_any: () =>
      result((cb) => {
        compat.wait_any(cb);
      }),
    sync_ticket: (ticket) =>
      result((cb) => {
        compat.sync_ticket(ticket, cb);
      }),
    kill_clone_domain: (vmid) =>
      result((cb) => {
        compat.kill_clone_domain(vmid, cb);
      }),
    killall_clone_domains: () =>
      result((cb) => {
        compat.killall_clone_domains(cb);
      }),
    killall_ticket_domains: (ticket) =>
      result((cb) => {
        compat.killall_ticket_domains(ticket, cb);
      }),
  };
}

/** Ids and counts the facade refuses but a C int carries, the largest C int, and ids nobody issued. */
const EDGES = [0, -1, -(2 ** 31), 2 ** 31 - 1, 999] as const;
const REFUSED = new Set<number>([0, -1, -(2 ** 31)]);
const BOOT = 2;

type Log = [label: string, answer: unknown][];

/** Every seed function, each id argument with every edge value and the ids of a small world. */
async function script(api: SeedApi, sim: GridcentricSimulator): Promise<Log> {
  const log: Log = [];
  const record = async (label: string, answer: unknown): Promise<unknown> => {
    const value = await answer;
    log.push([label, value]);
    return value;
  };
  const each = async (name: string, ids: readonly number[], run: (id: number) => unknown): Promise<void> => {
    for (const id of ids) await record(`${name}(${id})`, run(id));
  };

  // A world: t1 with a running clone and a terminated one, t2 independent, t3 cancelled.
  const t1 = (await record('request_tickets(2)', api.request_tickets(2))) as number;
  const t2 = (await record('request_tickets(1)', api.request_tickets(1))) as number;
  const t3 = (await record('request_tickets(1) #3', api.request_tickets(1))) as number;
  const c1 = (await record('clone(t1)', api.clone(t1))) as number;
  const c2 = (await record('clone(t1) #2', api.clone(t1))) as number;
  const c3 = (await record('clone(t2)', api.clone(t2))) as number;
  sim.clock.advance(BOOT);
  sim.world.exit(c2, 3);
  await record('make_ticket_independent(t2)', api.make_ticket_independent(t2));
  await record('cancel_ticket(t3)', api.cancel_ticket(t3));
  const tickets = [...EDGES, t1, t2, t3];
  const vmids = [...EDGES, c1, c2, c3, sim.masterVmid];

  await record('gc_version()', api.gc_version());
  await record('gc_check()', api.gc_check());
  await record('gc_my_ip()', api.gc_my_ip());
  await record('list_tickets()', api.list_tickets());
  await record('list_clone_domains()', api.list_clone_domains());
  await each('list_ticket_domains', tickets, (id) => api.list_ticket_domains(id));
  await each('get_domain_status', vmids, (id) => api.get_domain_status(id));
  await each('clone', tickets, (id) => api.clone(id));
  await each('make_ticket_independent', EDGES, (id) => api.make_ticket_independent(id));
  await each('cancel_ticket', [...EDGES, t3], (id) => api.cancel_ticket(id));
  await each('wait_domain', [...EDGES, c2, c3, sim.masterVmid], (id) => api.wait_domain(id));
  await each('sync_ticket', [...EDGES, t2, t3], (id) => api.sync_ticket(id));
  await each('kill_clone_domain', [...EDGES, c1, c1, c3, sim.masterVmid], (id) => api.kill_clone_domain(id));
  await record('wait_any()', api.wait_any());
  await record('wait_any() #2', api.wait_any());
  await record('killall_clone_domains()', api.killall_clone_domains());
  await each('killall_ticket_domains', tickets, (id) => api.killall_ticket_domains(id));
  await each('sync_ticket', [t1], (id) => api.sync_ticket(id));
  // Counts last: the largest one takes every free slot.
  await each('request_tickets', EDGES, (id) => api.request_tickets(id));
  await record('list_tickets() at the end', api.list_tickets());
  await record('list_clone_domains() at the end', api.list_clone_domains());

  // A VM cut off from its controller: every call fails, refused argument or not.
  sim.world.detach('EIO');
  await record('detached gc_check()', api.gc_check());
  await record('detached gc_my_ip()', api.gc_my_ip());
  await record('detached list_tickets()', api.list_tickets());
  await each('detached request_tickets', [0, 1], (id) => api.request_tickets(id));
  await each('detached get_domain_status', [-1, c1], (id) => api.get_domain_status(id));
  await each('detached wait_domain', [0, c3], (id) => api.wait_domain(id));
  await record('detached wait_any()', api.wait_any());
  return log;
}

const sims: GridcentricSimulator[] = [];
afterEach(() => {
  compat.useBackend(undefined);
  for (const sim of sims.splice(0)) sim.close();
});

function simulator(): GridcentricSimulator {
  const sim = createGridcentricSimulator({ capacity: 8, bootDelay: BOOT });
  sims.push(sim);
  return sim;
}

describe('compat over the facade answers as the compat over the backend did', () => {
  it('every seed function, with 0, -1, -2^31, 2^31-1 and unknown ids, in a world with running, terminated, independent and cancelled parts', async () => {
    const before = simulator();
    const expected = await script(overBackend(before.backend()), before);

    const after = simulator();
    compat.useBackend(after.backend());
    const actual = await script(overCompat(), after);

    expect(actual).toEqual(expected);
    expect(after.inspect()).toEqual(before.inspect());
    // The script reaches the library's successes too, not only its failures.
    expect(expected.filter(([, answer]) => answer !== -1).length).toBeGreaterThan(20);
    // An id or count below 1 is -1 whatever the world, as the engine answers it.
    for (const [label, answer] of expected) {
      const argument = /\((-?\d+)\)$/.exec(label)?.[1];
      if (argument !== undefined && REFUSED.has(Number(argument))) expect([label, answer]).toEqual([label, -1]);
    }
  });

  it('argument errors stay synchronous and come before the refusal: 1.5, 2^31 and a missing callback throw', () => {
    compat.useBackend(simulator().backend());
    expect(() => {
      compat.cancel_ticket(2 ** 31, () => undefined);
    }).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }) as Error);
    expect(() => {
      compat.request_tickets(1.5, () => undefined);
    }).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }) as Error);
    expect(() => {
      compat.wait_domain(0, undefined as unknown as () => void);
    }).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }) as Error);
  });

  it('a refused argument is answered on a later tick, never inside the call', async () => {
    compat.useBackend(simulator().backend());
    const answers: unknown[] = [];
    compat.kill_clone_domain(0, (result) => answers.push(result));
    expect(answers).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toEqual([-1]);
  });
});
