// The fuzzer's source of randomness and of hostile JS values. Every value comes with a label, so
// a finding can be described without touching the value again (a proxy or a throwing getter would
// throw while being printed).

/** An error the fuzzer's own values throw (getters, valueOf, traps): passing it on is fine. */
export class FuzzSentinel extends Error {
  constructor(where) {
    super(`fuzz sentinel thrown by ${where}`);
    this.name = 'FuzzSentinel';
  }
}

/** A thrown non-Error value of the fuzzer's own, also fine to pass on. */
export const THROWN_NON_ERROR = Object.freeze({ fuzzSentinel: 'a thrown plain object' });

/** True for what the fuzzer's own values throw. */
export function isSentinel(value) {
  return value instanceof FuzzSentinel || value === THROWN_NON_ERROR;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const random = {
    next,
    int: (below) => Math.floor(next() * below),
    chance: (probability) => next() < probability,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
  return random;
}

/** A 32-bit seed for one chunk of calls, so that a chunk replays alone from (seed, first call). */
export function chunkSeed(seed, firstCall) {
  let hash = (seed ^ 0x9e3779b9) >>> 0;
  hash = Math.imul(hash ^ firstCall, 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}

const throwing = (where) => () => {
  throw new FuzzSentinel(where);
};

// A proxy whose every trap throws: whatever the callee does with it, it gets the sentinel.
function trappedProxy() {
  const trap = throwing('a proxy trap');
  return new Proxy(
    {},
    {
      get: trap,
      has: trap,
      ownKeys: trap,
      getOwnPropertyDescriptor: trap,
      getPrototypeOf: trap,
      set: trap,
      defineProperty: trap,
      deleteProperty: trap,
    },
  );
}

function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

// Each entry: [label, factory]. Factories run per use, so objects are fresh (and collectable).
const HOSTILE = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['true', () => true],
  ['false', () => false],
  ['0', () => 0],
  ['-0', () => -0],
  ['1', () => 1],
  ['-1', () => -1],
  ['2', () => 2],
  ['0.5', () => 0.5],
  ['-1.5', () => -1.5],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['2**31-1', () => 2 ** 31 - 1],
  ['2**31', () => 2 ** 31],
  ['-(2**31)', () => -(2 ** 31)],
  ['-(2**31)-1', () => -(2 ** 31) - 1],
  ['2**32', () => 2 ** 32],
  ['2**32+1', () => 2 ** 32 + 1],
  ['2**53', () => 2 ** 53],
  ['2**53+2', () => 2 ** 53 + 2],
  ['-(2**53)', () => -(2 ** 53)],
  ['MAX_VALUE', () => Number.MAX_VALUE],
  ['MIN_VALUE', () => Number.MIN_VALUE],
  ['0n', () => 0n],
  ['1n', () => 1n],
  ['-1n', () => -1n],
  ['2n**63n-1n', () => 2n ** 63n - 1n],
  ['2n**63n', () => 2n ** 63n],
  ['2n**64n-1n', () => 2n ** 64n - 1n],
  ['2n**64n', () => 2n ** 64n],
  ['-(2n**63n)', () => -(2n ** 63n)],
  ['-(2n**64n)', () => -(2n ** 64n)],
  ['2n**300n', () => 2n ** 300n],
  ['-(2n**300n)', () => -(2n ** 300n)],
  ["''", () => ''],
  ["'process'", () => 'process'],
  ["'device'", () => 'device'],
  ["'all'", () => 'all'],
  ["'bogus'", () => 'bogus'],
  ["'1'", () => '1'],
  ["'0x10'", () => '0x10'],
  ["'-5'", () => '-5'],
  ["'NaN'", () => 'NaN'],
  ["'\\0'", () => '\0'],
  ["'a\\0b'", () => 'a\0b'],
  ["'\\ud800'", () => '\ud800'],
  ["'💥'", () => '💥'],
  ["'x'.repeat(70000)", () => 'x'.repeat(70_000)],
  ["'svc:/fuzz:default'", () => 'svc:/fuzz:default'],
  ["'inherit:'", () => 'inherit:'],
  ["'/pseudo/fuzz@0:a'", () => '/pseudo/fuzz@0:a'],
  ["'/../../etc/passwd'", () => '/../../etc/passwd'],
  ["'cookie'", () => 'cookie'],
  ["'noneg'", () => 'noneg'],
  ['Symbol()', () => Symbol('fuzz')],
  ['Symbol.iterator', () => Symbol.iterator],
  ['{}', () => ({})],
  ['Object.create(null)', () => Object.create(null)],
  ['[]', () => []],
  ['[1, 2]', () => [1, 2]],
  ["['pr_empty']", () => ['pr_empty']],
  ['sparse array length 100000', () => new Array(100_000)],
  ['{ valueOf throws }', () => ({ valueOf: throwing('valueOf') })],
  ['{ toString throws }', () => ({ toString: throwing('toString') })],
  ['{ toPrimitive throws }', () => ({ [Symbol.toPrimitive]: throwing('Symbol.toPrimitive') })],
  ['{ valueOf: () => 5 }', () => ({ valueOf: () => 5 })],
  [
    '{ getters throw }',
    () =>
      Object.defineProperties(
        {},
        Object.fromEntries(
          ['type', 'signal', 'onEvent', 'onError', 'backend', 'ticket', 'critical', 'minor', 'then', 'fromHead'].map(
            (key) => [key, { get: throwing(`getter ${key}`), enumerable: true }],
          ),
        ),
      ),
  ],
  [
    '{ getter throws non-Error }',
    () => ({
      get type() {
        throw THROWN_NON_ERROR;
      },
    }),
  ],
  ['proxy with throwing traps', trappedProxy],
  ['revoked proxy', revokedProxy],
  ['new Date()', () => new Date()],
  ['/re/', () => /re/],
  ['new Map()', () => new Map()],
  ['Promise.resolve()', () => Promise.resolve()],
  ['Uint8Array(4)', () => new Uint8Array(4)],
  ['Buffer("x")', () => Buffer.from('x')],
  ['new Error()', () => new Error('fuzz value')],
  ['AbortSignal', () => new AbortController().signal],
  ['aborted AbortSignal', () => AbortSignal.abort(new Error('fuzz reason'))],
  ['function () {}', () => function () {}],
  ['() => {}', () => () => {}],
  [
    'a class',
    () =>
      class {
        member() {
          return this;
        }
      },
  ],
  ['async () => {}', () => async () => {}],
  ['throwing function', () => throwing('a function argument')],
  ['Object.freeze({})', () => Object.freeze({})],
  ['globalThis', () => globalThis],
  ['process', () => process],
];

/**
 * A random hostile value as a factory: `{ make, label }`. For a sequence replayed on several
 * backends, each gets a fresh value from the same draw.
 */
export function hostileFactory(random) {
  const [label, make] = random.pick(HOSTILE);
  return { make, label };
}

/** A random hostile value: `{ value, label }`. */
export function hostile(random) {
  const [label, make] = random.pick(HOSTILE);
  return { value: make(), label };
}

/** A random small integer around the ids a simulator hands out. */
export function smallInt(random) {
  return random.int(40) - 5;
}
