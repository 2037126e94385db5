// The bookkeeping every target shares: which call is running, how its outcome is judged, and the
// findings so far. A call's description is built only when needed (a finding, or --trace), and
// only from labels, never from the values themselves.
import { writeSync } from 'node:fs';
import { hostile } from './random-values.mjs';
import { classify, describeThrown } from './verdict.mjs';

/** Stop collecting after this many findings: one bug tends to repeat thousands of times. */
const FINDING_LIMIT = 50;

export function createFuzzContext(random, { trace }) {
  const context = {
    random,
    /** Index of the call being made (the reproducer's call index). */
    callIndex: 0,
    /** Description of the top-level call being made. */
    describeCall: () => '',
    outcomes: new Map(),
    findings: [],
    findingCount: 0,
    /**
     * Calls still pending that are expected to settle soon (controller calls, not waits), by the
     * backend they went to: closing a backend drops its pending calls, unsettled, by design.
     */
    inFlight: new Map(),
    /** When a call in flight last settled: progress, even if slow, is no stall. */
    lastSettled: Date.now(),
    inFlightCount() {
      let total = 0;
      for (const calls of context.inFlight.values()) total += calls.size;
      return total;
    },
    /** What the calls in flight are, most frequent first (for a stall's report). */
    describeInFlight() {
      const counts = new Map();
      for (const calls of context.inFlight.values()) {
        for (const call of calls) {
          const name = call
            .describe()
            .replace(/^call \d+ \([a-z]+\) → /, '')
            .replace(/\(.*$/, '');
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
      const oldest = [...context.inFlight.values()].flatMap((calls) => [...calls]).sort((a, b) => a.index - b.index)[0];
      const summary = [...counts]
        .sort(([, a], [, b]) => b - a)
        .slice(0, 6)
        .map(([name, count]) => `${name} ×${count}`);
      return `${summary.join(', ')}; the oldest: ${oldest?.describe() ?? 'none'}`;
    },

    /** Records a finding against the call that caused it. */
    finding(kind, callIndex, description, detail) {
      context.findingCount++;
      if (context.findings.length < FINDING_LIMIT) context.findings.push({ kind, callIndex, description, detail });
    },

    /** A value: with `validProbability` one from `valid()`, else a hostile one. Returns { value, label }. */
    arg(valid, validProbability = 0.6) {
      if (valid !== undefined && random.chance(validProbability)) {
        const value = valid();
        return { value, label: labelOf(value) };
      }
      return hostile(random);
    },

    /**
     * Makes one call and judges it: a thrown value must be a proper error, a returned promise must
     * reject with one. `settleSoon` (the backend the call went to) counts the promise as in flight
     * (controller calls, not waits).
     * Returns the call's result, or undefined if it threw.
     */
    invoke(description, call, { settleSoon, onValue, allowAnyThrow = false } = {}) {
      const callIndex = context.callIndex;
      const describeCall = context.describeCall;
      const describe = () => `${describeCall()}${description === undefined ? '' : ` → ${description()}`}`;
      if (trace) writeSync(2, `call ${callIndex}: ${describe()}\n`);
      let result;
      try {
        result = call();
      } catch (thrown) {
        count(allowAnyThrow ? 'tolerated throw' : (classify(thrown) ?? 'finding'));
        if (!allowAnyThrow && classify(thrown) === undefined) {
          context.finding('improper throw', callIndex, describe(), describeThrown(thrown));
        }
        return undefined;
      }
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        const owner = settleSoon;
        const entry = { describe, index: callIndex };
        const settled = () => {
          context.lastSettled = Date.now();
          const calls = owner === undefined ? undefined : context.inFlight.get(owner);
          if (calls === undefined) return;
          calls.delete(entry);
          if (calls.size === 0) context.inFlight.delete(owner);
        };
        if (owner !== undefined) {
          if (!context.inFlight.has(owner)) context.inFlight.set(owner, new Set());
          context.inFlight.get(owner).add(entry);
        }
        Promise.resolve(result).then(
          (value) => {
            settled();
            count('resolved');
            onValue?.(value);
          },
          (thrown) => {
            settled();
            const kind = classify(thrown);
            count(kind === undefined ? 'finding' : `rejected ${kind}`);
            if (kind === undefined) {
              context.finding('improper rejection', callIndex, describe(), describeThrown(thrown));
            }
          },
        );
        return result;
      }
      count('returned');
      return result;
    },
  };

  function count(outcome) {
    context.outcomes.set(outcome, (context.outcomes.get(outcome) ?? 0) + 1);
  }
  /** Counts something that happened (events delivered, callbacks run), to show how deep a run got. */
  context.count = count;

  return context;
}

/** A short label for a value the fuzzer chose as valid (numbers, bigints, strings, small objects). */
export function labelOf(value) {
  switch (typeof value) {
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    case 'function':
      return 'function';
    case 'object':
      if (value === null) return 'null';
      try {
        return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item)) ?? 'object';
      } catch {
        return 'object';
      }
    default:
      return String(value);
  }
}
