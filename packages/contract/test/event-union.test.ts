import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CT_DEV_EV_OFFLINE,
  CT_EV_NEGEND,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  CT_PR_EV_SIGNAL,
} from '@sysbind/contract-interface';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { type ContractEvent } from '../src/index.ts';
import * as compat from '../src/compat.ts';
import type { CompatEvent } from '../src/compat.ts';
import { settle, useSimulatedSystems } from './support/simulated-system.ts';

const { setup, defer } = useSimulatedSystems();

// What the union lets a caller write, checked by the type checker (pnpm run typecheck): each
// payload is reached through the `type` test alone, without a cast or an optional chain.
function describeEvent(event: ContractEvent): string {
  switch (event.type) {
    case 'pr_exit':
      return event.exit.exited ? `exit ${event.exit.code}` : `signal ${event.exit.signal}`;
    case 'pr_fork':
      return `fork ${event.pid} from ${event.ppid}`;
    case 'pr_signal':
      return `signal ${event.signal} from ${event.sender ?? 'unknown'}`;
    case 'pr_core':
      return `core ${event.coreFiles.process ?? 'none'}`;
    case 'pr_empty':
    case 'pr_hwerr':
      return `${event.type} ${event.pid}`;
    case 'negend':
      return `negend ${event.nevid} -> ${event.newct}`;
    case 'dev_online':
    case 'dev_degraded':
    case 'dev_offline':
      return `${event.type} ${event.contractType}`;
    case 'unknown':
      return `unknown bit ${event.bit}`;
  }
}

describe('item 19: events follow the JavaScript convention', () => {
  it('item 19: `type` is the contract(5) event name and narrows the union (the payload type-checks)', () => {
    expectTypeOf<Extract<ContractEvent, { type: 'pr_exit' }>['exit']['exited']>().toEqualTypeOf<boolean>();
    expectTypeOf<Extract<ContractEvent, { type: 'negend' }>['newct']>().toEqualTypeOf<number>();
    expectTypeOf<ContractEvent['type']>().toEqualTypeOf<
      | 'pr_empty'
      | 'pr_fork'
      | 'pr_exit'
      | 'pr_core'
      | 'pr_signal'
      | 'pr_hwerr'
      | 'dev_online'
      | 'dev_degraded'
      | 'dev_offline'
      | 'negend'
      | 'unknown'
    >();
    expectTypeOf<ContractEvent['bit']>().toEqualTypeOf<number>();
  });

  it('item 19: process events carry the name in `type` and the CT_PR_EV_* value (process(5)) in `bit`', async () => {
    const { sim, system } = setup();
    const contract = system.withTemplate({ type: 'process', informative: ['pr_exit', 'pr_fork', 'pr_signal'] }, () => {
      sim.world.fork(sim.self.pid);
      return system.latest();
    });
    const status = contract.status();
    const member = status.type === 'process' ? status.members[0] : undefined;
    const seen: ContractEvent[] = [];
    contract.on('event', (event: ContractEvent) => seen.push(event));
    const grandchild = sim.world.fork(member ?? 0, { template: null });
    sim.world.kill(grandchild, 'SIGKILL', { sender: sim.self.pid + 1 });
    sim.world.exit(member ?? 0, 3);
    await settle();
    // The first pr_fork is the member's own creation (contract_process_fork publishes it too).
    expect(seen.map((event) => [event.type, event.bit])).toEqual([
      ['pr_fork', CT_PR_EV_FORK],
      ['pr_fork', CT_PR_EV_FORK],
      ['pr_signal', CT_PR_EV_SIGNAL],
      ['pr_exit', CT_PR_EV_EXIT],
      ['pr_exit', CT_PR_EV_EXIT],
      ['pr_empty', CT_PR_EV_EMPTY],
    ]);
    expect(seen.map(describeEvent)).toEqual([
      `fork ${member} from ${sim.self.pid}`,
      `fork ${grandchild} from ${member}`,
      `signal 9 from ${sim.self.pid + 1}`,
      'signal 9',
      'exit 3',
      `pr_empty ${member}`,
    ]);
    expect(seen[0]).not.toHaveProperty('name');
    contract.abandon();
  });

  it('item 19: the EventEmitter event name is `type`; device events and negend carry theirs too', async () => {
    const { sim, system } = setup();
    sim.world.addDevice('/pci@0/disk@0:a');
    const device = await system.createDeviceContract({
      type: 'device',
      minor: '/pci@0/disk@0:a',
      acceptableStates: ['online'],
      critical: ['dev_offline'],
    });
    const seen: ContractEvent[] = [];
    device.on('dev_offline', (event: ContractEvent) => {
      seen.push(event);
      device.ack(event.evid);
    });
    device.on('negend', (event: ContractEvent) => seen.push(event));
    sim.world.setDeviceState('/pci@0/disk@0:a', 'offline');
    await settle();
    await settle();
    expect(seen.map((event) => [event.type, event.bit, event.contractType])).toEqual([
      ['dev_offline', CT_DEV_EV_OFFLINE, 'device'],
      ['negend', CT_EV_NEGEND, 'device'],
    ]);
    const [negotiation, end] = seen;
    expect(end?.type === 'negend' ? end.nevid : undefined).toBe(negotiation?.evid);
    await device.abandonAsync();
  });

  it('item 19: compat events keep the seed shape: `type` is the name string, evid a decimal string, flags an object', async () => {
    const sim = createContractSimulator();
    defer(() => {
      compat.useBackend(undefined);
      sim.close();
    });
    compat.useBackend(sim.backend());
    compat.set_template({ type: 'process', critical: { pr_empty: true } });
    const pid = sim.world.fork(sim.self.pid);
    compat.clear_template();
    const ct = compat.latest();
    const seen: CompatEvent[] = [];
    ct.on('pr_empty', (event: CompatEvent) => seen.push(event));
    sim.world.exit(pid);
    await settle();
    // The seed: "{ ctid: number, evid: string (decimal), type: string (same as name), flags:
    // { info, ack, neg } }"; no numeric type and no `bit` reach compat code.
    expect(seen).toHaveLength(1);
    const [event] = seen;
    expect(typeof event?.ctid).toBe('number');
    expect(event?.evid).toMatch(/^[1-9][0-9]*$/);
    expect(event?.type).toBe('pr_empty');
    expect(event?.flags).toEqual({ info: false, ack: false, neg: false });
    expect(event).not.toHaveProperty('bit');
    ct.abandon();
    ct.dispose();
  });
});
