// Issue 12 item 18: event callbacks and iterators run in the async context (AsyncLocalStorage) of
// the code that subscribed, as EventEmitterAsyncResource does, whatever context the event comes
// from (here: the simulator's delivery, triggered from a third context).
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { type ContractSimulator } from '@sysbind/testing-fakes';
import { type Contract, type ContractSystem } from '../src/index.ts';
import * as compat from '../src/compat.ts';
import { settle, useSimulatedSystems } from './support/simulated-system.ts';

const { setup, defer } = useSimulatedSystems();

const store = new AsyncLocalStorage<string>();

function held(sim: ContractSimulator, system: ContractSystem): { contract: Contract; member: number } {
  return store.run('creator', () =>
    system.withTemplate({ type: 'process', informative: ['pr_exit'] }, () => {
      const member = sim.world.fork(sim.self.pid);
      return { contract: system.latest(), member };
    }),
  );
}

describe('item 18: listeners and iterators run in the subscriber’s async context', () => {
  it('item 18: on, once and prependListener listeners see the store of the code that added them', async () => {
    const { sim, system } = setup();
    const { contract, member } = held(sim, system);
    const seen: string[] = [];
    store.run('on', () => contract.on('pr_exit', () => seen.push(`on:${store.getStore()}`)));
    store.run('once', () => contract.once('pr_empty', () => seen.push(`once:${store.getStore()}`)));
    store.run('prepend', () => contract.prependListener('event', () => seen.push(`event:${store.getStore()}`)));
    store.run('elsewhere', () => {
      sim.world.exit(member);
    });
    await settle();
    expect(seen).toEqual(['on:on', 'event:prepend', 'once:once', 'event:prepend']);
    contract.abandon();
  });

  it('item 18: removeListener and listeners() take the functions as given', async () => {
    const { sim, system } = setup();
    const { contract, member } = held(sim, system);
    const calls: string[] = [];
    const listener = (): void => {
      calls.push('called');
    };
    const once = (): void => {
      calls.push('once');
    };
    store.run('a', () => contract.on('pr_exit', listener));
    store.run('b', () => contract.once('pr_exit', once));
    expect(contract.listeners('pr_exit')).toEqual([listener, once]);
    contract.removeListener('pr_exit', listener);
    contract.off('pr_exit', once);
    expect(contract.listenerCount('pr_exit')).toBe(0);
    sim.world.exit(member);
    await settle();
    expect(calls).toEqual([]);
    contract.abandon();
  });

  it('item 18: an iterator’s loop body runs in the context that called events()', async () => {
    const { sim, system } = setup();
    const { contract, member } = held(sim, system);
    const consumed = store.run('iterator', async () => {
      const stores: (string | undefined)[] = [];
      for await (const event of contract.events()) {
        stores.push(store.getStore());
        if (event.type === 'pr_empty') break;
      }
      return stores;
    });
    store.run('elsewhere', () => {
      sim.world.exit(member);
    });
    expect(await consumed).toEqual(['iterator', 'iterator']);
    contract.abandon();
  });

  it('item 18: watchers, observers and compat contracts keep the subscriber’s context too', async () => {
    const { sim, system } = setup();
    const { contract, member } = held(sim, system);
    const seen: string[] = [];
    const watcher = system.watch('process');
    const observer = system.observe(contract.id);
    store.run('watcher', () => watcher.on('pr_exit', () => seen.push(`watcher:${store.getStore()}`)));
    store.run('observer', () => observer.on('pr_exit', () => seen.push(`observer:${store.getStore()}`)));
    store.run('elsewhere', () => {
      sim.world.exit(member);
    });
    await settle();
    expect(seen.sort()).toEqual(['observer:observer', 'watcher:watcher']);
    watcher.close();
    observer.close();
    contract.abandon();

    compat.useBackend(sim.backend());
    defer(() => {
      compat.useBackend(undefined);
    });
    compat.set_template({ type: 'process', critical: { pr_empty: true } });
    const pid = store.run('creator', () => sim.world.fork(sim.self.pid));
    compat.clear_template();
    const ct = store.run('creator', () => compat.latest());
    const compatSeen: (string | undefined)[] = [];
    store.run('compat', () => ct.on('pr_empty', () => compatSeen.push(store.getStore())));
    store.run('elsewhere', () => {
      sim.world.exit(pid);
    });
    await settle();
    expect(compatSeen).toEqual(['compat']);
    ct.abandon();
  });
});
