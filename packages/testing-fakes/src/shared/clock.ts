/** How simulated time passes: `virtual` (only when a test advances it) or `real` (wall-clock timers). */
export type SimulatorClockMode = 'virtual' | 'real';

/**
 * The time source of one simulator. Every delay of the simulation (controller latency, boot time)
 * is a timer on this clock.
 *
 * In `virtual` mode time stands still until {@link SimulatorClock.advance} or
 * {@link SimulatorClock.runUntilIdle} moves it; work due at the current instant (a call completing
 * with zero latency) still runs on its own, in a microtask, so awaiting a call never needs the
 * clock. In `real` mode timers are wall-clock `setTimeout`s, scaled by `realTimeScale`, for demos.
 */
export interface SimulatorClock {
  /** `virtual` or `real`. */
  readonly mode: SimulatorClockMode;
  /** Simulated milliseconds since the simulator was created. */
  now(): number;
  /** Timers not yet run (including work due now). */
  readonly pendingTimers: number;
  /** Virtual mode: moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void;
  /** Virtual mode: runs timers (moving time forward) until none is left; returns the time reached. */
  runUntilIdle(): number;
}

/** The clock as the simulator's engine sees it: it can also schedule work. */
export interface SchedulingClock extends SimulatorClock {
  /** Runs `task` after `delay` simulated ms (0: as soon as the current work is done); returns a cancel function. */
  schedule(delay: number, task: () => void): () => void;
}

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly task: () => void;
  cancelled: boolean;
}

/** Upper bound on timers one `advance`/`runUntilIdle` runs, so a runaway simulation fails instead of hanging. */
const MAX_TIMERS_PER_RUN = 1_000_000;

/** A virtual clock: an ordered timer queue that only moves when told to. */
export function createVirtualClock(): SchedulingClock {
  let current = 0;
  let order = 0;
  let drainQueued = false;
  const timers: Timer[] = [];

  const insert = (timer: Timer): void => {
    let low = 0;
    let high = timers.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = timers[mid];
      if (other !== undefined && (other.at < timer.at || (other.at === timer.at && other.order < timer.order)))
        low = mid + 1;
      else high = mid;
    }
    timers.splice(low, 0, timer);
  };

  // Runs due timers; errors thrown by tasks are collected and rethrown once the queue is consistent.
  const runUntil = (limit: number): void => {
    const errors: unknown[] = [];
    let ran = 0;
    for (;;) {
      const next = timers[0];
      if (next === undefined || next.at > limit) break;
      timers.shift();
      if (next.cancelled) continue;
      if (++ran > MAX_TIMERS_PER_RUN)
        throw new Error('gridcentric simulator: timer storm (more than a million timers in one run)');
      current = Math.max(current, next.at);
      try {
        next.task();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'gridcentric simulator: several timer tasks failed');
  };

  const drainDue = (): void => {
    drainQueued = false;
    runUntil(current);
  };

  return {
    mode: 'virtual',
    now: () => current,
    get pendingTimers() {
      return timers.filter((timer) => !timer.cancelled).length;
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
      const target = current + ms;
      runUntil(target);
      current = target;
    },
    runUntilIdle() {
      runUntil(Number.POSITIVE_INFINITY);
      return current;
    },
    schedule(delay, task) {
      const timer: Timer = { at: current + Math.max(0, delay), order: order++, task, cancelled: false };
      insert(timer);
      if (timer.at <= current && !drainQueued) {
        drainQueued = true;
        queueMicrotask(drainDue);
      }
      return () => {
        timer.cancelled = true;
      };
    },
  };
}

/** A wall-clock clock: `scale` real milliseconds per simulated millisecond. */
export function createRealTimeClock(scale = 1): SchedulingClock {
  if (!Number.isFinite(scale) || scale < 0)
    throw new RangeError(`realTimeScale must be a finite number >= 0, got ${scale}`);
  const start = performance.now();
  const handles = new Set<NodeJS.Timeout>();
  const virtualOnly = (what: string): never => {
    throw new Error(`gridcentric simulator: ${what} needs the virtual clock; this simulator runs in real time`);
  };
  return {
    mode: 'real',
    now: () => (scale === 0 ? performance.now() - start : (performance.now() - start) / scale),
    get pendingTimers() {
      return handles.size;
    },
    advance: () => virtualOnly('advance()'),
    runUntilIdle: () => virtualOnly('runUntilIdle()'),
    schedule(delay, task) {
      const handle = setTimeout(
        () => {
          handles.delete(handle);
          task();
        },
        Math.max(0, delay) * scale,
      );
      handles.add(handle);
      return () => {
        clearTimeout(handle);
        handles.delete(handle);
      };
    },
  };
}
