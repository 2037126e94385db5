import { afterEach, describe, expect, it } from 'vitest';
import { createContractSimulator, type ContractSimulator } from '@sysbind/testing-fakes';
import { createContractSystem, type ContractBackend, type ContractSystem } from '../src/index.ts';
import * as compat from '../src/compat.ts';

// A backend that fails the test if anything reaches it: bad input must be refused before.
function untouchable(): ContractBackend {
  return new Proxy({} as ContractBackend, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`backend.${String(property)} was reached`);
    },
  });
}

let sim: ContractSimulator | undefined;
afterEach(() => {
  compat.useBackend(undefined);
  sim?.close();
});

function system(): ContractSystem {
  return createContractSystem({ backend: untouchable() });
}

function expectCode(action: () => unknown, kind: typeof TypeError | typeof RangeError, code: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(kind);
  expect((thrown as { code?: unknown }).code).toBe(code);
}

describe('bad input is refused before reaching the backend', () => {
  it.each([
    ['unknown template key', { critical: ['pr_empty'], colour: 'red' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['unknown event name', { critical: ['pr_exploded'] }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['device event on a process template', { informative: ['dev_offline'] }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['event set not an array', { critical: 'pr_empty' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['unknown parameter', { params: ['immortal'] }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['non-fatal event in the fatal set', { fatal: ['pr_exit'] }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['cookie not a bigint', { cookie: 5 }, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['cookie above 64 bits', { cookie: 2n ** 64n }, RangeError, 'ERR_OUT_OF_RANGE'],
    ['negative cookie', { cookie: -1n }, RangeError, 'ERR_OUT_OF_RANGE'],
    ['transfer ctid not an integer', { transfer: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE'],
    ['unknown type', { type: 'socket' }, TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['template not an object', 'pr_empty', TypeError, 'ERR_INVALID_ARG_TYPE'],
  ] as const)('template with %s', (_label, template, kind, code) => {
    expectCode(
      () => {
        system().withTemplate(template as never, () => undefined);
      },
      kind,
      code,
    );
    expectCode(() => system().spawn('true', [], { template: template as never }), kind, code);
  });

  it.each([
    [0, RangeError, 'ERR_OUT_OF_RANGE'],
    [-3, RangeError, 'ERR_OUT_OF_RANGE'],
    [2 ** 31, RangeError, 'ERR_OUT_OF_RANGE'],
    [1.5, RangeError, 'ERR_OUT_OF_RANGE'],
    ['12', TypeError, 'ERR_INVALID_ARG_TYPE'],
    [12n, TypeError, 'ERR_INVALID_ARG_TYPE'],
  ] as const)('ctid %s', (ctid, kind, code) => {
    expectCode(() => system().adopt(ctid as never), kind, code);
    expectCode(() => system().observe(ctid as never), kind, code);
    expectCode(() => compat.adopt(ctid as never), kind, code);
  });

  it('evids must be bigints (decimal strings in compat), signals known', () => {
    sim = createContractSimulator();
    const real = createContractSystem({ backend: sim.backend() });
    const contract = real.withTemplate({}, () => {
      sim?.world.fork(sim.self.pid);
      return real.latest();
    });
    expectCode(
      () => {
        contract.ack(1 as never);
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    );
    expectCode(
      () => {
        contract.ack('1' as never);
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    );
    expectCode(
      () => {
        contract.nack(0n);
      },
      RangeError,
      'ERR_OUT_OF_RANGE',
    );
    expectCode(
      () => {
        contract.qack(2n ** 64n);
      },
      RangeError,
      'ERR_OUT_OF_RANGE',
    );
    expectCode(
      () => {
        contract.signal('SIGNOPE' as never);
      },
      TypeError,
      'ERR_UNKNOWN_SIGNAL',
    );
    expectCode(
      () => {
        contract.signal(300);
      },
      RangeError,
      'ERR_OUT_OF_RANGE',
    );
    compat.useBackend(sim.backend());
    compat.set_template({ type: 'process' });
    sim.world.fork(sim.self.pid);
    compat.clear_template();
    const old = compat.latest();
    expectCode(
      () => {
        old.ack(5 as never);
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    );
    expectCode(
      () => {
        old.ack('five');
      },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    );
    real.close();
  });

  it('compat templates: type required and known, unknown keys and names refused', () => {
    compat.useBackend(untouchable());
    expectCode(
      () => {
        compat.set_template({});
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    );
    expectCode(
      () => {
        compat.set_template({ type: 'socket' });
      },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    );
    expectCode(
      () => {
        compat.set_template({ type: 'process', critical: { pr_boom: true } });
      },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    );
    expectCode(
      () => {
        compat.set_template({ type: 'process', dev_minor: '/x:y' });
      },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    );
    expectCode(
      () => {
        compat.set_template({ type: 'process', cookie: 'zzz' });
      },
      TypeError,
      'ERR_INVALID_ARG_VALUE',
    );
    expectCode(
      () => {
        compat.set_template({ type: 'device', dev_aset: { online: 'yes' } });
      },
      TypeError,
      'ERR_INVALID_ARG_TYPE',
    );
  });

  it('operations on a closed system fail with ERR_CONTRACT_CLOSED', () => {
    const closed = createContractSystem({ backend: untouchable() });
    closed.close();
    expect(() => closed.latest()).toThrow(expect.objectContaining({ code: 'ERR_CONTRACT_CLOSED' }) as Error);
  });
});
