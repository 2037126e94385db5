import { describe, expect, it } from 'vitest';
import { isAbortError, isGridcentricError } from '@sysbind/gridcentric-interface';
import { createSimulatedNativeBackend } from '../src/testing.ts';
import { createStubGuestApi } from './stub-guest-api.ts';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('native backend over a stub GcGuestApi (no simulator)', () => {
  it('answers quick calls synchronously and controller calls through its own threads', async () => {
    using backend = createSimulatedNativeBackend(createStubGuestApi());
    expect(backend.version()).toBe('1.2.3-stub');
    expect(() => {
      backend.check();
    }).not.toThrow();
    expect(backend.myIp()).toBe('10.0.0.1');
    expect(await backend.requestTickets(2)).toBe(1);
    expect(await backend.clone(1)).toBe(2);
    expect(await backend.listTickets()).toEqual([
      { ticket: 1, requested: 2, granted: 2, used: 1, domains: 1, independent: false },
    ]);
    expect(await backend.listCloneDomains()).toEqual([{ vmid: 2, ticket: 1, status: 2, ip: '10.0.0.2' }]);
    expect(await backend.listTicketDomains(1)).toHaveLength(1);
    expect(await backend.getDomainStatus(2)).toBe(2);
    await expect(backend.killCloneDomain(2)).resolves.toBeUndefined();
    expect(await backend.killallCloneDomains()).toBe(1);
    expect(await backend.killallTicketDomains(1)).toBe(1);
    await expect(backend.cancelTicket(1)).resolves.toBeUndefined();
    await expect(backend.makeTicketIndependent(1)).resolves.toBeUndefined();
    expect(backend.stats().threads).toBeGreaterThanOrEqual(1);
  });

  it('reports a C failure as a GridcentricError with errno name, negative errno and syscall', async () => {
    using backend = createSimulatedNativeBackend(createStubGuestApi());
    const error: unknown = await backend.requestTickets(0).catch((caught: unknown) => caught);
    expect(isGridcentricError(error, 'EINVAL')).toBe(true);
    expect(error).toMatchObject({ syscall: 'gc_request_tickets', errno: -22 });
  });

  it('keeps thousands of waits pending on a fixed number of threads, and withdraws them on abort', async () => {
    const api = createStubGuestApi();
    using backend = createSimulatedNativeBackend(api);
    const controller = new AbortController();
    const waits = Array.from({ length: 2000 }, (_, index) =>
      (index % 2 === 0 ? backend.waitAny(controller.signal) : backend.waitDomain(2, controller.signal)).catch(
        (error: unknown) => error,
      ),
    );
    await tick(50);
    const stats = backend.stats();
    expect(stats.pendingWaits).toBe(2000);
    expect(stats.threads).toBeLessThanOrEqual(stats.waiterThreads + stats.controllerThreads + 1);
    expect(stats.waitsInLibrary).toBe(stats.waiterThreads);
    controller.abort();
    const outcomes = await Promise.all(waits);
    expect(outcomes.every(isAbortError)).toBe(true);
    for (let attempt = 0; attempt < 100 && api.pending.size > 0; attempt++) await tick();
    expect(api.pending.size).toBe(0);
    expect(backend.stats().pendingWaits).toBe(0);
  });

  it('settles a wait when the library answers, and a later abort changes nothing', async () => {
    const api = createStubGuestApi();
    using backend = createSimulatedNativeBackend(api);
    const controller = new AbortController();
    const wait = backend.waitAny(controller.signal);
    for (let attempt = 0; attempt < 100 && api.pending.size === 0; attempt++) await tick();
    api.finishWaits({ vmid: 2, reason: 0, code: 7 });
    expect(await wait).toEqual({ vmid: 2, reason: 0, code: 7 });
    controller.abort();
    expect(backend.stats().pendingWaits).toBe(0);
  });

  it("keeps the event loop alive while calls and waits are pending, unless unref'd", async () => {
    const { execFileSync } = await import('node:child_process');
    const run = (unref: boolean): string => {
      const script = `
        import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
        const names = ${JSON.stringify(CONTROLLER_CALLS)};
        const api = { ...Object.fromEntries(names.map((name) => [name, (...args) => args.at(-1)(0, 0)])),
          gc_wait_any: () => () => {}, gc_wait_domain: () => () => {}, gc_sync_ticket: () => () => {} };
        const backend = createSimulatedNativeBackend({ masterVmid: 1, library: () => api });
        const ignore = () => {};
        backend.waitAny().catch(ignore); backend.waitDomain(3).catch(ignore); backend.syncTicket(1).catch(ignore);
        console.log('requested', await backend.requestTickets(1));
        ${unref ? 'backend.unref();' : ''}
        setTimeout(() => { console.log('still alive'); backend.close(); }, 100).unref();`;
      return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: new URL('..', import.meta.url).pathname,
        encoding: 'utf8',
        timeout: 10_000,
      }).trim();
    };
    expect(run(false)).toBe('requested 0\nstill alive');
    expect(run(true)).toBe('requested 0');
  });
});

const CONTROLLER_CALLS = [
  'gc_version',
  'gc_check',
  'gc_my_ip',
  'gc_request_tickets',
  'gc_cancel_ticket',
  'gc_make_ticket_independent',
  'gc_list_tickets',
  'gc_clone',
  'gc_list_clone_domains',
  'gc_list_ticket_domains',
  'gc_get_domain_status',
  'gc_kill_clone_domain',
  'gc_killall_clone_domains',
  'gc_killall_ticket_domains',
];
