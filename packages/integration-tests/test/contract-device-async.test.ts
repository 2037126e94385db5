// Issue 12 item 14 on the native addon (sim flavor): the device calls that can block in the
// kernel are promises queued as Node-API async work (a thread-pool thread in the system build;
// the sim flavor runs them in the completion callback, the simulator being JavaScript). The
// simulator is the reference for their results; the open flags are checked against the host's
// <fcntl.h> values (node:fs constants), as the binding passes them to open(2).
import { constants } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CTS_OWNED, type SimulatedLibcontract } from '@sysbind/contract-interface';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { openFdCount } from './support/fd-table.ts';

const MINOR = '/pseudo/item14@0:a';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function setup(): {
  sim: ReturnType<typeof createContractSimulator>;
  backend: ReturnType<typeof createSimulatedNativeBackend>;
  opens: { path: string; flags: number }[];
} {
  const sim = createContractSimulator({ followRealChildren: false });
  sim.world.addDevice(MINOR);
  const opens: { path: string; flags: number }[] = [];
  // The simulator's libcontract, with its open(2) recorded.
  const recording = {
    self: sim.self,
    library(pid?: number, lwp?: number): SimulatedLibcontract {
      const api = sim.library(pid, lwp);
      return new Proxy(api, {
        get(target, key, receiver) {
          if (key === 'open') {
            return (path: string, flags: number) => {
              opens.push({ path, flags });
              return target.open(path, flags);
            };
          }
          const value: unknown = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
  const backend = createSimulatedNativeBackend(recording);
  cleanups.push(() => {
    backend.close?.();
    sim.close();
  });
  return { sim, backend, opens };
}

describe.runIf(process.platform === 'linux')(
  'item 14: device calls off the JS thread, over the native addon (/proc, Linux)',
  () => {
    it('item 14: openDeviceNodeAsync opens with O_NDELAY and O_NOCTTY under the template, and returns the contract made', async () => {
      const { sim, backend, opens } = setup();
      const template = backend.openTemplate('device');
      template.set('aset', 1);
      let settled = false;
      const opening = backend.openDeviceNodeAsync(MINOR, { template, ndelay: true, noctty: true });
      void opening.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      const { node, ctid } = await opening;
      const open = opens.find((entry) => entry.path === `/devices${MINOR}`);
      // O_NDELAY is O_NONBLOCK's value on Linux (both exist, with one value, in <fcntl.h>).
      expect((open?.flags ?? 0) & constants.O_NONBLOCK).toBe(constants.O_NONBLOCK);
      expect((open?.flags ?? 0) & constants.O_NOCTTY).toBe(constants.O_NOCTTY);
      expect((open?.flags ?? 0) & 3).toBe(constants.O_RDONLY);
      expect(ctid).toBeGreaterThan(0);
      expect(sim.world.contract(ctid ?? 0)).toMatchObject({ type: 'device', state: CTS_OWNED, ownerPid: sim.self.pid });
      // The template was cleared on the thread that opened: a plain open makes no contract now.
      const before = sim.world.ctids().length;
      backend.openDeviceNode(MINOR).close();
      expect(sim.world.ctids()).toHaveLength(before);
      const plain = await backend.openDeviceNodeAsync(MINOR);
      expect(plain.ctid).toBeUndefined();
      plain.node.close();
      node.close();
      template.close();
    });

    it('item 14: createAsync and abandonAsync agree with the simulator; a close() in flight takes effect when the call ends', async () => {
      const { sim, backend } = setup();
      const fds = openFdCount();
      const template = backend.openTemplate('device');
      template.set('minor', MINOR);
      const creating = template.createAsync();
      template.close(); // in flight: the descriptor stays until the creation ends
      const ctid = await creating;
      expect(sim.world.contract(ctid)).toMatchObject({ type: 'device', ownerPid: sim.self.pid });
      expect(() => template.create()).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
      const control = backend.openControl(ctid);
      const abandoning = control.abandonAsync();
      control.close();
      await abandoning;
      expect(sim.world.contract(ctid)?.ownerPid ?? 0).toBe(0);
      expect(() => control.abandonAsync()).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
      await expect(backend.openDeviceNodeAsync('/pseudo/none@0:z')).rejects.toMatchObject({
        code: 'ENOENT',
        syscall: 'open',
      });
      expect(openFdCount()).toBe(fds);
    });
  },
);
