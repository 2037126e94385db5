// The seeded differential run behind gridcentric-differential.test.ts: one random sequence of
// operations (calls, waits left pending, aborts, world events) run step by step on the
// simulator's own backend and on the native addon over a second, identical simulator. After each
// step both sides are let settle and compared on what the API specifies:
//
// - every call's outcome (value, or error code and syscall);
// - every wait's state (pending, its exit, or its error code), except that which of several
//   pending waitAny() calls receives which exit is unspecified: the waitAny outcomes of a step are
//   compared as a multiset, and aborts pick "the k-th pending waitAny" on each side;
// - the whole simulated world (domains with status, exit and reaper, tickets, slots), the
//   simulator's registered waits aside (the native backend keeps waits beyond its thread pool out
//   of the library by design).
import { isAbortError, isGridcentricError, type GridcentricBackend } from '@sysbind/gridcentric-interface';
import { createSimulatedNativeBackend, type NativeGridcentricBackend } from '@sysbind/gridcentric-native/testing';
import { createGridcentricSimulator, type GridcentricSimulator } from '@sysbind/testing-fakes';

/** What one call or wait ended with, as compared. */
type Settled = { readonly ok: unknown } | { readonly error: string; readonly syscall?: string | undefined };
type WaitKind = 'domain' | 'any' | 'sync';

interface TrackedWait {
  readonly kind: WaitKind;
  readonly controller: AbortController;
  state: Settled | undefined;
  /** The step it settled in (compared for the multiset of waitAny outcomes). */
  settledAt: number;
}

interface Side {
  readonly name: string;
  readonly sim: GridcentricSimulator;
  readonly gc: GridcentricBackend;
  readonly waits: TrackedWait[];
  settle(): Promise<void>;
  close(): void;
}

/** A mismatch between the two backends, with the steps that led to it. */
export class DifferentialMismatch extends Error {
  readonly seed: number;
  readonly trace: readonly string[];

  constructor(message: string, seed: number, trace: readonly string[]) {
    super(`seed ${seed}: ${message}\n  steps:\n    ${trace.slice(-25).join('\n    ')}`);
    this.seed = seed;
    this.trace = trace;
  }
}

/** Options of one run. */
export interface DifferentialOptions {
  readonly seed: number;
  /** Operations in the sequence (default 60). */
  readonly steps?: number;
  /** The native backend's waits in the library at once (default 2: most waits go past it). */
  readonly waitsInLibrary?: number;
}

