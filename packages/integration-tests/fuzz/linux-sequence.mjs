// The seeded sequence of backend-interface calls the Linux differential fuzzer replays on two
// backends: the testing-fakes simulator (which follows real children) and the real Linux backend.
// The sequence is drawn once per backend from the same seed, so both get the same calls with
// fresh argument values; handles live in numbered slots, so "the template in slot 3" means the
// same thing on both sides even when one side failed to open it (the slot is then empty there,
// and every later call on it says so).
//
// Safe on a real machine: the only contracts acted on are the ones this run's own spawns created
// (or random numbers that name no contract: a ctid is a number, never a path); the only children
// are short harmless shells and sleeps; every child is killed by its pid in the clean-up if it is
// still there, and a double fork's grandchild reports its own pid so that it can be too.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostileFactory } from './random-values.mjs';

const SLOTS = 6;
const TERMS = ['cookie', 'critical', 'informative', 'transfer', 'fatal', 'param', 'svc_fmri', 'svc_aux'];
const DEVICE_TERMS = ['aset', 'minor', 'noneg'];
/** Numbers that name no contract on either side (the simulator hands out small ctids; Linux inode numbers). */
const BOGUS_CTIDS = [
  ['2**31-1', () => 2 ** 31 - 1],
  ['987654321', () => 987_654_321],
  ['0', () => 0],
  ['-1', () => -1],
  ['2**31', () => 2 ** 31],
  ['1.5', () => 1.5],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Infinity],
  ["'7'", () => '7'],
  ['7n', () => 7n],
  ['null', () => null],
  ['undefined', () => undefined],
  ["'../..'", () => '../..'],
];
const SIGNALS = [
  ['0', () => 0],
  ['9', () => 9],
  ['15', () => 15],
  ['1', () => 1],
  ['64', () => 64],
  ['65', () => 65],
  ['-1', () => -1],
  ['NaN', () => Number.NaN],
  ['2.5', () => 2.5],
  ["'SIGTERM'", () => 'SIGTERM'],
  ['15n', () => 15n],
];
/** Values per term: valid ones, and invalid ones of the right type (negative, huge, fractional, NaN). */
const TERM_VALUES = {
  cookie: [0n, 1n, 2n ** 64n - 1n, 2n ** 64n, -1n, 12345n, 7],
  critical: [0, 1, 2, 8, 31, 63, 64, 0xffffffff, 2 ** 32, -1, 1.5, Number.NaN, Infinity],
  informative: [0, 1, 2, 4, 8, 16, 63, 2 ** 32, -1, 0.25, Number.NaN],
  transfer: [0, 1, 5, 2 ** 31, -1, Number.NaN],
  fatal: [0, 4, 8, 16, 28, 1, 2, 63, -1, Number.NaN, 2 ** 40],
  param: [0, 1, 2, 4, 8, 16, 32, 64, 0xff, -1, 2.5, Number.NaN, 2 ** 33],
  svc_fmri: ['svc:/fuzz:default', 'inherit:', '', 'x'.repeat(2000), 42],
  svc_aux: ['aux', '', 'y'.repeat(3000), 42],
  aset: [1, 2, 7],
  minor: ['/pseudo/fuzz@0:a'],
  noneg: [true, false],
};
/**
 * Harmless children, as `[label, command, args, kind]`. The double fork's grandchild prints its
 * pid, so that the clean-up can kill it by id even where no contract holds it.
 */
const CHILDREN = [
  ['exit 0', 'sh', ['-c', 'exit 0'], 'plain'],
  ['exit 3', 'sh', ['-c', 'exit 3'], 'plain'],
  ['sleep 0.02', 'sleep', ['0.02'], 'plain'],
  ['sleep 0.05', 'sleep', ['0.05'], 'plain'],
  ['self SIGKILL', 'sh', ['-c', 'kill -KILL $$'], 'plain'],
  ['self SIGSEGV, no core', 'sh', ['-c', 'ulimit -c 0; kill -SEGV $$'], 'plain'],
  ['double fork', 'sh', ['-c', '(sleep 0.03 & echo $!); exit 0'], 'double fork'],
  ['sleep 0.5, then sigsend', 'sleep', ['0.5'], 'signalled'],
];

