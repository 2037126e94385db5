import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import * as compat from '../src/compat.ts';
import { createGridcentric, type GridcentricBackend } from '../src/index.ts';

const simulators: GridcentricSimulator[] = [];
afterEach(() => {
  for (const sim of simulators.splice(0)) sim.close();
  compat.useBackend(undefined);
});

// A backend that records every call, to prove bad input never reaches it.
function spiedBackend(): { backend: GridcentricBackend; calls: string[] } {
  const sim = createGridcentricSimulator();
  simulators.push(sim);
  const inner = sim.backend();
  const calls: string[] = [];
  const backend = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { backend, calls };
}

const notNumbers: unknown[] = ['1', null, undefined, {}, 1n, true];
const notIntegers: unknown[] = [1.5, Number.NaN, Number.POSITIVE_INFINITY];
const outOfRange: unknown[] = [0, -1, 2 ** 31];

describe('facade: bad input is refused before the backend', () => {
  const cases: [string, (gc: ReturnType<typeof createGridcentric>, value: never) => Promise<unknown>][] = [
    ['requestTicket', (gc, value) => gc.requestTicket(value)],
    ['cancelTicket', (gc, value) => gc.cancelTicket(value)],
    ['makeTicketIndependent', (gc, value) => gc.makeTicketIndependent(value)],
    ['clone', (gc, value) => gc.clone(value)],
    ['listDomains({ ticket })', (gc, value) => gc.listDomains({ ticket: value })],
    ['domainStatus', (gc, value) => gc.domainStatus(value)],
    ['waitDomain', (gc, value) => gc.waitDomain(value)],
    ['syncTicket', (gc, value) => gc.syncTicket(value)],
    ['kill', (gc, value) => gc.kill(value)],
    ['killTicket', (gc, value) => gc.killTicket(value)],
    ['killAll({ ticket })', (gc, value) => gc.killAll({ ticket: value })],
  ];

  for (const [name, call] of cases) {
    it(`${name}: non-numbers are ERR_INVALID_ARG_TYPE, non-integers and ids outside 1..2^31-1 ERR_OUT_OF_RANGE`, async () => {
      const { backend, calls } = spiedBackend();
      const gc = createGridcentric({ backend });
      for (const value of notNumbers) {
        // listDomains({ ticket: undefined }) and killAll({ ticket: undefined }) mean every clone: not bad input.
        if (value === undefined && name.endsWith('({ ticket })')) continue;
        await expect(call(gc, value as never)).rejects.toMatchObject({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
        });
      }
      for (const value of [...notIntegers, ...outOfRange]) {
        await expect(call(gc, value as never)).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      }
      expect(calls).toEqual([]);
    });
  }

  it('options must be objects and signals AbortSignals', async () => {
    const { backend, calls } = spiedBackend();
    const gc = createGridcentric({ backend });
    await expect(gc.waitAny('soon' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(gc.waitAny({ signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(gc.listDomains(null as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(() => gc.exits({ signal: 5 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }) as Error,
    );
    expect(calls).toEqual([]);
  });

  it('a backend that is not one is ERR_INVALID_ARG_VALUE (or ERR_INVALID_ARG_TYPE) at creation', () => {
    expect(() => createGridcentric({ backend: { version: () => '1' } as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }) as Error,
    );
    expect(() => createGridcentric({ backend: 'native' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }) as Error,
    );
    expect(() => createGridcentric(42 as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }) as Error,
    );
  });
});

describe('compat: bad input throws synchronously, before the backend', () => {
  it('a missing or non-function callback is a TypeError ERR_INVALID_ARG_TYPE', () => {
    const { backend, calls } = spiedBackend();
    compat.useBackend(backend);
    const withoutCallback: (() => void)[] = [
      () => {
        compat.request_tickets(1, undefined as never);
      },
      () => {
        compat.cancel_ticket(1, 'cb' as never);
      },
      () => {
        compat.make_ticket_independent(1, undefined as never);
      },
      () => {
        compat.list_tickets(undefined as never);
      },
      () => {
        compat.clone(1, {} as never);
      },
      () => {
        compat.list_clone_domains(undefined as never);
      },
      () => {
        compat.list_ticket_domains(1, undefined as never);
      },
      () => {
        compat.get_domain_status(1, undefined as never);
      },
      () => {
        compat.wait_domain(1, undefined as never);
      },
      () => {
        compat.wait_any(undefined as never);
      },
      () => {
        compat.sync_ticket(1, undefined as never);
      },
      () => {
        compat.kill_clone_domain(1, undefined as never);
      },
      () => {
        compat.killall_clone_domains(undefined as never);
      },
      () => {
        compat.killall_ticket_domains(1, undefined as never);
      },
    ];
    for (const call of withoutCallback) {
      expect(call).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }) as Error);
    }
    expect(calls).toEqual([]);
  });

  it('non-integer ids are TypeError/RangeError; values a C int carries come back as -1, those below 1 without reaching the library (which refuses them all)', async () => {
    const { backend, calls } = spiedBackend();
    compat.useBackend(backend);
    const noop = (): void => undefined;
    expect(() => {
      compat.clone('1' as never, noop);
    }).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }) as Error);
    expect(() => {
      compat.wait_domain(2.5, noop);
    }).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }) as Error);
    expect(() => {
      compat.request_tickets(2 ** 31, noop);
    }).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }) as Error);
    expect(calls).toEqual([]);
    const result = await new Promise((resolve) => {
      compat.request_tickets(-3, resolve);
    });
    expect(result).toBe(-1);
    // The facade refuses counts below 1; the compat answers the library's -1 itself.
    expect(calls).toEqual([]);
    const unknown = await new Promise((resolve) => {
      compat.cancel_ticket(2 ** 31 - 1, resolve);
    });
    expect(unknown).toBe(-1);
    expect(calls).toEqual(['cancelTicket']);
  });

  it('useBackend refuses something that is not a backend', () => {
    expect(() => {
      compat.useBackend({} as never);
    }).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }) as Error);
  });
});
