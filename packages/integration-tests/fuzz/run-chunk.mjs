// One chunk of fuzz calls, in its own process (the supervisor in fuzz.mjs starts it, so that a
// native crash ends this process and not the run). Makes `count` calls starting at call index
// `first`, drawn from a generator seeded by (seed, first), in epochs: each epoch builds fresh
// simulators and targets and tears them all down at its end, with calls, events and callbacks
// in flight. Prints one JSON line with the outcome; a crash prints nothing and the supervisor
// tells.
import { createContractTargets } from './contract-targets.mjs';
import { createFuzzContext } from './fuzz-context.mjs';
import { createGridcentricTargets } from './gridcentric-targets.mjs';
import { chunkSeed, createRandom } from './random-values.mjs';
import { classify, describeThrown } from './verdict.mjs';

const EPOCH_CALLS = 5_000;
/** Calls between two turns of the event loop (events, callbacks and promises run then). */
const CALLS_PER_TURN = 64;
/** Controller calls allowed in flight before the fuzzer waits for them. */
const IN_FLIGHT_LIMIT = 256;
/** How long calls in flight may go without any of them settling before it counts as a stall. */
const STALL_MS = 20_000;

export async function runChunk({ seed, first, count, trace }) {
  const random = createRandom(chunkSeed(seed, first));
  const fuzz = createFuzzContext(random, { trace });
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  // Listeners of the fuzzer's own may throw its sentinel into the loop; anything else is a finding.
  process.on('uncaughtException', (thrown) => {
    // What a fuzz callback throws when called (a sentinel, or a class called without new) is
    // the caller's own exception, reported as Node reports it: uncaught.
    const kind = classify(thrown);
    if (kind === 'sentinel' || kind === 'TypeError (class without new)') return;
    fuzz.finding(
      kind === undefined ? 'uncaught improper exception' : 'uncaught exception',
      fuzz.callIndex,
      fuzz.describeCall(),
      describeThrown(thrown),
    );
  });
  process.on('unhandledRejection', (thrown) => {
    fuzz.finding('unhandled rejection', fuzz.callIndex, fuzz.describeCall(), describeThrown(thrown));
  });
  // Event sources without an 'error' listener report through process warnings: expected here.
  process.removeAllListeners('warning');

  const end = first + count;
  let epoch;
  for (let index = first; index < end; index++) {
    if (epoch === undefined || (index - first) % EPOCH_CALLS === 0) {
      if (epoch !== undefined) epoch.teardown();
      epoch = createEpoch(fuzz);
    }
    fuzz.callIndex = index;
    const [, op, side] = pickWeighted(random, epoch.ops);
    fuzz.describeCall = () => `call ${index} (${side})`;
    try {
      op();
    } catch (thrown) {
      // Ops judge the calls they make; an escape is the fuzzer's own bug or the simulator's.
      fuzz.finding('fuzzer op threw', index, fuzz.describeCall(), describeThrown(thrown));
    }
    if (index % CALLS_PER_TURN === 0) await turn();
    if (fuzz.inFlightCount() > IN_FLIGHT_LIMIT) {
      fuzz.lastSettled = Date.now();
      while (fuzz.inFlightCount() > IN_FLIGHT_LIMIT / 2) {
        forgetClosedBackends(fuzz.inFlight);
        if (Date.now() - fuzz.lastSettled > STALL_MS) {
          const stuck = `${fuzz.inFlightCount()} calls did not settle in ${STALL_MS} ms: ${fuzz.describeInFlight()}`;
          fuzz.finding('stall', index, fuzz.describeCall(), stuck);
          fuzz.inFlight.clear();
          break;
        }
        await turn();
      }
    }
    if (index % 2_000 === 0) globalThis.gc?.();
  }
  epoch?.teardown();
  // Let what the teardown dropped or rejected settle before the verdict.
  for (let round = 0; round < 20; round++) await turn();
  globalThis.gc?.();
  return {
    first,
    count,
    findingCount: fuzz.findingCount,
    findings: fuzz.findings,
    outcomes: Object.fromEntries(fuzz.outcomes),
  };
}

// A closed backend drops its pending calls without settling them (documented): not a stall.
// A quick call tells whether it (or the facade over it) is closed.
const CLOSED = new Set(['ERR_BACKEND_CLOSED', 'ERR_GRIDCENTRIC_CLOSED', 'ERR_UNSUPPORTED_PLATFORM']);
function forgetClosedBackends(inFlight) {
  for (const backend of inFlight.keys()) {
    try {
      backend.version();
    } catch (error) {
      if (CLOSED.has(error?.code)) inFlight.delete(backend);
    }
  }
}

function createEpoch(fuzz) {
  const contract = createContractTargets(fuzz);
  const gridcentric = createGridcentricTargets(fuzz);
  const ops = [
    ...contract.ops.map(([weight, op]) => [weight, op, 'contract']),
    ...gridcentric.ops.map(([weight, op]) => [weight, op, 'gridcentric']),
  ];
  let total = 0;
  const cumulative = ops.map(([weight, op, side]) => [(total += weight), op, side]);
  return {
    ops: { cumulative, total },
    teardown() {
      contract.teardown();
      gridcentric.teardown();
    },
  };
}

function pickWeighted(random, { cumulative, total }) {
  const target = random.next() * total;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle][0] > target) high = middle;
    else low = middle + 1;
  }
  return cumulative[low];
}