// The children run uninstrumented even under the sanitizer job (libasan is preloaded into node only).
const { LD_PRELOAD: _preload, ...CHILD_ENV } = process.env;

/** A value drawn now, made fresh on each backend: `{ label, make }`. */
function choice(label, make) {
  return { label, make };
}

function pickFrom(random, entries) {
  const [label, make] = random.pick(entries);
  return choice(label, make);
}

/** A valid-looking value (a listed one) or, with `hostileProbability`, a hostile one. */
function valueOf(random, values, hostileProbability) {
  if (random.chance(hostileProbability)) return hostileFactory(random);
  const value = random.pick(values);
  return choice(describe(value), () => value);
}

function describe(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return value.length > 20 ? `'${value.slice(0, 8)}…'(${value.length})` : `'${value}'`;
  return String(value);
}

/**
 * A ctid argument: one of this run's own contracts (by creation index, mapped per backend), or a
 * number naming none, or a hostile value.
 */
function ctidChoice(random) {
  const roll = random.next();
  if (roll < 0.7) {
    const index = random.int(16);
    return { label: `own #${index}`, own: index };
  }
  if (roll < 0.9) return pickFrom(random, BOGUS_CTIDS);
  return hostileFactory(random);
}

/** An evid argument: the n-th event this run saw of one of its contracts, a bogus one, or hostile. */
function evidChoice(random) {
  const roll = random.next();
  if (roll < 0.7)
    return { label: `event #${random.int(4)} of own #${random.int(16)}`, event: [random.int(16), random.int(4)] };
  if (roll < 0.9)
    return pickFrom(random, [
      ['1n', () => 1n],
      ['99999n', () => 99_999n],
      ['0n', () => 0n],
      ['-1n', () => -1n],
      ['1', () => 1],
    ]);
  return hostileFactory(random);
}

/**
 * Draws `count` operations. Each is `{ label, slot?, run(world) }`; run returns the outcome of the
 * call(s) as a list of strings (see outcome()), which the differential compares.
 */
export function drawSequence(random, count) {
  const ops = [];
  for (let index = 0; index < count; index++) ops.push(drawOp(random));
  return ops;
}

