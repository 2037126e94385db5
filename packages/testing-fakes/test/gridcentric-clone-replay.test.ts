import type { GridcentricBackend } from '@sysbind/gridcentric-interface';
import { GC_EXIT_REASON } from '@sysbind/gridcentric-interface';
import { deriveCloneIp } from '../src/gridcentric/policy.ts';
import { describe, expect, it } from 'vitest';
import { describeGridcentricBackend } from '../src/conformance.ts';
import { CallJournal, createJournaledBackend, type CloneImage } from '../src/gridcentric/call-journal.ts';
import { createReplayingBackend } from '../src/gridcentric/clone-replay.ts';
import { createGridcentricSimulator, createGuestApiBackend, type GridcentricSimulator } from '../src/index.ts';

// The journal only watches: a journaled backend must pass the whole conformance suite unchanged.
describeGridcentricBackend('item 8: journaled backend (records every call, changes none)', (guest) =>
  createJournaledBackend(createGuestApiBackend(guest), new CallJournal(() => {})),
);

/** Records the master's run, and makes the image of the clone it made, as the simulator does. */
function recorder(sim: GridcentricSimulator): { gc: GridcentricBackend; images: CloneImage[] } {
  const images: CloneImage[] = [];
  const journal: CallJournal = new CallJournal((clonePoint, vmid, ticket) => {
    const ip = sim.inspect().domains.find((domain) => domain.vmid === vmid)?.ip ?? '';
    images.push({
      vmid,
      parentVmid: sim.masterVmid,
      ticket,
      ip,
      version: '1',
      entries: journal.snapshot(),
      clonePoint,
    });
  });
  return { gc: createJournaledBackend(sim.backend(), journal), images };
}

/**
 * Runs `program` twice from the same line, as a program and its copy run the same code: first as
 * the master (recording), then as the copy of the clone the master made last (replaying).
 */
async function runBoth<R>(
  sim: GridcentricSimulator,
  program: (gc: GridcentricBackend, input: readonly string[]) => Promise<R>,
  masterInput: readonly string[],
): Promise<[R, R]> {
  const { gc, images } = recorder(sim);
  const makers: (() => [GridcentricBackend, readonly string[]])[] = [
    () => [gc, masterInput],
    () => {
      const image = images.at(-1);
      if (image === undefined) throw new Error('the master made no clone');
      return [createReplayingBackend(image, sim.backend(image.vmid)).backend, []];
    },
  ];
  const results: R[] = [];
  for (const make of makers) {
    // Both runs start from the same place in the same async context, as two processes running one
    // program do (call sites include the frames below the program): after a macrotask, by which
    // time the test runner awaits this test in both.
    await new Promise((resolve) => setImmediate(resolve));
    const [backend, input] = make();
    results.push(await program(backend, input));
  }
  return [results[0] as R, results[1] as R];
}

describe('item 8: replaying a clone image', () => {
  it('item 8: the copy gets the parent answers up to the clone point, 0 there, and is the clone VM after it', async () => {
    using sim = createGridcentricSimulator();
    const program = async (gc: GridcentricBackend, input: readonly string[]) => {
      const ticket = await gc.requestTickets(2);
      // Calls on a path only the master takes (an answer to its input) are not asked for in the copy.
      for (const _ of input) await gc.listTickets();
      const ipBefore = gc.myIp();
      const returned = await gc.clone(ticket);
      return { returned, ticket, ipBefore, ipAfter: gc.myIp(), tickets: (await gc.listTickets()).length };
    };
    const [parent, copy] = await runBoth(sim, program, ['join', 'join']);
    expect(parent).toEqual({
      returned: 2,
      ticket: 1,
      ipBefore: deriveCloneIp(1),
      ipAfter: deriveCloneIp(1),
      tickets: 1,
    });
    expect(copy).toEqual({ returned: 0, ticket: 1, ipBefore: deriveCloneIp(1), ipAfter: deriveCloneIp(2), tickets: 0 });
    // The replayed requestTickets never reached the controller: one ticket in the world.
    expect(sim.inspect().tickets).toHaveLength(1);
  });

  it('item 8: an aborted wait is aborted again; a wait in flight at the clone point is the clone own, after it', async () => {
    using sim = createGridcentricSimulator();
    const program = async (gc: GridcentricBackend) => {
      const stop = new AbortController();
      const early = gc.waitAny(stop.signal).then(
        () => 'answered',
        (error: unknown) => (error as Error).name,
      );
      stop.abort();
      const ticket = await gc.requestTickets(2);
      const first = await gc.clone(ticket);
      const pending = gc.waitAny().then(
        (exit) => exit,
        (error: unknown) => (error as { code?: string }).code,
      );
      const returned = await gc.clone(ticket);
      if (returned !== 0) await gc.killCloneDomain(first);
      return { early: await early, first, returned, pending: await pending };
    };
    const [parent, copy] = await runBoth(sim, program, []);
    expect(parent).toEqual({
      early: 'AbortError',
      first: 2,
      returned: 3,
      pending: { vmid: 2, reason: GC_EXIT_REASON.KILLED, code: 0 },
    });
    // In the copy (clone 3) the first clone call is the parent's (vmid 2); the pending wait is made
    // as clone 3, which has no clones: ECHILD.
    expect(copy).toEqual({ early: 'AbortError', first: 2, returned: 0, pending: 'ECHILD' });
  });

  it('item 8: a polling loop keeps the journal small: repeated identical answers fold into one entry', async () => {
    using sim = createGridcentricSimulator();
    const { gc, images } = recorder(sim);
    // The autoscaler's shape: poll the controller until a ticket has unused capacity, then clone.
    const program = async (backend: GridcentricBackend, reserve: boolean) => {
      let polls = 0;
      for (;;) {
        polls += 1;
        const tickets = await backend.listTickets();
        const free = tickets.find((info) => info.used < info.granted);
        if (free !== undefined) return { polls, returned: await backend.clone(free.ticket) };
        if (reserve && polls === 200) await backend.requestTickets(1);
      }
    };
    const makers: (() => [GridcentricBackend, boolean])[] = [
      () => [gc, true],
      () => {
        const image = images.at(-1);
        if (image === undefined) throw new Error('the master made no clone');
        // 201 lists, one reservation and the clone in a handful of entries: the first list is
        // made from another stack (before the loop's first await), the 199 empty ones after it
        // fold into one, the one that shows the reservation is an entry of its own.
        expect(image.entries.length).toBeLessThanOrEqual(5);
        const lists = image.entries.filter((entry) => entry.operation === 'listTickets');
        expect(lists.reduce((sum, entry) => sum + (entry.repeat ?? 1), 0)).toBe(201);
        expect(Math.max(...lists.map((entry) => entry.repeat ?? 1))).toBeGreaterThanOrEqual(199);
        return [createReplayingBackend(image, sim.backend(image.vmid)).backend, false];
      },
    ];
    const results = [];
    for (const make of makers) {
      await new Promise((resolve) => setImmediate(resolve));
      const [backend, reserve] = make();
      results.push(await program(backend, reserve));
    }
    // The copy polled as often as the master did (its answers replayed), then got 0 where it cloned.
    expect(results).toEqual([
      { polls: 201, returned: 2 },
      { polls: 201, returned: 0 },
    ]);
  });
});
