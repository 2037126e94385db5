import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CT_PR_EV_EMPTY } from '@sysbind/contract-interface';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator } from '@sysbind/testing-fakes';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';
import { openFdCount, openFds } from './support/fd-table.ts';

const DEVICE = '/pseudo/fds@0:a';
const onLinux = process.platform === 'linux';

function waitForExec(child: ChildProcess, command: string): void {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    try {
      if (readFileSync(`/proc/${String(child.pid)}/comm`, 'utf8').trim() === command) return;
    } catch {
      // not there yet
    }
  }
  throw new Error(`${command} did not start`);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else
      child.once('exit', () => {
        resolve();
      });
  });
}

describe.runIf(onLinux)('contract addon file descriptors (read from /proc, Linux only)', () => {
  it('gives a child spawned while templates, contracts and endpoints are open none of their fds', async () => {
    const before = openFds();
    const sim = createContractSimulator({ privileges: ['sys_devices'] });
    sim.world.addDevice(DEVICE);
    const backend = createSimulatedNativeBackend(sim);
    const pbundle = backend.openProcessBundle('process');
    pbundle.listen({ onEvent: () => undefined, onError: () => undefined });
    const bundle = backend.openBundle('process');
    const template = backend.openTemplate('process');
    template.activate();
    // A real child under the active template: the simulator gives it a contract, as illumos would.
    const member = spawn('sleep', ['5'], { stdio: 'ignore' });
    const latest = backend.openLatest('process');
    template.clear();
    const control = backend.openControl(latest.ctid);
    const events = backend.openEvents(latest.ctid);
    events.listen({ onEvent: () => undefined, onError: () => undefined });
    const status = backend.openStatus(latest.ctid);
    const deviceTemplate = backend.openTemplate('device');
    const node = backend.openDeviceNode(DEVICE);

    const ours = [...openFds()].filter(([fd]) => !before.has(fd));
    expect(ours.length).toBeGreaterThanOrEqual(9);
    expect(ours.every(([, target]) => target === 'anon_inode:[eventfd]')).toBe(true);

    const probe = spawn('sleep', ['1'], { stdio: 'ignore' });
    waitForExec(probe, 'sleep');
    const inherited = openFds(probe.pid ?? 0);
    waitForExec(member, 'sleep');
    const memberFds = openFds(member.pid ?? 0);
    // The method can see an inherited fd: one passed on purpose shows up as fd 3.
    const control3 = spawn('sleep', ['1'], { stdio: ['ignore', 'ignore', 'ignore', ours[0]?.[0] ?? 0] });
    waitForExec(control3, 'sleep');
    const passed = openFds(control3.pid ?? 0);

    // Only our fds matter: the test runner may pass its own (its IPC channel) to every child.
    const ourNumbers = new Set(ours.map(([fd]) => fd));
    const leaked = (fds: Map<number, string>): [number, string][] =>
      [...fds].filter(([fd, target]) => ourNumbers.has(fd) || target === 'anon_inode:[eventfd]');
    expect(leaked(inherited)).toEqual([]);
    expect(leaked(memberFds)).toEqual([]);
    expect(passed.get(3)).toBe('anon_inode:[eventfd]');

    for (const handle of [pbundle, bundle, template, control, events, status, deviceTemplate, node, latest])
      handle.close();
    member.kill();
    await Promise.all([exited(member), exited(probe), exited(control3)]);
    backend.close?.();
    sim.close();
  });

  it('returns to its starting fd count after 10,000 open/close cycles of every handle kind', async () => {
    const sim = createContractSimulator({ followRealChildren: false, privileges: ['sys_devices'] });
    sim.world.addDevice(DEVICE);
    const backend = createSimulatedNativeBackend(sim);
    const template = backend.openTemplate('process');
    template.activate();
    const pid = sim.world.fork(sim.self.pid);
    template.clear();
    template.close();
    const ctid = sim.world.process(pid)?.contract ?? 0;
    const baseline = openFdCount();
    const listener = { onEvent: () => undefined, onError: () => undefined };
    for (let cycle = 0; cycle < 10_000; cycle++) {
      const handle = backend.openTemplate(cycle % 2 === 0 ? 'process' : 'device');
      handle.set('cookie', BigInt(cycle));
      handle.close();
      const status = backend.openStatus(ctid);
      status.read(2);
      status.close();
      const control = backend.openControl(ctid);
      control.close();
      const events = backend.openEvents(ctid);
      events.listen(listener);
      events.close();
      const pbundle = backend.openProcessBundle('process');
      pbundle.listen(listener);
      pbundle.listen(undefined);
      pbundle.close();
      backend.openDeviceNode(DEVICE).close();
    }
    // uv_close callbacks of the watches run on the next loop turn; they hold no fd, but wait anyway.
    await new Promise((resolve) => setImmediate(resolve));
    expect(openFdCount()).toBe(baseline);
    // And the addon still delivers events through a watch.
    const seen: number[] = [];
    const pbundle = backend.openProcessBundle('process');
    pbundle.listen({ onEvent: (event) => seen.push(event.type), onError: () => undefined });
    sim.world.exit(pid);
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(seen).toEqual([CT_PR_EV_EMPTY]);
    pbundle.close();
    backend.close?.();
    sim.close();
    expect(openFdCount()).toBe(baseline);
  }, 60_000);

  it('closes the fds of handles nobody closed once they are garbage collected', async () => {
    const outcome = await runNode(await bundleDriver('contract-gc'), [], ['--expose-gc']);
    expect({ code: outcome.code, signal: outcome.signal, stderr: outcome.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    const report = reportOf(outcome) as { baseline: number; whileOpen: number; afterGc: number; handles: number };
    expect(report.whileOpen).toBeGreaterThanOrEqual(report.baseline + report.handles);
    expect(report.afterGc).toBe(report.baseline);
  }, 60_000);
});