function drawOp(random) {
  const slot = random.int(SLOTS);
  const roll = random.int(100);
  if (roll < 8) {
    const type = random.chance(0.85)
      ? choice(`'process'`, () => 'process')
      : random.chance(0.5)
        ? choice(`'device'`, () => 'device')
        : hostileFactory(random);
    return { kind: 'openTemplate', slot, label: `template[${slot}] = openTemplate(${type.label})`, type };
  }
  if (roll < 26) {
    const term = random.chance(0.9) ? random.pick(random.chance(0.9) ? TERMS : DEVICE_TERMS) : undefined;
    const termArg = term === undefined ? hostileFactory(random) : choice(`'${term}'`, () => term);
    const value = valueOf(random, TERM_VALUES[term ?? 'critical'], 0.15);
    return {
      kind: 'set',
      slot,
      term,
      label: `template[${slot}].set(${termArg.label}, ${value.label})`,
      termArg,
      value,
    };
  }
  if (roll < 30) {
    const term = random.pick([...TERMS, ...DEVICE_TERMS]);
    return { kind: 'get', slot, term, label: `template[${slot}].get('${term}')` };
  }
  if (roll < 44) {
    const method = random.pick(['activate', 'activate', 'activate', 'clear', 'create', 'createAsync', 'close']);
    return { kind: 'template method', slot, method, label: `template[${slot}].${method}()` };
  }
  if (roll < 58) {
    const [name, command, args, childKind] = random.pick(CHILDREN);
    const signal = childKind === 'signalled' ? pickFrom(random, SIGNALS) : undefined;
    const label = `spawn ${name}${signal === undefined ? '' : ` (sigsend ${signal.label})`}`;
    return { kind: 'spawn', label, command, args, childKind, signal };
  }
  if (roll < 62) {
    const type = random.chance(0.9) ? choice(`'process'`, () => 'process') : hostileFactory(random);
    return { kind: 'openLatest', slot, label: `status[${slot}] = openLatest(${type.label})`, type };
  }
  if (roll < 67) {
    const ctid = ctidChoice(random);
    return { kind: 'openStatus', slot, ctid, label: `status[${slot}] = openStatus(${ctid.label})` };
  }
  if (roll < 72) {
    const level = random.int(3);
    const detail = random.chance(0.85)
      ? choice(String(level), () => level)
      : pickFrom(random, [
          ['3', () => 3],
          ['-1', () => -1],
          ['1.5', () => 1.5],
          ["'2'", () => '2'],
        ]);
    const close = random.chance(0.15);
    return {
      kind: 'status',
      slot,
      detail,
      close,
      label: close ? `status[${slot}].close() twice` : `status[${slot}].read(${detail.label})`,
    };
  }
  if (roll < 77) {
    const ctid = ctidChoice(random);
    return { kind: 'openControl', slot, ctid, label: `control[${slot}] = openControl(${ctid.label})` };
  }
  if (roll < 84) {
    const method = random.pick([
      'adopt',
      'abandon',
      'abandonAsync',
      'ack',
      'ack',
      'ack',
      'nack',
      'qack',
      'newct',
      'close',
    ]);
    const evid = evidChoice(random);
    const template = random.int(SLOTS);
    const args =
      method === 'ack' || method === 'nack' || method === 'qack' || method === 'newct'
        ? `(${evid.label}${method === 'newct' ? `, template[${template}]` : ''})`
        : '()';
    return { kind: 'control', slot, method, evid, template, label: `control[${slot}].${method}${args}` };
  }
  if (roll < 89) {
    const which = random.pick(['openEvents', 'openEvents', 'openProcessBundle', 'openBundle']);
    const argument =
      which === 'openEvents'
        ? ctidChoice(random)
        : random.chance(0.85)
          ? choice(`'process'`, () => 'process')
          : random.chance(0.5)
            ? choice(`'device'`, () => 'device')
            : hostileFactory(random);
    return { kind: 'openEndpoint', slot, which, argument, label: `endpoint[${slot}] = ${which}(${argument.label})` };
  }
  if (roll < 96) {
    const method = random.pick([
      'read',
      'read',
      'readCritical',
      'reset',
      'reliable',
      'listen',
      'listen undefined',
      'ref',
      'unref',
      'close twice',
    ]);
    return { kind: 'endpoint', slot, method, label: `endpoint[${slot}].${method}` };
  }
  const ctid = ctidChoice(random);
  const signal = pickFrom(random, SIGNALS);
  return { kind: 'sigsend', ctid, signal, label: `sigsend(${ctid.label}, ${signal.label})` };
}

// ---- running a sequence on one backend ----------------------------------------------------------

/**
 * The state of one backend's run: its slots, the contracts its spawns created (by creation index),
 * the events a harness pbundle saw of each, and every pid it started (for the clean-up).
 */
export function createWorld(backend) {
  const world = {
    backend,
    templates: new Array(SLOTS).fill(undefined),
    statuses: new Array(SLOTS).fill(undefined),
    controls: new Array(SLOTS).fill(undefined),
    endpoints: new Array(SLOTS).fill(undefined),
    /** ctids of this run's contracts, in creation order. */
    contracts: [],
    /** ctid → events the harness saw, in order. */
    events: new Map(),
    /** pids of children and grandchildren started by this run. */
    pids: new Set(),
    /** Creation indexes of contracts whose events the comparison skips, with the fidelity row. */
    taintedContracts: new Map(),
    /** `${pool}[slot]` → the fidelity row that made its content differ. */
    taintedSlots: new Map(),
    /** `${pool}[slot]` → the creation index of the contract the handle there belongs to. */
    slotContracts: new Map(),
    /** The fidelity row of the active template's taint, if any. */
    activeTaint: undefined,
    harness: undefined,
    calls: 0,
  };
  world.harness = backend.openProcessBundle('process');
  world.harness.listen({
    onEvent(event) {
      const list = world.events.get(event.ctid) ?? [];
      list.push(event);
      world.events.set(event.ctid, list);
    },
    onError() {},
  });
  return world;
}

