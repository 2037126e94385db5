// Soak: 10,000 contracts held at once, whose members exit in a random order, lose no critical
// event: each contract's pr_empty reaches its listener exactly once, is acknowledged, and leaves
// the contract with no unacknowledged event, on the simulator's backend and on the native addon
// over the simulator. SYSBIND_SOAK_CONTRACTS changes the count (pnpm run soak uses 10,000 too).
import { describe, expect, it } from 'vitest';
import { createContractSystem, type Contract, type ContractEvent } from '@sysbind/contract';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';

const CONTRACTS = Number(process.env['SYSBIND_SOAK_CONTRACTS'] ?? 10_000);
// Exits happen in slices, with a turn of the event loop between them, so delivery and further
// exits interleave as they would with real children.
const EXITS_PER_TURN = 250;

// A small seeded generator (mulberry32), so that a failing order can be replayed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

function shuffle<Item>(items: Item[], next: () => number): Item[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [items[index], items[other]] = [items[other] as Item, items[index] as Item];
  }
  return items;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function soak(kind: 'fake' | 'native', seed: number): Promise<void> {
  const sim = createContractSimulator({ followRealChildren: false });
  const backend = kind === 'fake' ? sim.backend() : createSimulatedNativeBackend(sim);
  const system = createContractSystem({ backend });
  const received = new Map<number, ContractEvent[]>();
  const failures: unknown[] = [];
  const held: { pid: number; contract: Contract }[] = [];
  const template = system.activateTemplate({ critical: ['pr_empty'], informative: [] });
  for (let index = 0; index < CONTRACTS; index++) {
    const pid = sim.world.fork(sim.self.pid);
    const contract = system.latest();
    received.set(contract.id, []);
    contract.on('pr_empty', (event: ContractEvent) => {
      received.get(contract.id)?.push(event);
      try {
        contract.ack(event.evid);
      } catch (error) {
        failures.push(error);
      }
    });
    held.push({ pid, contract });
  }
  template.clear();

  const order = shuffle([...held], random(seed));
  for (let start = 0; start < order.length; start += EXITS_PER_TURN) {
    for (const { pid } of order.slice(start, start + EXITS_PER_TURN)) sim.world.exit(pid, start % 256);
    await turn();
  }
  // Delivery is asynchronous: wait (without a clock) until every contract heard, or stalls.
  let stalled = 0;
  let heard = 0;
  while (stalled < 100) {
    const now = [...received.values()].filter((events) => events.length > 0).length;
    if (now === CONTRACTS) break;
    stalled = now === heard ? stalled + 1 : 0;
    heard = now;
    await turn();
  }

  expect(failures).toEqual([]);
  const counts = new Map<number, number>();
  for (const events of received.values()) counts.set(events.length, (counts.get(events.length) ?? 0) + 1);
  // Every contract heard its pr_empty exactly once.
  expect(Object.fromEntries(counts)).toEqual({ 1: CONTRACTS });
  for (const { contract } of held) {
    const [event] = received.get(contract.id) ?? [];
    expect(event).toMatchObject({ type: 'pr_empty', ctid: contract.id, critical: true });
  }
  // Acknowledged: no contract has an unacknowledged event, in the facade's status or the kernel.
  const pending = held.filter(
    ({ contract }) => contract.status().nevents !== 0 || sim.world.contract(contract.id)?.nevents !== 0,
  );
  expect(pending.map(({ contract }) => contract.id)).toEqual([]);

  for (const { contract } of held) {
    contract.abandon();
    contract.close();
  }
  system.close();
  backend.close?.();
  sim.close();
}

describe(`soak: ${String(CONTRACTS)} contracts whose members exit in random order lose no critical event`, () => {
  it('on the simulator backend', async () => {
    await soak('fake', 0x5eed);
  }, 300_000);

  it('on the native addon over the simulator', async () => {
    await soak('native', 0xc0ffee);
  }, 300_000);
});
