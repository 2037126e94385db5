import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { createContractSystem, type Contract, type ContractEvent } from '../src/index.ts';

type Step =
  | { readonly kind: 'spawn' }
  | { readonly kind: 'forkMember'; readonly pick: number }
  | { readonly kind: 'exit'; readonly pick: number; readonly code: number }
  | { readonly kind: 'kill'; readonly pick: number; readonly byHolder: boolean }
  | { readonly kind: 'hwerr'; readonly pick: number }
  | { readonly kind: 'ack'; readonly pick: number }
  | { readonly kind: 'abandon'; readonly pick: number }
  | { readonly kind: 'close'; readonly pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'spawn' as const }),
  fc.record({ kind: fc.constant('forkMember' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('exit' as const), pick: fc.nat(), code: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('kill' as const), pick: fc.nat(), byHolder: fc.boolean() }),
  fc.record({ kind: fc.constant('hwerr' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('abandon' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('close' as const), pick: fc.nat() }),
);

interface Tracked {
  readonly contract: Contract;
  readonly received: ContractEvent[];
  readonly acked: Set<bigint>;
  receivedAtClose: number | undefined;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function pickFrom<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

describe('invariants over random world histories (fast-check)', () => {
  it('nevents = unacknowledged criticals; each critical reaches the owner once; one pr_empty per emptied contract; nothing after close', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const sim = createContractSimulator({ followRealChildren: false });
        const system = createContractSystem({ backend: sim.backend() });
        const outsider = sim.world.fork(sim.self.pid, { template: null });
        const template = system.activateTemplate({
          critical: ['pr_empty', 'pr_hwerr'],
          informative: ['pr_exit', 'pr_fork', 'pr_signal', 'pr_core'],
        });
        const tracked: Tracked[] = [];
        const open = (): Tracked[] => tracked.filter((entry) => entry.receivedAtClose === undefined);
        const members = (entry: Tracked): number[] => [...(sim.world.contract(entry.contract.id)?.members ?? [])];
        const allMembers = (): number[] => open().flatMap(members);
        try {
          for (const action of steps) {
            switch (action.kind) {
              case 'spawn': {
                sim.world.fork(sim.self.pid);
                const contract = system.latest();
                const entry: Tracked = { contract, received: [], acked: new Set(), receivedAtClose: undefined };
                contract.on('event', (event: ContractEvent) => entry.received.push(event));
                tracked.push(entry);
                break;
              }
              case 'forkMember': {
                const parent = pickFrom(allMembers(), action.pick);
                if (parent !== undefined) sim.world.fork(parent);
                break;
              }
              case 'exit': {
                const pid = pickFrom(allMembers(), action.pick);
                if (pid !== undefined) sim.world.exit(pid, action.code);
                break;
              }
              case 'kill': {
                const pid = pickFrom(allMembers(), action.pick);
                if (pid !== undefined)
                  sim.world.kill(pid, 'SIGTERM', { sender: action.byHolder ? sim.self.pid : outsider });
                break;
              }
              case 'hwerr': {
                const pid = pickFrom(allMembers(), action.pick);
                if (pid !== undefined) sim.world.hardwareError(pid);
                break;
              }
              case 'ack': {
                const entry = pickFrom(open(), action.pick);
                const event = entry?.received.find(
                  (candidate) => candidate.critical && !entry.acked.has(candidate.evid),
                );
                if (entry !== undefined && event !== undefined) {
                  entry.contract.ack(event.evid);
                  entry.acked.add(event.evid);
                }
                break;
              }
              case 'abandon':
              case 'close': {
                const entry = pickFrom(open(), action.pick);
                if (entry === undefined) break;
                if (action.kind === 'abandon') entry.contract.abandon();
                entry.contract.close();
                entry.receivedAtClose = entry.received.length;
                break;
              }
            }
            await settle();
            for (const entry of open()) {
              const criticals = entry.received.filter((event) => event.critical).map((event) => event.evid);
              expect(new Set(criticals).size).toBe(criticals.length);
              const unacked = criticals.filter((evid) => !entry.acked.has(evid));
              expect(entry.contract.status().nevents).toBe(unacked.length);
              expect(sim.world.contract(entry.contract.id)?.unacknowledged).toEqual(unacked);
              const empties = entry.received.filter((event) => event.type === 'pr_empty').length;
              expect(empties).toBe(members(entry).length === 0 ? 1 : 0);
            }
          }
          // One more world change after everything: closed contracts must hear nothing.
          for (const pid of allMembers()) sim.world.exit(pid);
          await settle();
          for (const entry of tracked) {
            if (entry.receivedAtClose !== undefined) expect(entry.received).toHaveLength(entry.receivedAtClose);
          }
        } finally {
          template.clear();
          system.close();
          sim.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
