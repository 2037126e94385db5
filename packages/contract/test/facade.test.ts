import { describe, expect, it } from 'vitest';
import { createContractSystem, isContractError, type ContractEvent } from '../src/index.ts';
import { settle, useSimulatedSystems } from './support/simulated-system.ts';

const { setup } = useSimulatedSystems();

describe('createContractSystem', () => {
  // On Linux the default is the real Linux backend: native-tests' linux-*.test.ts cover it.
  it.skipIf(process.platform === 'linux')(
    'loads no backend until first use; the default native one is unavailable off illumos (skipped on Linux)',
    () => {
      const system = createContractSystem();
      let thrown: unknown;
      try {
        system.latest();
      } catch (error) {
        thrown = error;
      }
      expect(
        isContractError(
          thrown,
          process.platform === 'sunos' ? 'ERR_NATIVE_BACKEND_UNAVAILABLE' : 'ERR_UNSUPPORTED_PLATFORM',
        ),
      ).toBe(true);
      expect((thrown as Error).message).toContain('@sysbind/testing-fakes');
    },
  );
});

describe('ContractSystem.spawn with a real child', () => {
  it('creates a contract holding the child; pr_exit and pr_empty follow its exit', async () => {
    const { system } = setup();
    const { child, contract } = system.spawn('sh', ['-c', 'exit 7'], { template: { informative: ['pr_exit'] } });
    expect(contract.role).toBe('owner');
    const status = contract.status();
    expect(status.type).toBe('process');
    if (status.type !== 'process') return;
    expect(status.members).toEqual([child.pid]);
    expect(status.holder).toBe(process.pid);
    const seen: ContractEvent[] = [];
    for await (const event of contract.events()) {
      seen.push(event);
      if (event.type === 'pr_empty') break;
    }
    expect(seen.map((event) => event.type)).toEqual(['pr_exit', 'pr_empty']);
    const exit = seen[0];
    expect(exit?.type === 'pr_exit' ? exit.exit : undefined).toEqual({ exited: true, signaled: false, code: 7 });
    expect(seen[1]).toMatchObject({ critical: true, pid: child.pid });
    contract.ack(seen[1]?.evid ?? 0n);
    expect(contract.status().nevents).toBe(0);
    contract.abandon();
    contract.close();
  });

  it("signal() reaches the real child; death by the holder's signal is no pr_signal", async () => {
    const { system } = setup();
    const { contract } = system.spawn('sleep', ['5'], { template: { informative: ['pr_exit', 'pr_signal'] } });
    const iterator = contract.events();
    contract.signal('SIGTERM');
    const first = await iterator.next();
    expect(first.value).toMatchObject({
      type: 'pr_exit',
      exit: { signaled: true, signal: 15, signalName: 'SIGTERM', coreDumped: false },
    });
    expect((await iterator.next()).value?.type).toBe('pr_empty');
    contract.abandon();
    contract.close();
    expect((await iterator.next()).done).toBe(true);
  });

  it('withTemplate catches forks made by existing spawn code, and the ChildProcess hook is removed after', async () => {
    const { system } = setup();
    const { spawn, ChildProcess } = await import('node:child_process');
    const before = (ChildProcess.prototype as unknown as { spawn: unknown }).spawn;
    const contract = system.withTemplate({ critical: ['pr_empty'] }, () => {
      spawn('true');
      return system.latest();
    });
    expect((ChildProcess.prototype as unknown as { spawn: unknown }).spawn).toBe(before);
    const [empty] = await new Promise<ContractEvent[]>((resolve) => {
      contract.once('pr_empty', (event: ContractEvent) => {
        resolve([event]);
      });
    });
    expect(empty?.critical).toBe(true);
    contract.abandon();
    contract.close();
  });

  it('a spawn that fails to exec still yields a contract whose member exits 127', async () => {
    const { system } = setup();
    const { child, contract } = system.spawn('/nonexistent/command', [], { template: { informative: ['pr_exit'] } });
    child.on('error', () => undefined);
    const iterator = contract.events();
    const { value: event } = await iterator.next();
    expect(event?.type === 'pr_exit' ? event.exit : event).toEqual({ exited: true, signaled: false, code: 127 });
    contract.abandon();
    contract.close();
  });
});