/** What a call did, as a string both backends can be compared on. */
export function outcome(thrown, value, world) {
  if (thrown !== undefined) {
    const error = thrown;
    if (!(error instanceof Error)) return `threw non-Error ${typeof error}`;
    const errno = error.errno === undefined ? '' : ` errno ${error.errno}`;
    return `${error.name}${error.code === undefined ? '' : ` ${error.code}`}${error.syscall === undefined ? '' : ` ${error.syscall}`}${errno}`;
  }
  return `ok ${shape(value, world)}`;
}

function shape(value, world) {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number')
    return world.contracts.includes(value) ? `own #${world.contracts.indexOf(value)}` : 'number';
  if (typeof value === 'string') return JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value.then === 'function') return 'promise';
  if ('evid' in value) return eventShape(value, world);
  if ('state' in value && 'detail' in value) return statusShape(value, world);
  if (typeof value.close === 'function')
    return `handle ${value.type}${value.kind === undefined ? '' : ` ${value.kind}`}`;
  return `object {${Object.keys(value).sort().join(',')}}`;
}

function ctidName(ctid, world) {
  const index = world.contracts.indexOf(ctid);
  return index < 0 ? 'another' : `own #${index}`;
}

function statusShape(status, world) {
  const fields = {
    ctid: ctidName(status.ctid, world),
    type: status.type,
    state: status.state,
    holder: status.holder === 0 ? 0 : status.holder === world.backend.pid ? 'self' : 'another',
    nevents: status.nevents,
    cookie: String(status.cookie),
    critical: status.critical,
    informative: status.informative,
    detail: status.detail,
    param: status.param,
    fatal: status.fatal,
    svcFmri: status.svcFmri,
    members: status.members?.length,
    contracts: status.contracts?.length,
    svcAux: status.svcAux,
    zoneid: status.zoneid,
  };
  return `status ${JSON.stringify(fields)}`;
}

function eventShape(event, world) {
  const fields = {
    ctid: ctidName(event.ctid, world),
    type: event.type,
    flags: event.flags,
    exitStatus: event.exitStatus,
    signal: event.signal,
    hasPid: event.pid !== undefined,
    hasPpid: event.ppid !== undefined,
  };
  return `event ${JSON.stringify(fields)}`;
}

/** Runs one call, returning its outcome (a thrown error is an outcome, not a failure). */
function attempt(world, call) {
  world.calls++;
  try {
    return { text: outcome(undefined, call(), world), value: undefined };
  } catch (error) {
    return { text: outcome(error, undefined, world), error };
  }
}

function attemptValue(world, call) {
  world.calls++;
  try {
    const value = call();
    return { text: outcome(undefined, value, world), value };
  } catch (error) {
    return { text: outcome(error, undefined, world), value: undefined };
  }
}

function resolveCtid(choice, world) {
  if (choice.own === undefined) return choice.make();
  const ctid = world.contracts[choice.own % Math.max(1, world.contracts.length)];
  // No contract yet: a number that names none.
  return ctid ?? 2 ** 31 - 1;
}