/** What a run did, for the script's summary. */
export interface DifferentialSummary {
  readonly steps: number;
  readonly waits: number;
  readonly maxPending: number;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function outcomeOf(value: unknown): Settled {
  return { ok: value };
}

function errorOf(error: unknown): Settled {
  if (isAbortError(error)) return { error: 'ABORT_ERR' };
  if (isGridcentricError(error)) return { error: error.code, syscall: error.syscall };
  return { error: `unexpected: ${String(error)}` };
}

async function settled(promise: Promise<unknown>): Promise<Settled> {
  return promise.then(outcomeOf, errorOf);
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function worldOf(sim: GridcentricSimulator): unknown {
  const { waits: _waits, ...world } = sim.inspect();
  return world;
}

function makeReference(capacity: number): Side {
  const sim = createGridcentricSimulator({ capacity, bootDelay: 10 });
  return {
    name: 'simulator backend',
    sim,
    gc: sim.backend(),
    waits: [],
    async settle() {
      for (let round = 0; round < 4; round++) await tick();
    },
    close() {
      sim.close();
    },
  };
}

function makeNative(capacity: number, waitsInLibrary: number): Side {
  const sim = createGridcentricSimulator({ capacity, bootDelay: 10 });
  const gc: NativeGridcentricBackend = createSimulatedNativeBackend(sim, { waitsInLibrary });
  const side: Side = {
    name: 'native backend',
    sim,
    gc,
    waits: [],
    async settle() {
      // Caught up once a routing round changed nothing and every wait in the library is
      // registered with the simulator.
      let previous = '';
      for (let round = 0; round < 200; round++) {
        await gc.settleWaits();
        await tick();
        const stats = gc.stats();
        const signature = JSON.stringify([
          side.waits.map((wait) => wait.state),
          stats.pendingWaits,
          stats.waitsInLibrary,
          sim.pendingWaits(),
        ]);
        if (signature === previous && sim.pendingWaits() === stats.waitsInLibrary) return;
        previous = signature;
      }
      throw new Error('the native backend did not settle within 200 rounds');
    },
    close() {
      gc.close();
      sim.close();
    },
  };
  return side;
}

/** Runs one seeded sequence on both backends; throws a {@link DifferentialMismatch} on the first difference. */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialSummary> {
  const { seed } = options;
  const stepCount = options.steps ?? 60;
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const capacity = 6 + Math.floor(random() * 10);
  const reference = makeReference(capacity);
  const native = makeNative(capacity, options.waitsInLibrary ?? 2);
  const sides = [reference, native] as const;
  const trace: string[] = [`capacity ${capacity}`];
  const fail = (message: string): never => {
    throw new DifferentialMismatch(message, seed, trace);
  };
  let maxPending = 0;

  // Ids the sequence may name: those the reference handed out, plus some that never existed.
  const tickets = new Set<number>([77]);
  const vmids = new Set<number>([1, 9999]);

  const compareCall = async (label: string, call: (gc: GridcentricBackend) => Promise<unknown>): Promise<void> => {
    trace.push(label);
    const [a, b] = await Promise.all(sides.map(async (side) => settled(call(side.gc))));
    if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${label}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return;
  };

  const startWait = (
    label: string,
    kind: WaitKind,
    start: (gc: GridcentricBackend, signal: AbortSignal) => Promise<unknown>,
  ): void => {
    trace.push(label);
    for (const side of sides) {
      const wait: TrackedWait = { kind, controller: new AbortController(), state: undefined, settledAt: -1 };
      side.waits.push(wait);
      void settled(start(side.gc, wait.controller.signal)).then((state) => {
        wait.state = state;
      });
    }
  };

  const compareWaits = (step: number): void => {
    const [a, b] = sides.map((side) => side.waits);
    if (a === undefined || b === undefined) return;
    for (const side of sides) {
      for (const wait of side.waits) if (wait.state !== undefined && wait.settledAt === -1) wait.settledAt = step;
    }
    const anyOutcomes = (waits: readonly TrackedWait[]): string[] =>
      waits
        .filter((wait) => wait.kind === 'any' && wait.settledAt === step)
        .map((wait) => JSON.stringify(wait.state))
        .sort();
    for (const [index, left] of a.entries()) {
      const right = b[index];
      if (right === undefined || left.kind === 'any') continue;
      if (JSON.stringify(left.state) !== JSON.stringify(right.state)) {
        fail(`wait #${index} (${left.kind}): ${JSON.stringify(left.state)} vs ${JSON.stringify(right.state)}`);
      }
    }
    const [anyA, anyB] = [anyOutcomes(a), anyOutcomes(b)];
    if (JSON.stringify(anyA) !== JSON.stringify(anyB)) {
      fail(`waitAny outcomes of this step: ${JSON.stringify(anyA)} vs ${JSON.stringify(anyB)}`);
    }
    const pendingAny = (waits: readonly TrackedWait[]): number =>
      waits.filter((wait) => wait.kind === 'any' && wait.state === undefined).length;
    if (pendingAny(a) !== pendingAny(b)) fail(`pending waitAny: ${pendingAny(a)} vs ${pendingAny(b)}`);
    maxPending = Math.max(maxPending, a.filter((wait) => wait.state === undefined).length);
  };

  const worldStep = (label: string, act: (sim: GridcentricSimulator) => void): void => {
    trace.push(label);
    for (const side of sides) act(side.sim);
  };

  try {
    // A prologue that gives the sequence something to wait for: a ticket and a few live clones.
    const prologue: (() => Promise<void>)[] = [];
    const first = 1 + Math.floor(random() * 3);
    for (let index = 0; index < 2; index++) {
      prologue.push(async () => {
        const label = `requestTickets(${capacity})`;
        trace.push(label);
        const [a, b] = await Promise.all(sides.map(async (side) => settled(side.gc.requestTickets(first + index * 4))));
        if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${label}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        if (a !== undefined && 'ok' in a) tickets.add(a.ok as number);
      });
    }
    for (const run of prologue) await run();
    for (let step = 0; step < stepCount; step++) {
      const ticket = (): number => (random() < 0.1 ? 77 : (pick([...tickets].filter((id) => id !== 77)) ?? 77));
      const clones = [...vmids].filter((id) => id !== 1 && id !== 9999);
      const vmid = (): number => (random() < 0.1 ? (pick([1, 9999]) ?? 9999) : (pick(clones) ?? 9999));
      const roll = random();
      const refSim = reference.sim;
      if (roll < 0.04) {
        const count = 1 + Math.floor(random() * 4);
        const label = `requestTickets(${count})`;
        trace.push(label);
        const [a, b] = await Promise.all(sides.map(async (side) => settled(side.gc.requestTickets(count))));
        if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${label}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        if (a !== undefined && 'ok' in a) tickets.add(a.ok as number);
      } else if (roll < 0.2) {
        const held = ticket();
        const label = `clone(${held})`;
        trace.push(label);
        const [a, b] = await Promise.all(sides.map(async (side) => settled(side.gc.clone(held))));
        if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${label}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        if (a !== undefined && 'ok' in a) vmids.add(a.ok as number);
      } else if (roll < 0.24) {
        await compareCall('listTickets()', (gc) => gc.listTickets());
      } else if (roll < 0.28) {
        await compareCall('listCloneDomains()', (gc) => gc.listCloneDomains());
      } else if (roll < 0.3) {
        const held = ticket();
        await compareCall(`listTicketDomains(${held})`, (gc) => gc.listTicketDomains(held));
      } else if (roll < 0.33) {
        const target = vmid();
        await compareCall(`getDomainStatus(${target})`, (gc) => gc.getDomainStatus(target));
      } else if (roll < 0.35) {
        const held = ticket();
        await compareCall(`cancelTicket(${held})`, (gc) => gc.cancelTicket(held));
      } else if (roll < 0.37) {
        const held = ticket();
        await compareCall(`makeTicketIndependent(${held})`, (gc) => gc.makeTicketIndependent(held));
      } else if (roll < 0.4) {
        const target = vmid();
        await compareCall(`killCloneDomain(${target})`, (gc) => gc.killCloneDomain(target));
      } else if (roll < 0.41) {
        await compareCall('killallCloneDomains()', (gc) => gc.killallCloneDomains());
      } else if (roll < 0.42) {
        const held = ticket();
        await compareCall(`killallTicketDomains(${held})`, (gc) => gc.killallTicketDomains(held));
      } else if (roll < 0.55) {
        const target = vmid();
        startWait(`waitDomain(${target})`, 'domain', (gc, signal) => gc.waitDomain(target, signal));
      } else if (roll < 0.66) {
        startWait('waitAny()', 'any', (gc, signal) => gc.waitAny(signal));
      } else if (roll < 0.71) {
        const held = ticket();
        startWait(`syncTicket(${held})`, 'sync', (gc, signal) => gc.syncTicket(held, signal));
      } else if (roll < 0.77) {
        // Abort one pending wait: the same one on both sides, or the k-th pending waitAny.
        const pending = reference.waits.flatMap((wait, index) => (wait.state === undefined ? [index] : []));
        const index = pick(pending);
        if (index === undefined) continue;
        const target = reference.waits[index];
        if (target === undefined) continue;
        if (target.kind === 'any') {
          const rank = reference.waits
            .filter((wait) => wait.kind === 'any' && wait.state === undefined)
            .indexOf(target);
          trace.push(`abort pending waitAny #${rank}`);
          for (const side of sides) {
            side.waits.filter((wait) => wait.kind === 'any' && wait.state === undefined)[rank]?.controller.abort();
          }
        } else {
          trace.push(`abort wait #${index}`);
          for (const side of sides) side.waits[index]?.controller.abort();
        }
      } else if (roll < 0.84) {
        const online = refSim
          .inspect()
          .domains.filter((domain) => domain.parentVmid !== undefined && domain.status === 'ONLINE');
        const domain = pick(online);
        if (domain === undefined) continue;
        const code = Math.floor(random() * 5);
        worldStep(`world: exit(${domain.vmid}, ${code})`, (sim) => {
          sim.world.exit(domain.vmid, code);
        });
      } else if (roll < 0.88) {
        const live = refSim
          .inspect()
          .domains.filter(
            (domain) => domain.parentVmid !== undefined && ['CREATING', 'ONLINE', 'PAUSED'].includes(domain.status),
          );
        const domain = pick(live);
        if (domain === undefined) continue;
        worldStep(`world: crash(${domain.vmid})`, (sim) => {
          sim.world.crash(domain.vmid, 9);
        });
      } else if (roll < 0.9) {
        const capacityNow = Math.floor(random() * 16);
        worldStep(`world: setCapacity(${capacityNow})`, (sim) => {
          sim.world.setCapacity(capacityNow);
        });
      } else {
        worldStep('world: advance(10)', (sim) => {
          sim.clock.advance(10);
        });
      }
      for (const side of sides) await side.settle();
      compareWaits(step);
      const [worldA, worldB] = sides.map((side) => JSON.stringify(worldOf(side.sim)));
      if (worldA !== worldB) fail(`the worlds differ:\n      ${worldA}\n      ${worldB}`);
    }
    return { steps: stepCount, waits: reference.waits.length, maxPending };
  } finally {
    for (const side of sides) {
      for (const wait of side.waits) wait.controller.abort();
      side.close();
    }
  }
}
