// Fuzz targets of the Gridcentric side: the raw sim-flavor addon (bindSimulator with good and
// hostile guest APIs, every GridcentricBinding method, wrong receivers, callbacks that close the
// binding or call back in), the native backend over the simulator (promises, AbortSignals
// aborted before, during and from inside then-callbacks), the @sysbind/gridcentric facade and its
// compat entry. The simulated cluster moves underneath: clones boot, exit, crash, get paused,
// faults get injected.
import * as compat from '@sysbind/gridcentric/compat';
import { createGridcentric, interpretCloneReturn } from '@sysbind/gridcentric';
import { GridcentricError } from '@sysbind/gridcentric-interface';
import { loadAddon } from '@sysbind/gridcentric-native';
import { createSimulatedNativeBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator } from '@sysbind/testing-fakes';
import { FuzzSentinel, smallInt } from './random-values.mjs';

const CALLBACK_METHODS = {
  requestTickets: 'count',
  cancelTicket: 'ticket',
  makeTicketIndependent: 'ticket',
  listTickets: undefined,
  clone: 'ticket',
  listCloneDomains: undefined,
  listTicketDomains: 'ticket',
  getDomainStatus: 'vmid',
  killCloneDomain: 'vmid',
  killallCloneDomains: undefined,
  killallTicketDomains: 'ticket',
  waitDomain: 'vmid',
  waitAny: undefined,
  syncTicket: 'ticket',
};
const WAITS = new Set(['waitDomain', 'waitAny', 'syncTicket']);
const FUNCTIONS = ['gc_clone', 'gc_wait_any', 'gc_wait_domain', 'gc_list_tickets', 'gc_request_tickets', 'gc_my_ip'];
const POOL_SIZE = 12;
/** Past this many pending waits a backend is closed: waits on live clones never settle by themselves. */
const WAIT_LIMIT = 200;

