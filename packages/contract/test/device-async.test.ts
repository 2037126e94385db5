// Issue 12 item 14: a device contract's abandon, its creation and the open of a device node can
// block in the kernel for up to the 60 s negotiation timeout (ct_barrier_wait_for_release,
// ct_barrier_acquire), so the facade offers them only as promises, which settle in a later turn.
import { describe, expect, it } from 'vitest';
import { CTS_ORPHAN, CTS_DEAD } from '@sysbind/contract-interface';
import { createContractSimulator } from '@sysbind/testing-fakes';
import * as compat from '../src/compat.ts';
import { useSimulatedSystems, type SimulatedSystem } from './support/simulated-system.ts';

const MINOR = '/pci@0/disk@0:a';
const systems = useSimulatedSystems();
const { defer } = systems;

// Every world here has the one device the tests contract for.
function setup(): SimulatedSystem {
  const world = systems.setup();
  world.sim.world.addDevice(MINOR);
  return world;
}

describe('item 14: device contracts through promises', () => {
  it('item 14: openDevice and createDeviceContract settle later, with O_NDELAY/O_NOCTTY accepted', async () => {
    const { sim, system } = setup();
    let settled = false;
    const opening = system.openDevice(
      MINOR,
      { type: 'device', acceptableStates: ['online'] },
      { ndelay: true, noctty: true },
    );
    void opening.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    const { node, contract } = await opening;
    expect(sim.world.contract(contract.id)).toMatchObject({ type: 'device', ownerPid: sim.self.pid });
    const created = await system.createDeviceContract({ type: 'device', minor: MINOR, cookie: 3n });
    expect(created.status()).toMatchObject({ type: 'device', cookie: 3n, minor: MINOR });
    // The template is cleared before the promise settles: a later open creates nothing.
    const contractsBefore = sim.world.ctids().length;
    system.backend.openDeviceNode(MINOR).close();
    expect(sim.world.ctids()).toHaveLength(contractsBefore);
    await expect(
      system.openDevice(MINOR, { type: 'device' }, { ndelay: 1 as unknown as boolean }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    node.close();
    await contract.abandonAsync();
    await created.abandonAsync();
  });

  it('item 14: abandon() of a device contract is refused (it could block); abandonAsync() does it', async () => {
    const { sim, system } = setup();
    const contract = await system.createDeviceContract({ type: 'device', minor: MINOR });
    expect(() => {
      contract.abandon();
    }).toThrow(expect.objectContaining({ code: 'ERR_CONTRACT_BLOCKING_CALL', ctid: contract.id }) as Error);
    const abandoning = contract.abandonAsync();
    expect(sim.world.contract(contract.id)?.ownerPid).toBe(sim.self.pid);
    await abandoning;
    expect([CTS_ORPHAN, CTS_DEAD, undefined]).toContain(sim.world.contract(contract.id)?.state);
    expect(sim.world.contract(contract.id)?.ownerPid ?? 0).toBe(0);
  });

  it('item 14: compat abandon() of a device contract does not block and does not throw; createAsync() resolves', async () => {
    const sim = createContractSimulator();
    sim.world.addDevice(MINOR);
    compat.useBackend(sim.backend());
    defer(() => {
      compat.useBackend(undefined);
      sim.close();
    });
    compat.set_template({ type: 'device', dev_minor: MINOR, dev_aset: { online: true } });
    const ct = await compat.createAsync();
    compat.clear_template();
    expect(ct.status()['type']).toBe('device');
    ct.abandon();
    expect(sim.world.contract(ct.ctid)?.ownerPid).toBe(sim.self.pid);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sim.world.contract(ct.ctid)?.ownerPid ?? 0).toBe(0);
  });
});