function resolveEvid(choice, world) {
  if (choice.event === undefined) return choice.make();
  const [contract, nth] = choice.event;
  const ctid = world.contracts[contract % Math.max(1, world.contracts.length)];
  const event = ctid === undefined ? undefined : world.events.get(ctid)?.[nth];
  return event?.evid ?? 99_999n;
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one operation on one backend; returns its outcomes, one string per call made. */
export async function runOp(op, world) {
  const { backend } = world;
  switch (op.kind) {
    case 'openTemplate': {
      world.templates[op.slot]?.close();
      const result = attemptValue(world, () => backend.openTemplate(op.type.make()));
      world.templates[op.slot] = result.value;
      return [result.text];
    }
    case 'set': {
      const template = world.templates[op.slot];
      if (template === undefined) return ['no template'];
      return [attempt(world, () => template.set(op.termArg.make(), op.value.make())).text];
    }
    case 'get': {
      const template = world.templates[op.slot];
      if (template === undefined) return ['no template'];
      // The value itself (a number here is a term, never a ctid to map).
      world.calls++;
      try {
        const value = template.get(op.term);
        return [`ok ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`];
      } catch (error) {
        return [outcome(error, undefined, world)];
      }
    }
    case 'template method': {
      const template = world.templates[op.slot];
      if (template === undefined) return ['no template'];
      if (op.method === 'createAsync') {
        world.calls++;
        try {
          return [outcome(undefined, await template.createAsync(), world)];
        } catch (error) {
          return [outcome(error, undefined, world)];
        }
      }
      if (op.method === 'close')
        return [attempt(world, () => template.close()).text, attempt(world, () => template.close()).text];
      return [attempt(world, () => template[op.method]()).text];
    }
    case 'spawn':
      return spawnChild(op, world);
    case 'openLatest': {
      world.statuses[op.slot]?.close();
      const result = attemptValue(world, () => backend.openLatest(op.type.make()));
      world.statuses[op.slot] = result.value;
      return [result.text, result.value === undefined ? 'none' : `ctid ${ctidName(result.value.ctid, world)}`];
    }
    case 'openStatus': {
      world.statuses[op.slot]?.close();
      const result = attemptValue(world, () => backend.openStatus(resolveCtid(op.ctid, world)));
      world.statuses[op.slot] = result.value;
      return [result.text];
    }
    case 'status': {
      const status = world.statuses[op.slot];
      if (status === undefined) return ['no status'];
      if (op.close) {
        world.statuses[op.slot] = undefined;
        return [
          attempt(world, () => status.close()).text,
          attempt(world, () => status.close()).text,
          attempt(world, () => status.read(0)).text,
        ];
      }
      return [attempt(world, () => status.read(op.detail.make())).text];
    }
    case 'openControl': {
      world.controls[op.slot]?.close();
      const result = attemptValue(world, () => backend.openControl(resolveCtid(op.ctid, world)));
      world.controls[op.slot] = result.value;
      return [result.text];
    }
    case 'control': {
      const control = world.controls[op.slot];
      if (control === undefined) return ['no control'];
      switch (op.method) {
        case 'abandonAsync':
          world.calls++;
          try {
            return [outcome(undefined, await control.abandonAsync(), world)];
          } catch (error) {
            return [outcome(error, undefined, world)];
          }
        case 'close':
          world.controls[op.slot] = undefined;
          return [
            attempt(world, () => control.close()).text,
            attempt(world, () => control.close()).text,
            attempt(world, () => control.abandon()).text,
          ];
        case 'ack':
        case 'nack':
        case 'qack':
          return [attempt(world, () => control[op.method](resolveEvid(op.evid, world))).text];
        case 'newct': {
          const template = world.templates[op.template];
          return [attempt(world, () => control.newct(resolveEvid(op.evid, world), template)).text];
        }
        default:
          return [attempt(world, () => control[op.method]()).text];
      }
    }
    case 'openEndpoint': {
      world.endpoints[op.slot]?.close();
      const argument = op.which === 'openEvents' ? resolveCtid(op.argument, world) : op.argument.make();
      const result = attemptValue(world, () => backend[op.which](argument));
      world.endpoints[op.slot] = result.value;
      return [result.text];
    }
    case 'endpoint': {
      const endpoint = world.endpoints[op.slot];
      if (endpoint === undefined) return ['no endpoint'];
      switch (op.method) {
        case 'close twice':
          world.endpoints[op.slot] = undefined;
          return [
            attempt(world, () => endpoint.close()).text,
            attempt(world, () => endpoint.close()).text,
            attempt(world, () => endpoint.read()).text,
          ];
        case 'listen': {
          const seen = [];
          const text = attempt(world, () =>
            endpoint.listen({ onEvent: (event) => seen.push(event), onError: () => {} }),
          ).text;
          await settle(5);
          attempt(world, () => endpoint.listen(undefined));
          return [text, ...seen.map((event) => eventShape(event, world))];
        }
        case 'listen undefined':
          return [attempt(world, () => endpoint.listen(undefined)).text];
        default:
          return [attempt(world, () => endpoint[op.method]()).text];
      }
    }
    case 'sigsend':
      return [attempt(world, () => backend.sigsend(resolveCtid(op.ctid, world), op.signal.make())).text];
    default:
      throw new Error(`unknown op ${op.kind}`);
  }
}

/** Spawns one harmless child (in a new contract if a template is active) and waits for it to settle. */
async function spawnChild(op, world) {
  const { backend } = world;
  const before = latestCtid(backend);
  const child = spawn(op.command, op.args, {
    stdio: ['ignore', op.childKind === 'double fork' ? 'pipe' : 'ignore', 'ignore'],
    env: CHILD_ENV,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const failed = new Promise((resolve) => child.once('error', resolve));
  if (child.pid !== undefined) world.pids.add(child.pid);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (data) => {
    output += data;
    for (const line of output.split('\n').slice(0, -1)) if (/^\d+$/.test(line)) world.pids.add(Number(line));
  });
  const after = latestCtid(backend);
  const created = after !== undefined && after !== before && !world.contracts.includes(after);
  if (created) world.contracts.push(after);
  const index = created ? world.contracts.length - 1 : undefined;
  const outcomes = [created ? `new contract own #${index}` : 'no new contract'];
  if (op.signal !== undefined) {
    const target = created ? after : 2 ** 31 - 1;
    outcomes.push(attempt(world, () => backend.sigsend(target, op.signal.make())).text);
    // Ours is no pr_signal on Linux (the sender is the contract machinery): the fidelity table's row.
    if (created) world.taintedContracts.set(index, 'pr_signal (signal, sender)');
  }
  // A signal that did not kill it: the clean-up does (by pid), so that the run stays short.
  const giveUp = setTimeout(() => child.kill('SIGKILL'), 2000);
  await Promise.race([exited, failed]);
  clearTimeout(giveUp);
  if (op.childKind === 'double fork' && created) {
    // The simulator follows direct children only: the grandchild is invisible to it.
    world.taintedContracts.set(index, 'membership by fork (simulator: direct children only)');
  }
  // Endpoints open now see this contract's events, which differ by the row: their reads too.
  const row = created ? world.taintedContracts.get(index) : undefined;
  if (row !== undefined) {
    world.endpoints.forEach((endpoint, slot) => {
      if (endpoint !== undefined && !world.taintedSlots.has(`endpoint[${slot}]`))
        world.taintedSlots.set(`endpoint[${slot}]`, row);
    });
  }
  if (created) await settledContract(world, after, op.childKind === 'double fork' ? 400 : 150);
  return outcomes;
}

function latestCtid(backend) {
  try {
    const status = backend.openLatest('process');
    const ctid = status.ctid;
    status.close();
    return ctid;
  } catch {
    return undefined;
  }
}

/** Waits until the contract has no member left and its pr_empty (if its terms ask for one) is in. */
async function settledContract(world, ctid, patienceMs) {
  const deadline = Date.now() + patienceMs + 1500;
  let emptySince;
  for (;;) {
    let members = [];
    let wantsEmpty = false;
    try {
      const status = world.backend.openStatus(ctid);
      const read = status.read(2);
      status.close();
      members = read.members ?? [];
      wantsEmpty = ((read.critical | read.informative) & 1) !== 0;
    } catch {
      // gone: settled
    }
    const gotEmpty = (world.events.get(ctid) ?? []).some((event) => event.type === 1);
    if (members.length === 0) {
      emptySince ??= Date.now();
      if (gotEmpty || (!wantsEmpty && Date.now() - emptySince > 60)) return;
    }
    if (Date.now() > deadline) return;
    await settle(5);
  }
}

/** Kills every pid this run started that is still there (by id; a reused pid runs something else). */
export function killLeftovers(world) {
  for (const pid of world.pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/^(sh|sleep)\0/.test(cmdline) && !/\/(sh|sleep)\0/.test(cmdline)) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Closes every handle of the run (twice: close is idempotent), clears templates, abandons own contracts. */
export function closeWorld(world) {
  for (const pool of [world.templates, world.statuses, world.controls, world.endpoints]) {
    for (const handle of pool) {
      try {
        handle?.close();
        handle?.close();
      } catch {
        // judged elsewhere
      }
    }
  }
  try {
    const template = world.backend.openTemplate('process');
    template.clear();
    template.close();
  } catch {
    // nothing active
  }
  for (const ctid of world.contracts) {
    try {
      world.backend.sigsend(ctid, 9);
    } catch {
      // empty already
    }
    try {
      const control = world.backend.openControl(ctid);
      control.abandon();
      control.close();
    } catch {
      // abandoned already
    }
  }
  world.harness.close();
}