describe('Contract events', () => {
  it('buffers events of a contract not yet claimed, so latest() after the exit loses nothing', async () => {
    const { sim, system } = setup();
    const template = system.activateTemplate({ informative: ['pr_exit'] });
    const pid = sim.world.fork(sim.self.pid);
    sim.world.exit(pid, 1);
    await settle();
    const contract = system.latest();
    template.clear();
    const names: string[] = [];
    contract.on('event', (event: ContractEvent) => names.push(event.type));
    await settle();
    expect(names).toEqual(['pr_exit', 'pr_empty']);
    contract.close();
  });

  it('emits contract(5) names, delivers nothing after close, and close is idempotent', async () => {
    const { sim, system } = setup();
    const contract = system.withTemplate({ informative: ['pr_fork'] }, () => {
      sim.world.fork(sim.self.pid);
      return system.latest();
    });
    const member =
      contract.status().type === 'process'
        ? ((contract.status() as { members: readonly number[] }).members[0] ?? 0)
        : 0;
    const forks: ContractEvent[] = [];
    contract.on('pr_fork', (event: ContractEvent) => forks.push(event));
    const grandchild = sim.world.fork(member);
    await settle();
    // The first pr_fork is the member's own creation, kept until a consumer attached.
    expect(forks).toMatchObject([
      { type: 'pr_fork', pid: member, ppid: sim.self.pid },
      { type: 'pr_fork', pid: grandchild, ppid: member, critical: false },
    ]);
    contract.close();
    contract.close();
    sim.world.fork(member);
    await settle();
    expect(forks).toHaveLength(2);
    expect(() => contract.status()).toThrow(expect.objectContaining({ code: 'ERR_CONTRACT_CLOSED' }) as Error);
    expect(() => {
      contract.abandon();
    }).toThrow(expect.objectContaining({ code: 'ERR_CONTRACT_CLOSED' }) as Error);
  });

  it('events() ends on abort with an AbortError (ABORT_ERR) and drains on close', async () => {
    const { sim, system } = setup();
    const contract = system.withTemplate({}, () => {
      sim.world.fork(sim.self.pid);
      return system.latest();
    });
    const controller = new AbortController();
    const aborted = contract.events({ signal: controller.signal });
    const pending = aborted.next();
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect((await aborted.next()).done).toBe(true);
    const preAborted = contract.events({ signal: AbortSignal.abort() });
    await expect(preAborted.next()).rejects.toMatchObject({ code: 'ABORT_ERR' });
    const draining = contract.events();
    const member = (contract.status() as { members: readonly number[] }).members[0] ?? 0;
    sim.world.exit(member);
    await settle();
    contract.close();
    expect((await draining.next()).value?.type).toBe('pr_empty');
    expect((await draining.next()).done).toBe(true);
  });

  it('observe() reads a contract without holding it; control operations are refused', async () => {
    const { sim, system } = setup();
    const owned = system.withTemplate({ informative: ['pr_exit'] }, () => {
      sim.world.fork(sim.self.pid);
      return system.latest();
    });
    const observer = system.observe(owned.id);
    expect(observer.role).toBe('observer');
    expect(() => {
      observer.ack(1n);
    }).toThrow(expect.objectContaining({ code: 'ERR_CONTRACT_NOT_HELD' }) as Error);
    const seen: string[] = [];
    observer.on('event', (event: ContractEvent) => seen.push(event.type));
    const member = (owned.status() as { members: readonly number[] }).members[0] ?? 0;
    sim.world.exit(member);
    await settle();
    expect(seen).toEqual(['pr_exit', 'pr_empty']);
    const ended = new Promise((resolve) => observer.once('close', resolve));
    owned.abandon();
    // Destroyed: its queue is drained and the kernel wakes no reader (contract_destroy →
    // cte_queue_drain; a non-blocking read answers EAGAIN, never EIDRM); the observer learns of the
    // death from its status within OBSERVER_CHECK_INTERVAL (issue 12 item 13).
    await ended;
    expect(observer.closed).toBe(true);
  });

  it('watch() sees every visible contract of the type, like ctwatch', async () => {
    const { sim, system } = setup();
    const watcher = system.watch('process');
    const iterator = watcher.events();
    const other = sim.world.fork(sim.self.pid, { template: null });
    const child = sim.world.fork(other, { template: {} });
    sim.world.exit(child);
    const event = await iterator.next();
    expect(event.value).toMatchObject({ type: 'pr_empty', pid: child });
    watcher.close();
  });

  it('adopt() takes over an inherited contract with its unacknowledged critical events', async () => {
    const { sim, system } = setup();
    const sibling = sim.world.fork(sim.self.pid, { template: null });
    const worker = sim.world.fork(sibling, { template: { param: 1 } });
    const ctid = sim.world.process(worker)?.contract ?? 0;
    sim.world.exit(worker);
    sim.world.exit(sibling);
    const adopted = system.adopt(ctid);
    const first = await adopted.events().next();
    expect(first.value).toMatchObject({ type: 'pr_empty', ctid, critical: true, acknowledged: false });
    expect(adopted.status()).toMatchObject({ state: 'owned', holder: process.pid, nevents: 1 });
    adopted.abandon();
    adopted.close();
  });

  it('device contracts: openDevice and createDeviceContract, negotiation through ack', async () => {
    const { sim, system } = setup();
    sim.world.addDevice('/pci@0/disk@0:a');
    sim.world.addDevice('/pci@0/disk@1:a');
    const { node, contract } = await system.openDevice('/pci@0/disk@0:a', {
      type: 'device',
      acceptableStates: ['online'],
    });
    expect(contract.status()).toMatchObject({
      type: 'device',
      deviceState: 'online',
      acceptableStates: ['online'],
      minor: '/pci@0/disk@0:a',
    });
    const created = await system.createDeviceContract({ type: 'device', minor: '/pci@0/disk@1:a', cookie: 5n });
    expect(created.status()).toMatchObject({ cookie: 5n, state: 'owned' });
    const events = contract.events();
    expect(sim.world.setDeviceState('/pci@0/disk@0:a', 'offline')).toBe('negotiating');
    const negotiation = (await events.next()).value;
    expect(negotiation).toMatchObject({ type: 'dev_offline', negotiation: true, critical: true });
    expect(contract.status().ntime).toBe(60);
    contract.ack(negotiation?.evid ?? 0n);
    expect((await events.next()).value).toMatchObject({ type: 'negend', nevid: negotiation?.evid, newct: 0 });
    expect(sim.world.deviceState('/pci@0/disk@0:a')).toBe('offline');
    await contract.abandonAsync();
    node.close();
    created.close();
    contract.close();
  });
});
