import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createContractSystem,
  OBSERVER_CHECK_INTERVAL,
  type ContractEvent,
  type ContractSystem,
} from '@sysbind/contract';
import { silentOnDeath } from '@sysbind/test-support';
import { CTS_DEAD } from '@sysbind/contract-interface';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator, type ContractSimulator } from '@sysbind/testing-fakes';

// The whole stack with the native addon in the middle: the facade, the binding (uv_poll, handles,
// fds), the shim and the simulator, with real children that the simulator follows.
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setup(): { sim: ContractSimulator; system: ContractSystem } {
  const sim = createContractSimulator();
  const system = createContractSystem({ backend: createSimulatedNativeBackend(sim) });
  cleanups.push(
    () => {
      sim.close();
    },
    () => {
      system.close();
    },
  );
  return { sim, system };
}

describe('@sysbind/contract over the native addon (sim flavor)', () => {
  it('spawns a real child in its own contract and hears its exit and emptiness', async () => {
    const { system } = setup();
    const { child, contract } = system.spawn('sh', ['-c', 'exit 3'], {
      template: { critical: ['pr_empty'], informative: ['pr_exit'] },
    });
    const seen: ContractEvent[] = [];
    for await (const event of contract.events()) {
      seen.push(event);
      if (event.type === 'pr_empty') break;
    }
    expect(seen.map((event) => event.type)).toEqual(['pr_exit', 'pr_empty']);
    const [exit] = seen;
    expect(exit?.type === 'pr_exit' ? exit.exit : exit).toMatchObject({ exited: true, code: 3 });
    expect(seen[1]).toMatchObject({ critical: true, pid: child.pid });
    expect(contract.status().nevents).toBe(1);
    contract.ack(seen[1]?.evid ?? 0n);
    expect(contract.status().nevents).toBe(0);
    contract.abandon();
    contract.close();
  });

  it('signals every member of a contract through sigsend', async () => {
    const { system } = setup();
    const { contract } = system.spawn('sleep', ['5'], { template: { informative: ['pr_exit'] } });
    const events = contract.events();
    contract.signal('SIGTERM');
    expect((await events.next()).value).toMatchObject({ type: 'pr_exit', exit: { signaled: true, signal: 15 } });
    expect((await events.next()).value?.type).toBe('pr_empty');
    contract.abandon();
    contract.close();
  });

  it('observes a contract read-only through its events file', async () => {
    const { sim, system } = setup();
    const { contract } = system.spawn('sleep', ['5'], { template: { critical: ['pr_empty'] } });
    const observer = system.observe(contract.id);
    expect(observer.role).toBe('observer');
    const empty = new Promise<ContractEvent>((resolve) => {
      observer.once('pr_empty', resolve);
    });
    contract.signal('SIGKILL');
    expect((await empty).ctid).toBe(contract.id);
    observer.close();
    contract.abandon();
    contract.close();
    // Dead (it may linger while the thread's latest slot still refers to it).
    expect(sim.world.contract(contract.id)?.state ?? CTS_DEAD).toBe(CTS_DEAD);
  });
});

describe('item 18 over the native addon: the subscriber’s async context', () => {
  it('item 18: listeners and iterators run in the AsyncLocalStorage context of the code that subscribed, not the uv_poll callback’s', async () => {
    const { sim, system } = setup();
    const store = new AsyncLocalStorage<string>();
    // The pbundle endpoint (and its uv_poll watch) is opened here, in the 'creator' context.
    const contract = store.run('creator', () =>
      system.withTemplate({ type: 'process', informative: ['pr_exit'] }, () => {
        sim.world.fork(sim.self.pid);
        return system.latest();
      }),
    );
    const status = contract.status();
    const member = status.type === 'process' ? (status.members[0] ?? 0) : 0;
    const seen: string[] = [];
    store.run('listener', () => contract.on('pr_exit', () => seen.push(`listener:${store.getStore()}`)));
    const consumed = store.run('iterator', async () => {
      for await (const event of contract.events()) {
        seen.push(`iterator:${store.getStore()}`);
        if (event.type === 'pr_empty') break;
      }
    });
    store.run('elsewhere', () => {
      sim.world.exit(member);
    });
    await consumed;
    expect(seen.sort()).toEqual(['iterator:iterator', 'iterator:iterator', 'listener:listener']);
    contract.abandon();
  });
});

describe('item 13 over the native addon: an observer learns its contract died', () => {
  it.each([
    ['as the simulator delivers it', false],
    ['when the endpoint is never woken (illumos)', true],
  ] as const)('item 13: events() ends and dead/close are told within the documented bound, %s', async (_, silent) => {
    const sim = createContractSimulator();
    const native = createSimulatedNativeBackend(sim);
    const system = createContractSystem({ backend: silent ? silentOnDeath(native) : native });
    cleanups.push(
      () => {
        sim.close();
      },
      () => {
        system.close();
      },
    );
    const owner = sim.world.fork(sim.self.pid, { template: null });
    const worker = sim.world.fork(owner, { template: { informative: 0x4 } });
    const ctid = sim.world.process(worker)?.contract ?? 0;
    const observer = system.observe(ctid);
    const told: string[] = [];
    observer.once('dead', () => told.push('dead'));
    observer.once('close', () => told.push('close'));
    const seen: string[] = [];
    const iterator = observer.events();
    sim.world.exit(worker, 0);
    // Read while the contract lives: its destruction drains the queue (cte_queue_drain).
    const first = await iterator.next();
    if (first.done !== true) seen.push(first.value.type);
    const iteration = (async () => {
      for await (const event of iterator) seen.push(event.type);
      return Date.now();
    })();
    // The owner exits: its contract is abandoned, orphaned and empty, so it is destroyed.
    sim.world.exit(owner, 0);
    const died = Date.now();
    expect(sim.world.contract(ctid)?.state ?? CTS_DEAD).toBe(CTS_DEAD);
    const ended = await iteration;
    expect(seen).toContain('pr_exit');
    expect(told).toEqual(['dead', 'close']);
    expect(ended - died).toBeLessThan(OBSERVER_CHECK_INTERVAL + 500);
  });
});
