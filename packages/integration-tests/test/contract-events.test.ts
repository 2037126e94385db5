import { describe, expect, it } from 'vitest';
import {
  CT_PR_EV_EMPTY,
  isContractError,
  type ContractBackend,
  type RawContractEvent,
} from '@sysbind/contract-interface';
import { createSimulatedNativeBackend } from '@sysbind/contract-native/testing';
import { createContractSimulator, type ContractSimulator } from '@sysbind/testing-fakes';
import { bundleDriver, reportOf, runNode } from './support/contract-child.ts';

async function until(done: () => boolean): Promise<void> {
  const started = Date.now();
  while (!done() && Date.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 1));
}

function setup(): { sim: ContractSimulator; backend: ContractBackend; emptyContract: () => number } {
  const sim = createContractSimulator({ followRealChildren: false });
  const backend = createSimulatedNativeBackend(sim);
  const emptyContract = (): number => {
    const template = backend.openTemplate('process');
    template.activate();
    const pid = sim.world.fork(sim.self.pid);
    template.clear();
    template.close();
    const ctid = sim.world.process(pid)?.contract ?? 0;
    sim.world.exit(pid);
    return ctid;
  };
  return { sim, backend, emptyContract };
}

describe('contract addon event delivery (uv_poll over the simulator)', () => {
  it('drains every pending event in one readiness and delivers in queue order', async () => {
    const { sim, backend, emptyContract } = setup();
    const pbundle = backend.openProcessBundle('process');
    const seen: RawContractEvent[] = [];
    pbundle.listen({ onEvent: (event) => seen.push(event), onError: () => undefined });
    const ctids = [emptyContract(), emptyContract(), emptyContract()];
    expect(seen).toEqual([]);
    await until(() => seen.length === 3);
    expect(seen.map((event) => [event.ctid, event.type, event.contractType])).toEqual(
      ctids.map((ctid) => [ctid, CT_PR_EV_EMPTY, 'process']),
    );
    expect(seen.every((event) => typeof event.evid === 'bigint' && event.pid !== undefined)).toBe(true);
    pbundle.close();
    sim.close();
  });

  it('hands a read error to onError once and stops watching, the endpoint still usable', async () => {
    const { sim, backend, emptyContract } = setup();
    const pbundle = backend.openProcessBundle('process');
    const errors: unknown[] = [];
    const seen: RawContractEvent[] = [];
    pbundle.listen({ onEvent: (event) => seen.push(event), onError: (error) => errors.push(error) });
    sim.injectFault({ operation: 'ct_event_read', errno: 'EIO' });
    emptyContract();
    await until(() => errors.length > 0);
    expect(errors).toHaveLength(1);
    expect(isContractError(errors[0], 'EIO')).toBe(true);
    expect((errors[0] as { syscall?: string }).syscall).toBe('ct_event_read');
    emptyContract();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    expect(pbundle.read()?.type).toBe(CT_PR_EV_EMPTY);
    pbundle.close();
    sim.close();
  });

  it('delivers nothing more once a listener closes the endpoint or stops listening', async () => {
    const { sim, backend, emptyContract } = setup();
    const closing = backend.openProcessBundle('process');
    const stopping = backend.openBundle('process');
    let closingCalls = 0;
    let stoppingCalls = 0;
    closing.listen({
      onEvent: () => {
        closingCalls++;
        closing.close();
      },
      onError: () => undefined,
    });
    stopping.listen({
      onEvent: () => {
        stoppingCalls++;
        stopping.listen(undefined);
      },
      onError: () => undefined,
    });
    emptyContract();
    emptyContract();
    await until(() => closingCalls > 0 && stoppingCalls > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([closingCalls, stoppingCalls]).toEqual([1, 1]);
    expect(stopping.read()).toBeDefined();
    stopping.close();
    sim.close();
  });

  it("keeps the process alive only while a watching endpoint is ref'd", async () => {
    const driver = await bundleDriver('contract-lifetime');
    const unrefd = await runNode(driver, ['unref']);
    expect({ code: unrefd.code, stderr: unrefd.stderr }).toEqual({ code: 0, stderr: '' });
    const started = Date.now();
    const refd = await runNode(driver, ['ref'], [], 1000);
    expect(refd.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  }, 20_000);

  it('routes an exception thrown by a listener to uncaughtException and goes on delivering', async () => {
    const outcome = await runNode(await bundleDriver('contract-lifetime'), ['throw']);
    expect({ code: outcome.code, stderr: outcome.stderr }).toEqual({ code: 0, stderr: '' });
    const report = reportOf(outcome) as { caught: string[]; delivered: string[] };
    expect(report.caught).toEqual(['listener failed']);
    expect(report.delivered).toHaveLength(2);
  }, 20_000);
});
