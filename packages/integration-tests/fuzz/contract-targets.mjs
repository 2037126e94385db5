// Fuzz targets of the contract side: the raw sim-flavor addon (every export, every method of every
// handle class, wrong receivers), the native backend over the simulator, the @sysbind/contract
// facade and its compat entry. A simulated world runs underneath: templates get activated,
// processes fork and exit, devices change state, so events really flow to listeners that close
// handles and call back into the addon while they are being delivered.
import * as compat from '@sysbind/contract/compat';
import { createContractSystem } from '@sysbind/contract';
import { ContractError } from '@sysbind/contract-interface';
import { createSimulatedNativeBackend, loadSimulatorAddon } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { FuzzSentinel, smallInt } from './random-values.mjs';

const MINOR = '/pseudo/fuzz@0:a';
const OTHER_MINOR = '/pseudo/fuzz@1:b';
const TYPES = ['process', 'device'];
const TERMS = [
  'cookie',
  'critical',
  'informative',
  'transfer',
  'fatal',
  'param',
  'svc_fmri',
  'svc_aux',
  'aset',
  'minor',
  'noneg',
];
const PROCESS_EVENT_NAMES = ['pr_empty', 'pr_fork', 'pr_exit', 'pr_core', 'pr_signal', 'pr_hwerr'];
const DEVICE_EVENT_NAMES = ['dev_online', 'dev_degraded', 'dev_offline'];
const SIGNALS = [0, 9, 15, 'SIGTERM', 'SIGKILL', 'SIGBOGUS', 65, -1];
const POOL_SIZE = 48;

