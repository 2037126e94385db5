import { describe, expect, it } from 'vitest';
import { isGridcentricError } from '@sysbind/gridcentric-interface';
import { addonPath, loadAddon } from '../src/index.ts';
import { createStubGuestApi } from './stub-guest-api.ts';

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface RawAddon {
  GridcentricBinding: new (...args: unknown[]) => object;
  bindSimulator(api: unknown): Record<string, Method>;
}

const addon = loadAddon('sim') as unknown as RawAddon;
const prototype = addon.GridcentricBinding.prototype as Record<string, Method>;
const noop = (): void => undefined;

// Every method, with arguments that are valid, so that only the abuse under test can fail.
const validCalls: Record<string, readonly unknown[]> = {
  version: [],
  check: [],
  myIp: [],
  requestTickets: [1, noop],
  cancelTicket: [1, noop],
  makeTicketIndependent: [1, noop],
  listTickets: [noop],
  clone: [1, noop],
  listCloneDomains: [noop],
  listTicketDomains: [1, noop],
  getDomainStatus: [2, noop],
  killCloneDomain: [2, noop],
  killallCloneDomains: [noop],
  killallTicketDomains: [1, noop],
  waitDomain: [2, noop],
  waitAny: [noop],
  syncTicket: [1, noop],
  abandonWait: [1],
  cancelCall: [1],
  settleWaits: [noop],
  stats: [],
  ref: [],
  unref: [],
  close: [],
};
const methodNames = Object.keys(validCalls);
const idTaking = methodNames.filter(
  (name) => typeof validCalls[name]?.[0] === 'number' && !['abandonWait', 'cancelCall'].includes(name),
);
const callbackTaking = methodNames.filter((name) => validCalls[name]?.some((arg) => arg === noop));

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('abuse of every export of the addon: errors, never a crash', () => {
  it('has exactly the methods under test', () => {
    expect(
      Object.getOwnPropertyNames(prototype)
        .filter((name) => name !== 'constructor')
        .sort(),
    ).toEqual([...methodNames].sort());
  });

  it('refuses construction from JS with ERR_ILLEGAL_CONSTRUCTOR', () => {
    for (const args of [[], [1], [{}]]) {
      expect(thrown(() => new addon.GridcentricBinding(...args))).toMatchObject({
        name: 'TypeError',
        code: 'ERR_ILLEGAL_CONSTRUCTOR',
      });
    }
    expect(thrown(() => (addon.GridcentricBinding as unknown as Method).call(undefined))).toBeInstanceOf(TypeError);
  });

  it('refuses a bindSimulator argument that is no GcGuestApi', () => {
    for (const api of [undefined, null, 1, 'api', {}, { ...createStubGuestApi(), gc_wait_any: 1 }]) {
      expect(thrown(() => addon.bindSimulator(api))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    }
  });

  it.each(methodNames)('%s on a foreign receiver is a TypeError ERR_INVALID_THIS', (name) => {
    const method = prototype[name];
    if (method === undefined) throw new Error(`no method ${name}`);
    for (const receiver of [undefined, null, 1, 'x', {}, [], prototype, addon, noop]) {
      expect(thrown(() => method.call(receiver, ...(validCalls[name] ?? [])))).toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_THIS',
      });
    }
  });

  it.each(idTaking)('%s with an id that is no C int is a TypeError or RangeError', (name) => {
    const binding = addon.bindSimulator(createStubGuestApi());
    try {
      for (const id of ['1', null, undefined, {}, 1n, Symbol('id')]) {
        expect(thrown(() => binding[name]?.(id, noop))).toMatchObject({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
        });
      }
      for (const id of [1.5, Number.NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53]) {
        expect(thrown(() => binding[name]?.(id, noop))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      }
    } finally {
      binding['close']?.();
    }
  });

  it.each(callbackTaking)('%s without a callback is a TypeError ERR_INVALID_ARG_TYPE', (name) => {
    const binding = addon.bindSimulator(createStubGuestApi());
    try {
      const args = (validCalls[name] ?? []).map((arg) => (arg === noop ? 'not a function' : arg));
      expect(thrown(() => binding[name]?.(...args))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      expect(thrown(() => binding[name]?.())).toBeInstanceOf(TypeError);
    } finally {
      binding['close']?.();
    }
  });

  it('abandonWait of anything but a pending wait id is false or a TypeError/RangeError', () => {
    const binding = addon.bindSimulator(createStubGuestApi());
    try {
      expect(binding['abandonWait']?.(123456)).toBe(false);
      expect(thrown(() => binding['abandonWait']?.('1'))).toMatchObject({ name: 'TypeError' });
      for (const id of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
        expect(thrown(() => binding['abandonWait']?.(id))).toMatchObject({
          name: 'RangeError',
          code: 'ERR_OUT_OF_RANGE',
        });
      }
      const id = binding['waitAny']?.(noop);
      expect(typeof id).toBe('number');
      expect(binding['abandonWait']?.(id)).toBe(true);
      expect(binding['abandonWait']?.(id)).toBe(false);
    } finally {
      binding['close']?.();
    }
  });

  it.each(
    methodNames.filter((name) => !['close', 'stats', 'abandonWait', 'cancelCall', 'ref', 'unref'].includes(name)),
  )('%s after close throws a GridcentricError ERR_BACKEND_CLOSED', (name) => {
    const binding = addon.bindSimulator(createStubGuestApi());
    binding['close']?.();
    binding['close']?.();
    const error = thrown(() => binding[name]?.(...(validCalls[name] ?? [])));
    expect(isGridcentricError(error, 'ERR_BACKEND_CLOSED')).toBe(true);
  });

  it('settles every call in flight with ERR_BACKEND_CLOSED when closed, once, and stays usable for stats', async () => {
    const binding = addon.bindSimulator(createStubGuestApi());
    const errors: unknown[] = [];
    binding['requestTickets']?.(1, (error: unknown) => errors.push(error));
    binding['waitAny']?.((error: unknown) => errors.push(error));
    binding['listTickets']?.((error: unknown) => errors.push(error));
    binding['close']?.();
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => isGridcentricError(error, 'ERR_BACKEND_CLOSED'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toHaveLength(3);
    expect(binding['stats']?.()).toMatchObject({ waiterThreads: 8 });
  });

  it('cancelCall of anything but a controller call in flight is false or a TypeError/RangeError', async () => {
    const binding = addon.bindSimulator({ ...createStubGuestApi(), gc_clone: () => undefined });
    try {
      expect(binding['cancelCall']?.(123456)).toBe(false);
      expect(thrown(() => binding['cancelCall']?.('1'))).toMatchObject({ name: 'TypeError' });
      expect(thrown(() => binding['cancelCall']?.(0))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      const wait = binding['waitAny']?.(noop);
      expect(binding['cancelCall']?.(wait)).toBe(false);
      let called = 0;
      const id = binding['clone']?.(1, () => called++);
      expect(typeof id).toBe('number');
      expect(binding['cancelCall']?.(id)).toBe(true);
      expect(binding['cancelCall']?.(id)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(called).toBe(0);
    } finally {
      binding['close']?.();
    }
  });

  it('survives a GcGuestApi that throws or completes with nonsense', async () => {
    const api = createStubGuestApi();
    const binding = addon.bindSimulator({
      ...api,
      gc_request_tickets: () => {
        throw new Error('simulator bug');
      },
      gc_list_tickets: (done: (ret: unknown, errno: unknown, out?: unknown) => void) => {
        done(1, 0, 'not an array');
      },
      gc_clone: (_ticket: number, done: (ret: unknown, errno: unknown) => void) => {
        done(-1, 0);
        done(5, 0);
      },
      gc_version: (done: (ret: unknown, errno: unknown, out?: unknown) => void) => {
        done(0, 0, 42);
      },
    });
    try {
      const outcome = (run: (done: (error: unknown, value: unknown) => void) => void) =>
        new Promise<unknown>((resolve) => {
          run((error, value) => {
            resolve(error ?? value);
          });
        });
      expect(await outcome((done) => binding['requestTickets']?.(1, done))).toMatchObject({
        code: 'EIO',
        syscall: 'gc_request_tickets',
      });
      expect(await outcome((done) => binding['listTickets']?.(done))).toMatchObject({ code: 'EIO' });
      expect(await outcome((done) => binding['clone']?.(1, done))).toMatchObject({ code: 'EIO' });
      expect(binding['version']?.()).toBe('');
    } finally {
      binding['close']?.();
    }
  });

  it('a callback that throws becomes an uncaught exception of the process, not an abort', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      const addon = require(${JSON.stringify(addonPath('sim'))});
      const answer = (...args) => { setImmediate(() => args.at(-1)(1, 0)); };
      const names = ${JSON.stringify(Object.keys(createStubGuestApi()).filter((name) => name.startsWith('gc_')))};
      const binding = addon.bindSimulator(Object.fromEntries(names.map((name) => [name, answer])));
      process.on('uncaughtException', (error) => { console.log('uncaught', error.message); binding.close(); });
      binding.requestTickets(1, () => { throw new Error('from the callback'); });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('uncaught from the callback');
  });
});