export function createGridcentricTargets(fuzz) {
  const { random } = fuzz;
  const addon = loadAddon('sim');
  const sim = createGridcentricSimulator({ capacity: 24, bootDelay: 2 });
  const guest = sim.library();
  const bindings = [];
  const backends = [];
  const facades = [];
  const backendOf = new WeakMap();
  const everything = [];
  const tickets = [1];
  const vmids = [2];
  const waitIds = [1];

  const note = (pool, value, limit = 32) => {
    if (typeof value !== 'number' || value <= 0) return;
    if (pool.length >= limit) pool.splice(0, limit / 2);
    pool.push(value);
  };
  const keep = (pool, item) => {
    if (item === undefined || item === null) return;
    everything.push(item);
    if (pool.length < POOL_SIZE) pool.push(item);
    else {
      const index = random.int(pool.length);
      if (random.chance(0.7)) closeQuietly(pool[index]);
      pool[index] = item;
    }
  };
  const any = (pool) => (pool.length === 0 ? undefined : random.pick(pool));
  const idFor = (kind) => () => {
    if (kind === 'count') return 1 + random.int(4);
    const pool = kind === 'ticket' ? tickets : vmids;
    return random.chance(0.85) ? random.pick(pool) : smallInt(random);
  };
  const hostileApi = () =>
    random.pick([
      () => fuzz.arg(undefined),
      () => ({ value: { ...guest, gc_clone: 5 }, label: '{ guest with gc_clone: 5 }' }),
      () => ({
        value: {
          ...guest,
          gc_list_tickets: (done) => {
            done(0, 0, [{ ticket: 'x' }, null]);
          },
        },
        label: '{ guest with malformed list }',
      }),
      () => ({
        value: {
          ...guest,
          gc_clone: (_ticket, done) => {
            done(0, 0, 7);
            done(0, 0, 8);
          },
        },
        label: '{ guest completing twice }',
      }),
      () => ({
        value: {
          ...guest,
          gc_request_tickets: () => {
            throw new FuzzSentinel('a guest api function');
          },
        },
        label: '{ guest that throws }',
      }),
    ])();

  // --- callbacks that re-enter ----------------------------------------------------------------
  let depth = 0;
  const reenter = (where, binding) => {
    if (depth > 0) return;
    depth++;
    try {
      const action = random.int(6);
      const described = () => `re-entrant action ${action} inside ${where}`;
      if (action === 0) fuzz.invoke(described, () => binding?.close());
      else if (action === 1) fuzz.invoke(described, () => random.pick(ops)[1]());
      else if (action === 2) fuzz.invoke(described, () => sim.clock.advance(random.int(5)));
      else if (action === 3) fuzz.invoke(described, () => binding?.abandonWait(random.pick(waitIds)));
      else if (action === 4) throw new FuzzSentinel(where);
    } finally {
      depth--;
    }
  };
  const callback = (binding) => (error, value) => {
    fuzz.count(error === null ? 'binding callback with a value' : 'binding callback with an error');
    if (error === null && typeof value === 'number') note(value > 100 ? vmids : tickets, value);
    if (error === null && typeof value?.vmid === 'number') note(vmids, value.vmid);
    if (random.chance(0.15)) reenter('a binding callback', binding);
  };

  // --- the raw addon --------------------------------------------------------------------------
  const rawOps = [
    () => {
      const api = random.chance(0.85) ? { value: guest, label: 'sim.library()' } : hostileApi();
      const binding = fuzz.invoke(
        () => `addon.bindSimulator(${api.label})`,
        () => addon.bindSimulator(api.value),
      );
      if (binding !== undefined && random.chance(0.5)) binding.unref();
      keep(bindings, binding);
    },
    () => {
      const binding = any(bindings);
      if (binding === undefined) return;
      const prototype = addon.GridcentricBinding.prototype;
      const method = random.pick(Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor'));
      const args = [];
      if (method in CALLBACK_METHODS) {
        const kind = CALLBACK_METHODS[method];
        if (kind !== undefined) args.push(fuzz.arg(idFor(kind), 0.8));
        args.push(fuzz.arg(() => callback(binding), 0.85));
      } else if (method === 'abandonWait') args.push(fuzz.arg(() => random.pick(waitIds), 0.8));
      if (random.chance(0.05)) args.push(fuzz.arg(undefined));
      if (random.chance(0.05)) args.shift();
      const receiver = random.chance(0.08)
        ? fuzz.arg(() => random.pick([any(backends), addon, {}, prototype]), 0.5)
        : { value: binding, label: 'binding' };
      const result = fuzz.invoke(
        () =>
          `GridcentricBinding.prototype.${method}.call(${receiver.label}, ${args.map((arg) => arg.label).join(', ')})`,
        () => prototype[method].call(receiver.value, ...args.map((arg) => arg.value)),
      );
      if (WAITS.has(method)) note(waitIds, result, 64);
    },
    () => {
      fuzz.invoke(
        () => 'new GridcentricBinding() / GridcentricBinding()',
        () => (random.chance(0.5) ? new addon.GridcentricBinding(guest) : addon.GridcentricBinding()),
      );
    },
    () => {
      const candidate = fuzz.arg(undefined);
      fuzz.invoke(
        () => `addon.setErrorConstructor(${candidate.label}); a failing quick call`,
        () => {
          const binding = any(bindings);
          try {
            addon.setErrorConstructor(candidate.value);
            const restore = sim.injectFault({ operation: 'gc_my_ip', errno: 'EIO' });
            try {
              binding?.myIp();
            } finally {
              restore();
            }
          } finally {
            addon.setErrorConstructor(GridcentricError);
          }
        },
        { allowAnyThrow: typeof candidate.value === 'function' },
      );
    },
  ];

  // --- the backend over the simulator ---------------------------------------------------------
  const signalFor = () => {
    const controller = new AbortController();
    const when = random.int(5);
    if (when === 0) controller.abort(new Error('fuzz abort'));
    else if (when === 1) queueMicrotask(() => controller.abort());
    else if (when === 2) setImmediate(() => controller.abort());
    return { controller, signal: { value: controller.signal, label: `AbortSignal (abort ${when})` } };
  };
  const backendMethods = [
    'version',
    'check',
    'myIp',
    ...Object.keys(CALLBACK_METHODS),
    'stats',
    'ref',
    'unref',
    'close',
    Symbol.dispose,
  ];
  const backendOps = [
    () => {
      const backend = fuzz.invoke(
        () => 'createSimulatedNativeBackend(sim)',
        () => createSimulatedNativeBackend(sim),
      );
      if (backend !== undefined && random.chance(0.5)) backend.unref();
      keep(backends, backend);
    },
    () => {
      const backend = any(backends);
      if (backend === undefined) return;
      if (backend.stats().pendingWaits > WAIT_LIMIT) {
        backend.close();
        return;
      }
      const method = random.pick(backendMethods);
      const kind = CALLBACK_METHODS[method];
      const args = kind === undefined ? [] : [fuzz.arg(idFor(kind), 0.8)];
      let controller;
      if (WAITS.has(method) && random.chance(0.6)) {
        const made = signalFor();
        controller = made.controller;
        args.push(random.chance(0.9) ? made.signal : fuzz.arg(undefined));
      }
      fuzz.invoke(
        () => `backend.${String(method)}(${args.map((arg) => arg.label).join(', ')})`,
        () => {
          const result = backend[method](...args.map((arg) => arg.value));
          // Re-entrancy from a then-callback: abort, close, or call again.
          if (result instanceof Promise && random.chance(0.3)) {
            void result.then(
              (value) => {
                note(vmids, value?.vmid ?? value);
                const action = random.int(3);
                if (action === 0) controller?.abort();
                else if (action === 1) backend.close();
                else
                  fuzz.invoke(
                    () => 'backend.waitAny() from a then-callback',
                    () => backend.waitAny(AbortSignal.timeout(5)),
                  );
              },
              () => undefined,
            );
          }
          return result;
        },
        {
          settleSoon: WAITS.has(method) ? undefined : backend,
          onValue: (value) => {
            if (method === 'requestTickets') note(tickets, value);
            else if (method === 'clone') note(vmids, value);
          },
        },
      );
    },
  ];

  // --- the facade and compat -----------------------------------------------------------------
  const facadeMethods = {
    version: [],
    check: [],
    myIp: [],
    requestTicket: ['count'],
    cancelTicket: ['ticket'],
    makeTicketIndependent: ['ticket'],
    listTickets: [],
    clone: ['ticket'],
    listDomains: ['options'],
    domainStatus: ['vmid'],
    waitDomain: ['vmid', 'wait'],
    waitAny: ['wait'],
    syncTicket: ['ticket', 'wait'],
    kill: ['vmid'],
    killAll: [],
    killTicket: ['ticket'],
    exits: ['wait'],
    close: [],
  };
  const facadeArg = (kind) => {
    if (kind === 'options') return fuzz.arg(() => (random.chance(0.5) ? {} : { ticket: random.pick(tickets) }));
    if (kind === 'wait') return fuzz.arg(() => ({ signal: signalFor().signal.value }), 0.7);
    return fuzz.arg(idFor(kind), 0.8);
  };
  const facadeOps = [
    () => {
      const backend = any(backends);
      const options = fuzz.arg(() => (backend === undefined ? {} : { backend }), 0.8);
      const facade = fuzz.invoke(
        () => `createGridcentric(${options.label === 'object' ? '{ backend }' : options.label})`,
        () => createGridcentric(options.value),
      );
      if (facade !== undefined && backend !== undefined && options.value?.backend === backend) {
        backendOf.set(facade, backend);
      }
      keep(facades, facade);
    },
    () => {
      const facade = any(facades);
      if (facade === undefined) return;
      const method = random.pick(Object.keys(facadeMethods));
      const args = facadeMethods[method].map(facadeArg);
      fuzz.invoke(
        () => `gridcentric.${method}(${args.map((arg) => arg.label).join(', ')})`,
        () => {
          const result = facade[method](...args.map((arg) => arg.value));
          if (method === 'exits') {
            // Pull one exit (or the end), then stop the iteration early.
            return result.next().finally(() => result.return?.());
          }
          return result;
        },
        {
          settleSoon: ['waitDomain', 'waitAny', 'syncTicket', 'exits'].includes(method)
            ? undefined
            : (backendOf.get(facade) ?? facade),
        },
      );
    },
    () => {
      const value = fuzz.arg(() => random.pick([0, 5, -1]));
      fuzz.invoke(
        () => `interpretCloneReturn(${value.label})`,
        () => interpretCloneReturn(value.value),
      );
    },
  ];
  const compatCalls = {
    gc_version: [],
    gc_check: [],
    gc_my_ip: [],
    request_tickets: ['count', 'callback'],
    cancel_ticket: ['ticket', 'callback'],
    make_ticket_independent: ['ticket', 'callback'],
    list_tickets: ['callback'],
    clone: ['ticket', 'callback'],
    list_clone_domains: ['callback'],
    list_ticket_domains: ['ticket', 'callback'],
    get_domain_status: ['vmid', 'callback'],
    wait_domain: ['vmid', 'callback'],
    wait_any: ['callback'],
    sync_ticket: ['ticket', 'callback'],
    kill_clone_domain: ['vmid', 'callback'],
    killall_clone_domains: ['callback'],
    killall_ticket_domains: ['ticket', 'callback'],
  };
  const compatOps = [
    () => {
      const backend = fuzz.arg(() => any(backends), 0.9);
      fuzz.invoke(
        () => `compat.useBackend(${backend.value === undefined ? 'undefined' : 'a backend or hostile value'})`,
        () => compat.useBackend(backend.value),
      );
    },
    () => {
      const name = random.pick(Object.keys(compatCalls));
      const args = compatCalls[name].map((kind) =>
        kind === 'callback'
          ? fuzz.arg(
              () => (result) => {
                if (typeof result === 'number') note(name === 'clone' ? vmids : tickets, result);
                if (random.chance(0.15)) reenter('a compat callback', undefined);
              },
              0.85,
            )
          : fuzz.arg(idFor(kind), 0.8),
      );
      fuzz.invoke(
        () => `compat.${name}(${args.map((arg) => arg.label).join(', ')})`,
        () => compat[name](...args.map((arg) => arg.value)),
      );
    },
  ];

  const worldOps = [
    () => sim.clock.advance(random.int(6)),
    () => sim.world.exit(random.pick(vmids), random.int(3)),
    () => sim.world.crash(random.pick(vmids), random.int(3)),
    () => sim.world.pause(random.pick(vmids)),
    () => sim.world.resume(random.pick(vmids)),
    () => {
      const disarm = sim.injectFault({
        operation: random.pick(FUNCTIONS),
        errno: random.pick(['EIO', 'EAGAIN', 'ENOENT']),
      });
      if (random.chance(0.5)) setImmediate(disarm);
    },
    () => {
      sim.world.detach(random.pick(['EIO', 'ENODEV']));
      setImmediate(() => sim.world.attach());
    },
  ];

  const ops = [
    ...rawOps.map((op) => [4, op]),
    [14, rawOps[1]],
    [2, backendOps[0]],
    [14, backendOps[1]],
    ...facadeOps.map((op) => [5, op]),
    ...compatOps.map((op) => [5, op]),
    ...worldOps.map((op) => [
      2,
      () => {
        // The simulator itself refuses some steps (exit of a booting clone): not the code under test.
        try {
          op();
        } catch {
          // nothing to judge
        }
      },
    ]),
  ];

  function closeQuietly(item) {
    try {
      item?.close();
    } catch {
      // Closing twice is allowed; anything else will show up as a finding elsewhere.
    }
  }

  return {
    ops,
    teardown() {
      compat.useBackend(undefined);
      for (const item of everything) closeQuietly(item);
      addon.setErrorConstructor(GridcentricError);
      sim.close();
    },
  };
}