export function createContractTargets(fuzz) {
  const { random } = fuzz;
  const addon = loadSimulatorAddon();
  const sim = createContractSimulator({
    followRealChildren: false,
    privileges: ['sys_devices', 'contract_event', 'contract_identity', 'contract_observer'],
  });
  sim.world.addDevice(MINOR);
  sim.world.addDevice(OTHER_MINOR);
  const api = sim.library(sim.self.pid, 1);
  const backend = createSimulatedNativeBackend(sim);
  const system = createContractSystem({ backend: createSimulatedNativeBackend(sim) });
  const compatBackend = createSimulatedNativeBackend(sim);
  compat.useBackend(compatBackend);

  // Handles by kind; every one ever opened is also remembered weakly, to be closed at teardown.
  const raw = [];
  const wrapped = [];
  const contracts = [];
  const watchers = [];
  const compatContracts = [];
  const everything = [];
  const evids = [1n];

  const remember = (handle) => {
    if (handle !== null && typeof handle === 'object') everything.push(new WeakRef(handle));
    return handle;
  };
  const keep = (pool, handle) => {
    if (handle === undefined || handle === null || typeof handle !== 'object') return;
    remember(handle);
    if (pool.length < POOL_SIZE) pool.push(handle);
    else {
      const index = random.int(pool.length);
      // Either close the one it replaces or leave it to the garbage collector (finalizers).
      if (random.chance(0.5)) tryClose(pool[index]);
      pool[index] = handle;
    }
  };
  const any = (pool) => (pool.length === 0 ? undefined : random.pick(pool));
  const ctid = () => {
    const ids = sim.world.ctids();
    return ids.length > 0 && random.chance(0.8) ? random.pick(ids) : smallInt(random);
  };
  const evid = () => (random.chance(0.8) ? random.pick(evids) : BigInt(random.int(100)));
  const noteEvent = (event) => {
    if (typeof event?.evid === 'bigint') {
      if (evids.length > 64) evids.splice(0, 32);
      evids.push(event.evid);
    }
  };
  const bind = () => {
    addon.bindSimulator(api);
  };

  // --- the simulated world -------------------------------------------------------------------
  const members = () => sim.world.pids().filter((pid) => pid !== sim.self.pid);
  // The simulator refuses some steps (a fork of a process in no contract): not the code under test.
  const tolerant = (step) => () => {
    try {
      step();
    } catch {
      // nothing to judge
    }
  };
  const worldOps = [
    () => {
      // A fork under a freshly activated process template: a new contract, events on the pbundle.
      bind();
      const template = addon.openTemplate('process');
      try {
        template.ct_tmpl_set_critical(random.int(64));
        template.ct_tmpl_set_informative(random.int(64));
        template.activate();
        sim.world.fork(sim.self.pid);
        template.clear();
      } finally {
        template.close();
      }
    },
    () => {
      const pids = members();
      if (pids.length > 0) sim.world.fork(random.pick(pids));
    },
    () => {
      const pids = members();
      if (pids.length > 0) sim.world.exit(random.pick(pids), random.int(3));
    },
    () => {
      const pids = members();
      if (pids.length > 0) sim.world.kill(random.pick(pids), random.pick(['SIGKILL', 'SIGTERM', 'SIGSEGV']));
    },
    () => {
      sim.world.setDeviceState(random.pick([MINOR, OTHER_MINOR]), random.pick(['online', 'degraded', 'offline']));
    },
    () => {
      sim.clock.advance(random.int(70_000));
    },
    () => {
      sim.injectFault({
        operation: random.pick(['ct_event_read', 'ct_status_read', 'ct_tmpl_activate', 'ct_ctl_ack']),
        errno: 'EIO',
      });
    },
  ].map(tolerant);

  // --- listeners that re-enter ----------------------------------------------------------------
  let depth = 0;
  const reenter = (where, endpoint) => {
    if (depth > 0) return;
    depth++;
    try {
      const action = random.int(9);
      const described = () => `re-entrant action ${action} inside ${where}`;
      if (action === 0) fuzz.invoke(described, () => endpoint?.close());
      else if (action === 1) fuzz.invoke(described, () => endpoint?.listen(undefined));
      else if (action === 2) fuzz.invoke(described, () => endpoint?.listen(listener(endpoint)));
      else if (action === 3) fuzz.invoke(described, () => noteEvent(endpoint?.read()));
      else if (action === 4) fuzz.invoke(described, () => tryClose(any(raw)));
      else if (action === 5) fuzz.invoke(described, () => random.pick(worldOps)());
      else if (action === 6) fuzz.invoke(described, () => random.pick(ops)[1]());
      else if (action === 7) throw new FuzzSentinel(where);
    } finally {
      depth--;
    }
  };
  const listener = (endpoint) =>
    random.chance(0.9)
      ? {
          onEvent: (event) => {
            fuzz.count('contract event delivered');
            noteEvent(event);
            if (random.chance(0.3)) reenter('onEvent', endpoint);
          },
          onError: () => {
            fuzz.count('contract endpoint error delivered');
            if (random.chance(0.5)) reenter('onError', endpoint);
          },
        }
      : fuzz.arg(undefined).value;

  // --- the raw addon --------------------------------------------------------------------------
  const opens = {
    openTemplate: () => [fuzz.arg(() => random.pick(TYPES), 0.8)],
    openLatest: () => [fuzz.arg(() => random.pick(TYPES), 0.8)],
    openStatus: () => [fuzz.arg(ctid, 0.8)],
    openControl: () => [fuzz.arg(ctid, 0.8)],
    openEvents: () => [fuzz.arg(ctid, 0.8)],
    openBundle: () => [fuzz.arg(() => random.pick(TYPES), 0.8)],
    openProcessBundle: () => [fuzz.arg(() => random.pick(TYPES), 0.8)],
    openDeviceNode: () => [fuzz.arg(() => random.pick([MINOR, OTHER_MINOR, '/pseudo/none@0:z']), 0.8)],
    sigsend: () => [fuzz.arg(ctid, 0.8), fuzz.arg(() => random.pick([0, 9, 15, 1000, -3]), 0.7)],
  };
  const methodArgs = {
    ct_tmpl_set_cookie: () => [fuzz.arg(() => random.pick([0n, 1n, 2n ** 64n - 1n, BigInt(random.int(1e6))]))],
    ct_tmpl_set_critical: () => [fuzz.arg(() => random.int(256))],
    ct_tmpl_set_informative: () => [fuzz.arg(() => random.int(256))],
    ct_pr_tmpl_set_transfer: () => [fuzz.arg(() => (random.chance(0.5) ? 0 : ctid()))],
    ct_pr_tmpl_set_fatal: () => [fuzz.arg(() => random.int(64))],
    ct_pr_tmpl_set_param: () => [fuzz.arg(() => random.int(32))],
    ct_pr_tmpl_set_svc_fmri: () => [
      fuzz.arg(() => random.pick(['svc:/fuzz:default', 'inherit:', '', 'x'.repeat(2000)])),
    ],
    ct_pr_tmpl_set_svc_aux: () => [fuzz.arg(() => random.pick(['aux', '', 'y'.repeat(3000)]))],
    ct_dev_tmpl_set_aset: () => [fuzz.arg(() => random.int(8))],
    ct_dev_tmpl_set_minor: () => [fuzz.arg(() => random.pick([MINOR, OTHER_MINOR, 'nope']))],
    read: () => [fuzz.arg(() => random.int(4))],
    ack: () => [fuzz.arg(evid)],
    nack: () => [fuzz.arg(evid)],
    qack: () => [fuzz.arg(evid)],
    newct: () => [fuzz.arg(evid), fuzz.arg(() => any(raw.filter((handle) => 'ct_tmpl_set_cookie' in handle)) ?? 0)],
    listen: (handle) => [{ value: random.chance(0.15) ? undefined : listener(handle), label: 'listener' }],
  };
  const argsFor = (method, handle) => {
    const args = Object.hasOwn(methodArgs, method) ? methodArgs[method](handle) : [];
    // Sometimes extra or missing arguments.
    if (random.chance(0.05)) args.push(fuzz.arg(undefined));
    if (random.chance(0.05)) args.pop();
    return args;
  };
  const receivers = () =>
    fuzz.arg(() => random.pick([any(raw), any(wrapped), backend, addon, system, any(contracts)]), 0.5);

  const rawOps = [
    () => {
      const name = random.pick(Object.keys(opens));
      const args = opens[name]();
      if (random.chance(0.95)) bind();
      const handle = fuzz.invoke(
        () => `addon.${name}(${args.map((arg) => arg.label).join(', ')})`,
        () => addon[name](...args.map((arg) => arg.value)),
      );
      keep(raw, handle);
      if (handle !== undefined && 'listen' in handle && random.chance(0.5)) {
        fuzz.invoke(
          () => 'endpoint.listen(listener) after open',
          () => {
            handle.listen(listener(handle));
            if (random.chance(0.3)) handle.ref();
          },
        );
      }
    },
    () => {
      const handle = any(raw);
      if (handle === undefined) return;
      const prototype = Object.getPrototypeOf(handle);
      const method = random.pick(Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor'));
      const args = argsFor(method, handle);
      const receiver = random.chance(0.08) ? receivers() : { value: handle, label: handle.constructor.name };
      fuzz.invoke(
        () =>
          `${handle.constructor.name}.prototype.${method}.call(${receiver.label}, ${args.map((arg) => arg.label).join(', ')})`,
        () => {
          const result = prototype[method].call(receiver.value, ...args.map((arg) => arg.value));
          noteEvent(result);
          // The calls that run off the JS thread return promises: the harness watches them.
          return typeof result?.then === 'function' ? result : undefined;
        },
      );
    },
    () => {
      // The open that runs off the JS thread (issue 12 item 14), under a template or not, with
      // flags in and out of range; the node it resolves to joins the pool.
      const path = fuzz.arg(() => random.pick([MINOR, OTHER_MINOR, '/pseudo/none@0:z']), 0.8);
      const flags = fuzz.arg(() => random.pick([0, 1, 2, 3, 4, -1]), 0.8);
      const template = fuzz.arg(() => any(raw.filter((handle) => 'createAsync' in handle)), 0.7);
      if (random.chance(0.95)) bind();
      fuzz.invoke(
        () => `addon.openDeviceNodeAsync(${path.label}, ${flags.label}, ${template.label})`,
        () => addon.openDeviceNodeAsync(path.value, flags.value, template.value),
        { onValue: (opened) => keep(raw, opened?.node) },
      );
    },
    () => {
      // A blocking call in flight while its handle is closed: the descriptor outlives the close
      // until the call ends.
      const handle = any(raw.filter((candidate) => 'abandonAsync' in candidate || 'createAsync' in candidate));
      if (handle === undefined) return;
      const method = 'abandonAsync' in handle ? 'abandonAsync' : 'createAsync';
      fuzz.invoke(
        () => `${handle.constructor.name}.${method}() then close()`,
        () => {
          const pending = handle[method]();
          if (random.chance(0.7)) handle.close();
          return pending;
        },
      );
    },
    () => {
      // `new` of a handle class (refused), or a constructor called as a function.
      const handle = any(raw);
      if (handle === undefined) return;
      const Class = handle.constructor;
      fuzz.invoke(
        () => `new ${Class.name}()`,
        () => (random.chance(0.5) ? new Class(fuzz.arg(undefined).value) : Class()),
      );
    },
    () => {
      // The error class: a wrong one is refused; a hostile one must not crash the next error.
      const candidate = fuzz.arg(undefined);
      fuzz.invoke(
        () => `addon.setErrorConstructor(${candidate.label}); addon.openStatus(-1)`,
        () => {
          try {
            addon.setErrorConstructor(candidate.value);
            bind();
            addon.openStatus(2_000_000_000);
          } finally {
            addon.setErrorConstructor(ContractError);
          }
        },
        { allowAnyThrow: typeof candidate.value === 'function' },
      );
    },
    () => {
      const candidate = fuzz.arg(() => api, 0.3);
      fuzz.invoke(
        () => `addon.bindSimulator(${candidate.label}); addon.openTemplate('process')`,
        () => {
          addon.bindSimulator(candidate.value);
          keep(raw, addon.openTemplate(random.pick(TYPES)));
        },
      );
      bind();
    },
  ];

  // --- the backend over the simulator ---------------------------------------------------------
  const backendOpens = Object.keys(opens);
  const termValue = (term) => {
    switch (term) {
      case 'cookie':
        return BigInt(random.int(1e6));
      case 'svc_fmri':
        return 'svc:/fuzz:default';
      case 'svc_aux':
        return 'aux';
      case 'minor':
        return MINOR;
      case 'noneg':
        return random.chance(0.5);
      case 'transfer':
        return 0;
      default:
        return random.int(64);
    }
  };
  const backendOps = [
    () => {
      const name = random.pick(backendOpens);
      const args = opens[name]();
      const handle = fuzz.invoke(
        () => `backend.${name}(${args.map((arg) => arg.label).join(', ')})`,
        () => backend[name](...args.map((arg) => arg.value)),
      );
      keep(wrapped, handle);
      if (handle !== undefined && 'listen' in handle && random.chance(0.5)) {
        fuzz.invoke(
          () => 'backend endpoint.listen(listener)',
          () => handle.listen(listener(handle)),
        );
      }
    },
    () => {
      const handle = any(wrapped);
      if (handle === undefined) return;
      // Wrapped templates and controls carry their methods; the addon's own handles (status,
      // endpoints, nodes) are handed out as they are, with theirs on the prototype.
      const prototype = Object.getPrototypeOf(handle);
      const inherited =
        prototype === null || prototype === Object.prototype ? [] : Object.getOwnPropertyNames(prototype);
      const methods = [...Object.keys(handle), ...inherited].filter(
        (key) => key !== 'constructor' && typeof handle[key] === 'function',
      );
      const method = random.pick(methods);
      let args;
      if (method === 'set') {
        const term = fuzz.arg(() => random.pick(TERMS), 0.85);
        args = [term, fuzz.arg(() => termValue(term.value))];
      } else if (method === 'get') args = [fuzz.arg(() => random.pick(TERMS), 0.85)];
      else if (method === 'newct') args = [fuzz.arg(evid), fuzz.arg(() => any(wrapped) ?? 0)];
      else args = argsFor(method, handle);
      fuzz.invoke(
        () => `backend handle.${method}(${args.map((arg) => arg.label).join(', ')})`,
        () => {
          const result = handle[method](...args.map((arg) => arg.value));
          noteEvent(result);
          // abandonAsync, createAsync: the harness watches their promises.
          return typeof result?.then === 'function' ? result : undefined;
        },
      );
    },
  ];

  // --- the facade -----------------------------------------------------------------------------
  const eventNames = (type) => (type === 'device' ? DEVICE_EVENT_NAMES : PROCESS_EVENT_NAMES);
  const someNames = (type) => eventNames(type).filter(() => random.chance(0.4));
  const facadeTemplate = () => {
    const type = random.pick(TYPES);
    if (type === 'device') {
      return {
        type,
        critical: someNames(type),
        ...(random.chance(0.5) ? { minor: MINOR } : {}),
        ...(random.chance(0.3) ? { acceptableStates: ['online', 'degraded'] } : {}),
        ...(random.chance(0.3) ? { noneg: random.chance(0.5) } : {}),
      };
    }
    return {
      type,
      critical: someNames(type),
      informative: someNames(type),
      ...(random.chance(0.3) ? { cookie: BigInt(random.int(1000)) } : {}),
      ...(random.chance(0.2) ? { params: ['inherit'] } : {}),
    };
  };
  const consume = (source) => {
    if (source === undefined) return;
    const choice = random.int(4);
    if (choice === 0) {
      source.on('event', (event) => {
        fuzz.count('facade event emitted');
        noteEvent(event);
        if (random.chance(0.2)) reenter('a facade event listener', undefined);
        if (random.chance(0.1)) source.close();
      });
      source.on('error', () => undefined);
    } else if (choice === 1) {
      const controller = new AbortController();
      const iterator = fuzz.invoke(
        () => 'source.events({ signal })',
        () => source.events(random.chance(0.8) ? { signal: controller.signal } : fuzz.arg(undefined).value),
      );
      if (iterator !== undefined) {
        fuzz.invoke(
          () => 'iterator.next()',
          () =>
            iterator.next().then(() => {
              if (random.chance(0.5)) controller.abort();
              if (random.chance(0.3)) source.close();
            }),
        );
        if (random.chance(0.5)) controller.abort();
      }
    } else if (choice === 2) {
      source.unref();
    }
  };
  const facadeOps = [
    () => {
      const type = fuzz.arg(() => random.pick(TYPES), 0.85);
      const contract = fuzz.invoke(
        () => `system.latest(${type.label})`,
        () => system.latest(type.value),
      );
      if (contract !== undefined && !contracts.includes(contract)) {
        keep(contracts, contract);
        consume(contract);
      }
    },
    () => {
      const id = fuzz.arg(ctid, 0.85);
      const options = fuzz.arg(() => ({ fromHead: random.chance(0.5) }), 0.8);
      const method = random.pick(['observe', 'adopt']);
      const contract = fuzz.invoke(
        () => `system.${method}(${id.label}, ${options.label})`,
        () => system[method](id.value, options.value),
      );
      if (contract !== undefined && !contracts.includes(contract)) {
        keep(contracts, contract);
        consume(contract);
      }
    },
    () => {
      const template = fuzz.arg(facadeTemplate, 0.7);
      const method = random.pick(['activateTemplate', 'createDeviceContract', 'withTemplate', 'openDevice']);
      const flags = fuzz.arg(() => ({ ndelay: random.chance(0.5), noctty: random.chance(0.5) }), 0.8);
      const claim = (contract) => {
        if (contract === undefined || contracts.includes(contract)) return;
        keep(contracts, contract);
        consume(contract);
      };
      const result = fuzz.invoke(
        () => `system.${method}(${template.label}${method === 'openDevice' ? `, ${flags.label}` : ''})`,
        () => {
          if (method === 'withTemplate') {
            return system.withTemplate(template.value, () => {
              sim.world.fork(sim.self.pid);
              return system.latest(template.value?.type === 'device' ? 'device' : 'process');
            });
          }
          if (method === 'openDevice') {
            return system.openDevice(random.pick([MINOR, OTHER_MINOR]), template.value, flags.value);
          }
          return system[method](template.value);
        },
        {
          // openDevice and createDeviceContract run off the JS thread and resolve later.
          onValue: (value) => {
            if (method === 'openDevice') {
              keep(contracts, value.contract);
              if (random.chance(0.5)) value.node.close();
              else remember(value.node);
            } else {
              claim(value);
            }
          },
        },
      );
      if (result === undefined) return;
      if (method === 'activateTemplate') {
        sim.world.fork(sim.self.pid);
        result.clear();
      } else if (method === 'withTemplate') {
        claim(result);
      }
    },
    () => {
      const type = fuzz.arg(() => random.pick(TYPES), 0.85);
      const options = fuzz.arg(() => ({ fromHead: random.chance(0.5) }), 0.8);
      const watcher = fuzz.invoke(
        () => `system.watch(${type.label}, ${options.label})`,
        () => system.watch(type.value, options.value),
      );
      if (watcher !== undefined) {
        keep(watchers, watcher);
        consume(watcher);
      }
    },
    () => {
      const command = fuzz.arg(undefined);
      // Only argument errors: a valid command would spawn a real process.
      if (typeof command.value === 'string') return;
      fuzz.invoke(
        () => `system.spawn(${command.label})`,
        () => system.spawn(command.value),
      );
    },
    () => {
      const contract = any(contracts) ?? any(watchers);
      if (contract === undefined) return;
      const method = random.pick([
        'status',
        'abandon',
        'abandonAsync',
        'ack',
        'nack',
        'qack',
        'newct',
        'signal',
        'close',
        'ref',
        'unref',
      ]);
      const args =
        method === 'signal'
          ? [fuzz.arg(() => random.pick(SIGNALS))]
          : method === 'newct'
            ? [fuzz.arg(evid), fuzz.arg(facadeTemplate)]
            : ['ack', 'nack', 'qack'].includes(method)
              ? [fuzz.arg(evid)]
              : [];
      // No wrong receivers here: the facade's classes are plain JS, where a method called on
      // another object fails as any JS method does; the native handles below them check theirs.
      if (typeof contract[method] !== 'function') return;
      fuzz.invoke(
        () => `contract.${method}(${args.map((arg) => arg.label).join(', ')})`,
        () => contract[method](...args.map((arg) => arg.value)),
      );
    },
    () => {
      const options = fuzz.arg(() => ({ backend: createSimulatedNativeBackend(sim) }), 0.3);
      const created = fuzz.invoke(
        () => `createContractSystem(${options.label})`,
        () => createContractSystem(options.value),
      );
      created?.close();
    },
  ];

  // --- the compat entry ------------------------------------------------------------------------
  const compatTemplate = () => {
    const type = random.pick(TYPES);
    const flags = Object.fromEntries(eventNames(type).map((name) => [name, random.chance(0.4)]));
    return type === 'device'
      ? { type, critical: flags, dev_minor: MINOR, dev_aset: random.int(8) }
      : { type, critical: flags, cookie: random.pick(['0x10', 7, 5n]), param: random.int(16) };
  };
  const compatOps = [
    () => {
      const template = fuzz.arg(compatTemplate, 0.7);
      fuzz.invoke(
        () => `compat.set_template(${template.label})`,
        () => compat.set_template(template.value),
      );
      if (random.chance(0.5)) sim.world.fork(sim.self.pid);
    },
    () => {
      const name = random.pick(['clear_template', 'create', 'latest', 'adopt', 'observe']);
      const args =
        name === 'latest'
          ? [fuzz.arg(() => random.pick(TYPES))]
          : ['adopt', 'observe'].includes(name)
            ? [fuzz.arg(ctid)]
            : [];
      const result = fuzz.invoke(
        () => `compat.${name}(${args.map((arg) => arg.label).join(', ')})`,
        () => compat[name](...args.map((arg) => arg.value)),
      );
      if (result !== undefined) {
        keep(compatContracts, result);
        if (random.chance(0.5))
          result.on(random.pick(PROCESS_EVENT_NAMES), () => reenter('a compat listener', undefined));
      }
    },
    () => {
      const contract = any(compatContracts);
      if (contract === undefined) return;
      const method = random.pick(['status', 'abandon', 'dispose', 'ack', 'nack', 'qack', 'sigsend', 'newct']);
      const evidString = () => String(evid());
      const args =
        method === 'sigsend'
          ? [fuzz.arg(() => random.pick([0, 9, 15]))]
          : method === 'newct'
            ? [fuzz.arg(evidString), fuzz.arg(compatTemplate, 0.5)]
            : ['ack', 'nack', 'qack'].includes(method)
              ? [fuzz.arg(evidString)]
              : [];
      fuzz.invoke(
        () => `compat contract.${method}(${args.map((arg) => arg.label).join(', ')})`,
        () => contract[method](...args.map((arg) => arg.value)),
      );
    },
  ];

  const ops = [
    ...rawOps.map((op) => [6, op]),
    [10, rawOps[1]],
    ...backendOps.map((op) => [6, op]),
    ...facadeOps.map((op) => [2, op]),
    ...compatOps.map((op) => [2, op]),
    ...worldOps.map((op) => [
      1,
      () => {
        fuzz.invoke(
          () => 'simulated world step',
          () => op(),
        );
      },
    ]),
  ];

  function tryClose(handle) {
    try {
      if (typeof handle?.close === 'function') handle.close();
      else if (typeof handle?.dispose === 'function') handle.dispose();
    } catch {
      // A handle of a closed system may refuse; teardown only needs the rest closed.
    }
  }

  return {
    ops,
    teardown() {
      compat.useBackend(undefined);
      system.close();
      backend.close();
      compatBackend.close();
      for (const reference of everything) tryClose(reference.deref());
      addon.setErrorConstructor(ContractError);
      sim.close();
    },
  };
}
