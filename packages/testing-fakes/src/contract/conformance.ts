// The conformance suite every ContractBackend must pass, one or more cases per part of the model
// that docs/guides/contract-simulation.md lists under "What is modelled"; each case names the
// illumos-gate function (usr/src/uts/common/os/contract.c, contract/*.c, fs/ctfs/*.c) or the man
// page its rule comes from. It drives only the backend interface and the
// simulator's world controls, so it runs unchanged on the simulator backend and on the native
// addon's simulator build (which forwards libcontract calls to the same simulator).
import { afterEach, describe, expect, it } from 'vitest';
// The constants by namespace, so that this list is not written out once more beside the engine's.
import * as ct from '@sysbind/contract-interface';
import {
  isContractError,
  type ContractBackend,
  type ContractEventEndpoint,
  type ContractTemplateHandle,
  type RawContractEvent,
  type TemplateTerm,
  type TemplateTermValues,
} from '@sysbind/contract-interface';
import type { SimLibcontract } from './libcontract.ts';
import { createContractSimulator, type ContractSimulator, type ContractSimulatorOptions } from './simulator.ts';

/** Which process of which simulator a backend under test must act as. */
export interface ContractBackendTarget {
  /** The simulator the suite drives (world controls, clock, inspection). */
  readonly simulator: ContractSimulator;
  /** The simulated process the backend acts as (its calls are that process's calls): the simulator's self. */
  readonly pid: number;
}

/**
 * Builds the backend under test for one process of a simulator, from that process's libcontract
 * (its main LWP). The simulator's own backend is `(_library, { simulator, pid }) =>
 * simulator.backend({ pid })`; the native addon over the simulator routes its libcontract calls to
 * the same simulator (`createSimulatedNativeBackend(simulator, { pid })`).
 */
export type ContractBackendFactory = (
  library: SimLibcontract,
  target: ContractBackendTarget,
) => ContractBackend | Promise<ContractBackend>;

/** Options of {@link describeContractBackend}. */
export interface ContractConformanceOptions {
  /** Creates each test's world from the options that test needs (default: `createContractSimulator`). */
  readonly createSimulator?: (options: ContractSimulatorOptions) => ContractSimulator;
  /** How long to wait for an asynchronous effect (an event delivery) to show, in ms (default 2000). */
  readonly settleTimeout?: number;
}

/** A test's world: the backend under test and the simulator it runs on. */
interface Harness {
  readonly backend: ContractBackend;
  readonly sim: ContractSimulator;
}

type Settings = { [Term in TemplateTerm]?: TemplateTermValues[Term] };

function expectErrno(action: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isContractError(thrown, code), `expected ContractError ${code}, got ${String(thrown)}`).toBe(true);
}

/** Waits until `done()` holds (deliveries are asynchronous: a microtask, or a poll callback). */
async function eventually(done: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!done() && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 1));
}

function readAll(endpoint: ContractEventEndpoint): RawContractEvent[] {
  const events: RawContractEvent[] = [];
  for (let event = endpoint.read(); event !== undefined; event = endpoint.read()) events.push(event);
  return events;
}

/**
 * Registers the contract(5) conformance suite for a backend, with vitest.
 *
 * The seam, as in `describeGridcentricBackend`: the suite owns the world. Each test creates a fresh
 * simulator with the options it needs (privileges, euid, …), asks `makeBackend` for a backend
 * acting as that simulator's self process, drives it only through the backend interface and the
 * simulator's world controls, and closes both at its end.
 */
export function describeContractBackend(
  name: string,
  makeBackend: ContractBackendFactory,
  options: ContractConformanceOptions = {},
): void {
  const createSimulator = options.createSimulator ?? createContractSimulator;
  const settleTimeout = options.settleTimeout ?? 2000;

  describe(`ContractBackend conformance: ${name}`, () => {
    const cleanups: (() => void | Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(simOptions: ContractSimulatorOptions = {}): Promise<Harness> {
      const sim = createSimulator(simOptions);
      cleanups.push(() => {
        sim.close();
      });
      const pid = sim.self.pid;
      const backend = await makeBackend(sim.library(pid), { simulator: sim, pid });
      // Closed before the simulator (cleanups run in reverse).
      cleanups.push(() => backend.close?.());
      return { backend, sim };
    }

    function template(
      backend: ContractBackend,
      settings: Settings,
      type: 'process' | 'device' = 'process',
    ): ContractTemplateHandle {
      const handle = backend.openTemplate(type);
      for (const [term, value] of Object.entries(settings) as [TemplateTerm, never][]) handle.set(term, value);
      return handle;
    }

    /** Forks a simulated child of self under `settings`; returns the child pid and the contract id. */
    function forkUnder(harness: Harness, settings: Settings): { pid: number; ctid: number } {
      const handle = template(harness.backend, settings);
      handle.activate();
      const pid = harness.sim.world.fork(harness.sim.self.pid);
      handle.clear();
      handle.close();
      const latest = harness.backend.openLatest('process');
      const ctid = latest.ctid;
      latest.close();
      return { pid, ctid };
    }

    it('contract ids come from one allocator across types; evids count per type from 1 (contract_ctor, cte_publish_all)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      sim.world.addDevice('/pci@0/disk@0:a');
      const bundle = backend.openProcessBundle('process');
      const first = forkUnder(harness, { critical: ct.CT_PR_EV_EMPTY, informative: ct.CT_PR_EV_EXIT });
      const device = template(backend, { minor: '/pci@0/disk@0:a' }, 'device');
      const deviceCtid = device.create();
      device.close();
      const second = forkUnder(harness, {});
      expect(deviceCtid).toBeGreaterThan(first.ctid);
      expect(second.ctid).toBeGreaterThan(deviceCtid);
      sim.world.exit(first.pid);
      const events = readAll(bundle);
      expect(events.map((event) => event.type)).toEqual([ct.CT_PR_EV_EXIT, ct.CT_PR_EV_EMPTY]);
      const [exit, empty] = events;
      expect(empty?.evid).toBe((exit?.evid ?? 0n) + 1n);
      const status = backend.openStatus(first.ctid);
      const common = status.read(ct.CTD_COMMON);
      expect(common).toMatchObject({
        ctid: first.ctid,
        type: 'process',
        state: ct.CTS_OWNED,
        holder: backend.pid,
        nevents: 1,
      });
      expect(common.nevid).toBe(0n);
      status.close();
    });

    it('templates start with the defaults and activation copies them (contract_process_default, ctmpl_activate; process(5), device_contract(5))', async () => {
      const { backend, sim } = await setup();
      const process = backend.openTemplate('process');
      expect(process.get('critical')).toBe(ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_HWERR);
      expect(process.get('informative')).toBe(ct.CT_PR_EV_CORE | ct.CT_PR_EV_SIGNAL);
      expect(process.get('fatal')).toBe(ct.CT_PR_EV_HWERR);
      expect(process.get('param')).toBe(0);
      expect(process.get('cookie')).toBe(0n);
      expect(process.get('svc_fmri')).toBe('inherit:');
      const device = backend.openTemplate('device');
      expect(device.get('aset')).toBe(ct.CT_DEV_EV_ONLINE | ct.CT_DEV_EV_DEGRADED);
      expect(device.get('critical')).toBe(ct.CT_DEV_EV_OFFLINE);
      expect(device.get('informative')).toBe(ct.CT_DEV_EV_DEGRADED);
      expectErrno(() => {
        device.get('minor');
      }, 'ENOENT');
      expectErrno(() => {
        device.set('aset', ct.CT_DEV_EV_ONLINE | ct.CT_DEV_EV_DEGRADED | ct.CT_DEV_EV_OFFLINE);
      }, 'EINVAL');
      // A device term on a process template is the process term of the same number (item 11):
      // not EINVAL, as this case used to say.
      process.set('aset', ct.CT_PR_INHERIT);
      expect(process.get('param')).toBe(ct.CT_PR_INHERIT);
      process.set('param', 0);
      process.set('cookie', 7n);
      process.activate();
      process.set('cookie', 8n);
      sim.world.fork(sim.self.pid);
      process.clear();
      const latest = backend.openLatest('process');
      expect(latest.read(ct.CTD_COMMON).cookie).toBe(7n);
      latest.close();
      process.close();
      device.close();
    });

    it('unprivileged critical sets: EPERM for non-fatal events, silent demotion on fatal/param changes (ctmpl_process_set, EXCESS)', async () => {
      const { backend } = await setup();
      const handle = backend.openTemplate('process');
      expectErrno(() => {
        handle.set('critical', ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_EXIT);
      }, 'EPERM');
      handle.set('fatal', ct.CT_PR_EV_CORE | ct.CT_PR_EV_HWERR);
      handle.set('critical', ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_CORE | ct.CT_PR_EV_HWERR);
      // ctmpl_process_set (CTPP_EV_FATAL) moves the whole critical set, not just CORE: see item 1.
      // (This case used to expect EMPTY|HWERR to stay critical; the source says otherwise.)
      handle.set('fatal', ct.CT_PR_EV_HWERR);
      expect(handle.get('critical')).toBe(0);
      const demoted = ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_CORE | ct.CT_PR_EV_HWERR;
      expect(handle.get('informative') & demoted).toBe(demoted);
      handle.set('critical', ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_HWERR);
      // CTPP_PARAMS: setting PGRPONLY moves all but EMPTY.
      handle.set('param', ct.CT_PR_PGRPONLY);
      expect(handle.get('critical')).toBe(ct.CT_PR_EV_EMPTY);
      expectErrno(() => {
        handle.set('svc_fmri', 'svc:/x:default');
      }, 'EPERM');
      expectErrno(() => {
        handle.set('critical', 0x40);
      }, 'EINVAL');
      handle.close();
    });

    it('string terms hold at most CT_PARAM_MAX_SIZE bytes of UTF-8 with the NUL, checked before privilege (ctfs_tmpl_ioctl → ctparam_copyin, then ctmpl_process_set)', async () => {
      const { backend } = await setup();
      const handle = backend.openTemplate('process');
      // Two UTF-8 bytes a character: 8192 bytes and the NUL do not fit, 8190 and the NUL do.
      const tooLarge = '\u00e9'.repeat(ct.CT_PARAM_MAX_SIZE / 2);
      const largest = '\u00e9'.repeat(ct.CT_PARAM_MAX_SIZE / 2 - 1);
      expectErrno(() => {
        handle.set('svc_aux', tooLarge);
      }, 'EINVAL');
      handle.set('svc_aux', largest);
      expect(handle.get('svc_aux')).toBe(largest);
      // The size is refused on copy-in, before the FMRI's privilege check.
      expectErrno(() => {
        handle.set('svc_fmri', tooLarge);
      }, 'EINVAL');
      expectErrno(() => {
        handle.set('svc_fmri', largest);
      }, 'EPERM');
      handle.close();
    });

    it('PRIV_CONTRACT_EVENT lifts the critical-set restriction (ctmpl_process_set, secpolicy_contract_event)', async () => {
      const { backend } = await setup({ privileges: ['contract_event'] });
      const handle = backend.openTemplate('process');
      handle.set('critical', ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_EXIT | ct.CT_PR_EV_FORK);
      expect(handle.get('critical')).toBe(ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_EXIT | ct.CT_PR_EV_FORK);
      handle.close();
    });

    it('fork under a template makes a new owned contract per fork and sets latest; without one the child joins (contract_process_fork, contract_ctor)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      expectErrno(() => backend.openLatest('process'), 'ESRCH');
      const a = forkUnder(harness, { informative: ct.CT_PR_EV_FORK });
      const b = forkUnder(harness, {});
      expect(b.ctid).not.toBe(a.ctid);
      const status = backend.openStatus(a.ctid).read(ct.CTD_ALL);
      expect(status).toMatchObject({ state: ct.CTS_OWNED, holder: backend.pid, members: [a.pid] });
      const events = backend.openEvents(a.ctid);
      events.reset();
      expect(readAll(events)).toEqual([]); // FORK is informative and no listener existed at publish time
      const grandchild = sim.world.fork(a.pid);
      expect(readAll(events)).toMatchObject([
        { type: ct.CT_PR_EV_FORK, pid: grandchild, ppid: a.pid, flags: ct.CTE_INFO },
      ]);
      expect(backend.openStatus(a.ctid).read(ct.CTD_ALL).members).toEqual([a.pid, grandchild]);
      expect(sim.world.process(grandchild)?.contract).toBe(a.ctid);
    });

    it('templates and latest are per LWP (ctmpl_makecurrent, contract_ctor: lwp_ct_active, lwp_ct_latest)', async () => {
      const { backend, sim } = await setup();
      const handle = template(backend, {});
      handle.activate();
      const otherLwp = sim.world.createLwp(sim.self.pid);
      sim.world.fork(sim.self.pid, { lwp: otherLwp, template: null });
      expectErrno(() => backend.openLatest('process'), 'ESRCH');
      sim.world.fork(sim.self.pid, { lwp: otherLwp });
      expectErrno(() => backend.openLatest('process'), 'ESRCH'); // the new LWP's copy made it, not ours
      sim.world.fork(sim.self.pid);
      expect(backend.openLatest('process').ctid).toBeGreaterThan(0);
      handle.clear();
      handle.close();
    });

    it('member exit publishes pr_exit then pr_empty (contract_process_exit)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const bundle = backend.openProcessBundle('process');
      const { pid, ctid } = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT, critical: ct.CT_PR_EV_EMPTY });
      sim.world.exit(pid, 3);
      const events = readAll(bundle);
      expect(events).toMatchObject([
        { ctid, type: ct.CT_PR_EV_EXIT, pid, exitStatus: 3 << 8, flags: ct.CTE_INFO },
        { ctid, type: ct.CT_PR_EV_EMPTY, pid, flags: 0 },
      ]);
      const status = backend.openStatus(ctid).read(ct.CTD_ALL);
      expect(status).toMatchObject({ state: ct.CTS_OWNED, members: [], nevents: 1 });
    });

    it('an orphan is destroyed when its last member exits (contract_process_exit, contract_destroy)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const { pid, ctid } = forkUnder(harness, {});
      const status = backend.openStatus(ctid);
      const control = backend.openControl(ctid);
      control.abandon();
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ state: ct.CTS_ORPHAN, holder: 0 });
      sim.world.exit(pid);
      expect(status.read(ct.CTD_COMMON).state).toBe(ct.CTS_DEAD);
      control.close();
      status.close();
      // DEAD lingers while referenced: this LWP's latest slot still names it.
      const lingering = backend.openStatus(ctid);
      expect(lingering.read(ct.CTD_COMMON).state).toBe(ct.CTS_DEAD);
      lingering.close();
      forkUnder(harness, {});
      expectErrno(() => backend.openStatus(ctid), 'ENOENT');
    });

    it('a core dump publishes pr_core with its core files, then the fatal set kills the others (contract_process_core, contract_process_kill)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const bundle = backend.openProcessBundle('process');
      const { pid, ctid } = forkUnder(harness, {
        fatal: ct.CT_PR_EV_CORE,
        critical: ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_CORE,
        informative: ct.CT_PR_EV_EXIT,
      });
      const sibling = sim.world.fork(pid);
      sim.world.dumpCore(pid, { process: '/var/cores/core.a.1', global: '/cores/core.1' });
      const events = readAll(bundle);
      expect(events.map((event) => event.type)).toEqual([
        ct.CT_PR_EV_CORE,
        ct.CT_PR_EV_EXIT,
        ct.CT_PR_EV_EXIT,
        ct.CT_PR_EV_EMPTY,
      ]);
      expect(events[0]).toMatchObject({ pid, pcorefile: '/var/cores/core.a.1', gcorefile: '/cores/core.1', flags: 0 });
      expect(events[0]?.zcorefile).toBeUndefined();
      expect(events[1]?.exitStatus).toBe(11 | 0x80);
      expect(events[2]).toMatchObject({ pid: sibling, exitStatus: 9 });
      expect(sim.world.process(sibling)).toBeUndefined();
      expect(sim.world.contract(ctid)?.members).toEqual([]);
    });

    it("a signal from outside publishes pr_signal with its sender; the holder's own signals do not (contract_process_sig)", async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const bundle = backend.openProcessBundle('process');
      const first = forkUnder(harness, { informative: ct.CT_PR_EV_SIGNAL | ct.CT_PR_EV_EXIT });
      const outsider = sim.world.fork(sim.self.pid, { template: null });
      sim.world.kill(first.pid, 'SIGTERM', { sender: outsider });
      expect(readAll(bundle)).toMatchObject([
        {
          type: ct.CT_PR_EV_SIGNAL,
          pid: first.pid,
          signal: 15,
          sender: outsider,
          senderCtid: sim.world.process(outsider)?.contract,
        },
        { type: ct.CT_PR_EV_EXIT, exitStatus: 15 },
        { type: ct.CT_PR_EV_EMPTY },
      ]);
      const second = forkUnder(harness, { informative: ct.CT_PR_EV_SIGNAL | ct.CT_PR_EV_EXIT });
      backend.sigsend(second.ctid, 15);
      expect(readAll(bundle).map((event) => event.type)).toEqual([ct.CT_PR_EV_EXIT, ct.CT_PR_EV_EMPTY]);
    });

    it("hwerr kills the whole contract; PGRPONLY limits a fatal kill to the offender's group (contract_process_hwerr, contract_process_kill)", async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const bundle = backend.openProcessBundle('process');
      const a = forkUnder(harness, { param: ct.CT_PR_PGRPONLY, fatal: ct.CT_PR_EV_HWERR });
      const sameGroup = sim.world.fork(a.pid);
      const otherGroup = sim.world.fork(a.pid);
      sim.world.setProcessGroup(otherGroup, otherGroup);
      sim.world.hardwareError(a.pid);
      expect(sim.world.process(sameGroup)).toBeUndefined();
      expect(sim.world.process(otherGroup)).toBeDefined();
      // PGRPONLY demoted HWERR to informative; the contract is not empty yet.
      expect(readAll(bundle)).toMatchObject([{ type: ct.CT_PR_EV_HWERR, pid: a.pid, flags: ct.CTE_INFO }]);
      const b = forkUnder(harness, {});
      const member = sim.world.fork(b.pid);
      sim.world.hardwareError(b.pid);
      expect(sim.world.process(member)).toBeUndefined();
      expect(readAll(bundle)).toMatchObject([
        { type: ct.CT_PR_EV_HWERR, pid: b.pid, flags: 0 },
        { type: ct.CT_PR_EV_EMPTY },
      ]);
    });

    it("events reach the contract queue, the type bundle and the owner's pbundle; informative ones only where someone listens (cte_publish_all, cte_publish)", async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const bundle = backend.openBundle('process');
      const { pid, ctid } = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      const own = backend.openEvents(ctid);
      sim.world.exit(pid);
      const fromOwn = readAll(own);
      expect(fromOwn.map((event) => event.type)).toEqual([ct.CT_PR_EV_EXIT, ct.CT_PR_EV_EMPTY]);
      expect(readAll(bundle).map((event) => event.evid)).toEqual(fromOwn.map((event) => event.evid));
      const pbundle = backend.openProcessBundle('process');
      pbundle.reset();
      // The pbundle queue exists since the fork made the contract (contract_type_pbundle, item 4):
      // the informative EXIT found nobody listening there, the unacknowledged critical EMPTY was
      // queued. (This case used to expect nothing: the queue was made by the open.)
      expect(readAll(pbundle).map((event) => [event.ctid, event.type])).toEqual([[ctid, ct.CT_PR_EV_EMPTY]]);
      // Reading trims nothing (cte_get_event); only a publish or a closing listener does, and
      // neither happened on this contract's queue since: a reset replays both. (This case used to
      // expect the EXIT gone.)
      own.reset();
      expect(readAll(own).map((event) => event.type)).toEqual([ct.CT_PR_EV_EXIT, ct.CT_PR_EV_EMPTY]);
    });

    it('critical events of an orphan are born acknowledged; nevents counts the unacknowledged (cte_publish_all, contract_orphan)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const bundle = backend.openBundle('process');
      const { pid, ctid } = forkUnder(harness, {});
      const own = backend.openEvents(ctid);
      const member = sim.world.fork(pid);
      const status = backend.openStatus(ctid);
      const control = backend.openControl(ctid);
      control.abandon();
      sim.world.exit(pid);
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ state: ct.CTS_ORPHAN, nevents: 0 });
      sim.world.exit(member);
      // Destroyed: the type bundle dropped its events, its own queue is drained and dead, and a
      // non-blocking read answers EAGAIN (item 2; this case used to expect the EMPTY, then EIDRM).
      expect(readAll(bundle)).toEqual([]);
      expect(own.read()).toBeUndefined();
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ state: ct.CTS_DEAD, nevents: 0 });
      control.close();
      status.close();
    });

    it('listeners start at the tail, reset to the head, read EAGAIN as undefined, and read_critical skips info and acked (cte_add_listener, cte_reset_listener, cte_get_event)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const early = backend.openProcessBundle('process');
      const a = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      sim.world.exit(a.pid);
      const late = backend.openProcessBundle('process');
      expect(late.read()).toBeUndefined();
      late.reset();
      // `early` has not read the informative EXIT yet, so it was not trimmed.
      expect(late.read()?.type).toBe(ct.CT_PR_EV_EXIT);
      expect(late.read()?.type).toBe(ct.CT_PR_EV_EMPTY);
      const b = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      sim.world.exit(b.pid);
      const control = backend.openControl(b.ctid);
      const critical = early.readCritical();
      expect(critical).toMatchObject({ ctid: a.ctid, type: ct.CT_PR_EV_EMPTY });
      const next = early.readCritical();
      expect(next).toMatchObject({ ctid: b.ctid, type: ct.CT_PR_EV_EMPTY });
      control.ack(next?.evid ?? 0n);
      early.reset();
      const all = readAll(early).map((event) => [event.ctid, event.type, event.flags]);
      expect(all).toContainEqual([b.ctid, ct.CT_PR_EV_EMPTY, ct.CTE_ACK]);
      early.reset();
      expect(early.readCritical()?.ctid).toBe(a.ctid);
      expect(early.readCritical()).toBeUndefined();
      expectErrno(() => {
        early.reliable();
      }, 'EPERM');
      control.close();
    });

    it('an endpoint delivers asynchronously once readable (ctfs_endpoint_poll, cte_qreadable)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const pbundle = backend.openProcessBundle('process');
      const seen: RawContractEvent[] = [];
      pbundle.listen({
        onEvent: (event) => seen.push(event),
        onError: (error) => {
          throw error;
        },
      });
      const { pid } = forkUnder(harness, {});
      sim.world.exit(pid);
      expect(seen).toEqual([]);
      await eventually(() => seen.length > 0, settleTimeout);
      expect(seen.map((event) => event.type)).toEqual([ct.CT_PR_EV_EMPTY]);
      pbundle.close();
      expectErrno(() => pbundle.read(), 'EBADF');
    });

    it("the type bundle hides other users' contracts unless the observer privilege is held (cte_qreadable, secpolicy_contract_observer_choice)", async () => {
      const { backend, sim } = await setup();
      const bundle = backend.openBundle('process');
      const stranger = sim.world.fork(sim.self.pid, { template: null });
      sim.world.setCredentials(stranger, { euid: 4242 });
      const child = sim.world.fork(stranger, { template: {} });
      sim.world.exit(child);
      expect(readAll(bundle)).toEqual([]);
      const observed = await setup({ privileges: ['contract_observer'] });
      const all = observed.backend.openBundle('process');
      const other = observed.sim.world.fork(observed.sim.self.pid, { template: null });
      observed.sim.world.setCredentials(other, { euid: 4242 });
      observed.sim.world.exit(observed.sim.world.fork(other, { template: {} }));
      expect(readAll(all).map((event) => event.type)).toEqual([ct.CT_PR_EV_EMPTY]);
    });

    it('process contracts: ack clears a critical event, nack/qack are ESRCH, newct is accepted (contract_ack, contract_qack, contract_process_newct)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const pbundle = backend.openProcessBundle('process');
      const { pid, ctid } = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      sim.world.exit(pid);
      const [exit, empty] = readAll(pbundle);
      const control = backend.openControl(ctid);
      expectErrno(() => {
        control.ack(exit?.evid ?? 0n);
      }, 'ESRCH');
      expectErrno(() => {
        control.nack(empty?.evid ?? 0n);
      }, 'ESRCH');
      expectErrno(() => {
        control.qack(empty?.evid ?? 0n);
      }, 'ESRCH');
      const replacement = backend.openTemplate('process');
      control.newct(empty?.evid ?? 0n, replacement);
      replacement.close();
      control.ack(empty?.evid ?? 0n);
      expectErrno(() => {
        control.ack(empty?.evid ?? 0n);
      }, 'ESRCH');
      expect(backend.openStatus(ctid).read(ct.CTD_COMMON).nevents).toBe(0);
    });

    it('device negotiation: neg event, ack lets the change happen, NEGEND with newct 0 (contract_device_publish, wait_for_acks, contract_device_negend)', async () => {
      const { backend, sim } = await setup();
      sim.world.addDevice('/pci@0/disk@1:a');
      const pbundle = backend.openProcessBundle('device');
      const handle = template(backend, { minor: '/pci@0/disk@1:a' }, 'device');
      const ctid = handle.create();
      handle.close();
      const control = backend.openControl(ctid);
      expect(sim.world.setDeviceState('/pci@0/disk@1:a', 'offline')).toBe('negotiating');
      const [negotiation] = readAll(pbundle);
      expect(negotiation).toMatchObject({
        ctid,
        type: ct.CT_DEV_EV_OFFLINE,
        flags: ct.CTE_NEG,
        contractType: 'device',
      });
      const status = backend.openStatus(ctid);
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ nevid: negotiation?.evid, ntime: 60 });
      expectErrno(() => {
        control.qack(negotiation?.evid ?? 0n);
      }, 'ERANGE');
      const replacement = backend.openTemplate('device');
      expectErrno(() => {
        control.newct(negotiation?.evid ?? 0n, replacement);
      }, 'ENOTSUP');
      replacement.close();
      control.ack(negotiation?.evid ?? 0n);
      expect(sim.world.deviceState('/pci@0/disk@1:a')).toBe('offline');
      expect(readAll(pbundle)).toMatchObject([{ type: ct.CT_EV_NEGEND, nevid: negotiation?.evid, newct: 0, flags: 0 }]);
      // Idle again: ntime reads 0, as before the negotiation (item 12; this case used to say -1).
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ nevid: 0n, ntime: 0 });
      control.close();
      status.close();
    });

    it('device negotiation: NACK blocks (with privilege), a timeout after 60 s lets it through (contract_device_ack_nack, wait_for_acks)', async () => {
      const { backend, sim } = await setup({ privileges: ['sys_devices'] });
      sim.world.addDevice('/pci@0/disk@2:a');
      const pbundle = backend.openProcessBundle('device');
      const handle = template(backend, { minor: '/pci@0/disk@2:a' }, 'device');
      const ctid = handle.create();
      const control = backend.openControl(ctid);
      sim.world.setDeviceState('/pci@0/disk@2:a', 'offline');
      const [negotiation] = readAll(pbundle);
      control.nack(negotiation?.evid ?? 0n);
      expect(sim.world.deviceState('/pci@0/disk@2:a')).toBe('online');
      expect(readAll(pbundle)).toMatchObject([{ type: ct.CT_EV_NEGEND, newct: ctid }]);
      sim.world.setDeviceState('/pci@0/disk@2:a', 'offline');
      const [second] = readAll(pbundle);
      sim.clock.advance(59_000);
      expect(sim.world.deviceState('/pci@0/disk@2:a')).toBe('online');
      sim.clock.advance(1_000);
      expect(sim.world.deviceState('/pci@0/disk@2:a')).toBe('offline');
      expect(readAll(pbundle)).toMatchObject([{ type: ct.CT_EV_NEGEND, nevid: second?.evid, newct: 0 }]);
      expectErrno(() => {
        control.nack(second?.evid ?? 0n);
      }, 'ETIMEDOUT');
      // The late NACK acknowledged the event before failing (item 10): there is nothing left to ack.
      // (This case used to ack it here.)
      expectErrno(() => {
        control.ack(second?.evid ?? 0n);
      }, 'ESRCH');
      handle.close();
      control.close();
    });

    it('device contracts: noneg blocks without an event, async breaks are critical even unsubscribed (contract_device_publish)', async () => {
      const { backend, sim } = await setup({ privileges: ['sys_devices'] });
      sim.world.addDevice('/pci@0/disk@3:a');
      sim.world.addDevice('/pci@0/disk@4:a');
      const pbundle = backend.openProcessBundle('device');
      const strict = template(backend, { minor: '/pci@0/disk@3:a', noneg: true }, 'device');
      strict.create();
      expect(sim.world.setDeviceState('/pci@0/disk@3:a', 'offline')).toBe('blocked');
      expect(readAll(pbundle)).toEqual([]);
      const onlineOnly = template(
        backend,
        { minor: '/pci@0/disk@4:a', aset: ct.CT_DEV_EV_ONLINE, critical: 0, informative: 0 },
        'device',
      );
      const ctid = onlineOnly.create();
      expect(sim.world.setDeviceState('/pci@0/disk@4:a', 'degraded')).toBe('changed');
      expect(readAll(pbundle)).toMatchObject([{ ctid, type: ct.CT_DEV_EV_DEGRADED, flags: 0 }]);
      sim.world.setDeviceState('/pci@0/disk@4:a', 'online');
      // Back in the A-set and not subscribed to ONLINE: nothing (there is no "broken" state; item 6).
      expect(readAll(pbundle)).toEqual([]);
      strict.close();
      onlineOnly.close();
    });

    it('device contracts by opening a minor node under an activated template (contract_device_open)', async () => {
      const { backend, sim } = await setup();
      sim.world.addDevice('/pci@0/net@0:e1000g0');
      const handle = template(backend, { aset: ct.CT_DEV_EV_ONLINE }, 'device');
      handle.activate();
      const node = backend.openDeviceNode('/pci@0/net@0:e1000g0');
      handle.clear();
      const latest = backend.openLatest('device');
      expect(latest.read(ct.CTD_ALL)).toMatchObject({
        type: 'device',
        minor: '/pci@0/net@0:e1000g0',
        aset: ct.CT_DEV_EV_ONLINE,
        deviceState: ct.CT_DEV_EV_ONLINE,
      });
      latest.close();
      node.close();
      handle.close();
      expectErrno(() => backend.openDeviceNode('/pci@0/none:x'), 'ENOENT');
    });

    it('abandon: only the owner (EINVAL otherwise), NOORPHAN kills, pbundle purged, criticals auto-acked (contract_abandon, contract_process_abandon, contract_orphan)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const pbundle = backend.openProcessBundle('process');
      const { pid, ctid } = forkUnder(harness, { param: ct.CT_PR_NOORPHAN, informative: ct.CT_PR_EV_EXIT });
      const member = sim.world.fork(pid);
      sim.world.exit(member);
      const control = backend.openControl(ctid);
      const status = backend.openStatus(ctid);
      control.abandon();
      expect(readAll(pbundle)).toEqual([]);
      expect(sim.world.process(pid)).toBeUndefined();
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ state: ct.CTS_DEAD, nevents: 0 });
      expectErrno(() => {
        control.abandon();
      }, 'EINVAL');
      control.close();
      status.close();
    });

    it('owner exit with INHERIT under a REGENT hands the contract to the regent; a member adopts it with its criticals (contract_abandon, contract_process_take, contract_adopt)', async () => {
      const { backend, sim } = await setup();
      // A sibling in our (REGENT) contract creates an INHERIT contract, then exits.
      const sibling = sim.world.fork(sim.self.pid, { template: null });
      const worker = sim.world.fork(sibling, { template: { param: ct.CT_PR_INHERIT } });
      const ctid = sim.world.process(worker)?.contract ?? 0;
      sim.world.exit(worker);
      const busy = sim.world.fork(sibling, { template: { param: ct.CT_PR_NOORPHAN } });
      const orphan = sim.world.process(busy)?.contract ?? 0;
      sim.world.exit(sibling);
      const status = backend.openStatus(ctid);
      const ours = sim.world.process(sim.self.pid)?.contract;
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ state: ct.CTS_INHERITED, holder: ours, nevents: 1 });
      expect(backend.openStatus(ours ?? 0).read(ct.CTD_ALL).contracts).toContain(ctid);
      expect(sim.world.process(busy)).toBeUndefined(); // not INHERIT: abandoned with NOORPHAN
      expectErrno(() => backend.openControl(orphan), 'ENOENT');
      const pbundle = backend.openProcessBundle('process');
      const control = backend.openControl(ctid);
      control.adopt();
      expect(status.read(ct.CTD_COMMON)).toMatchObject({ state: ct.CTS_OWNED, holder: backend.pid });
      expect(readAll(pbundle)).toMatchObject([{ ctid, type: ct.CT_PR_EV_EMPTY, flags: 0 }]);
      expectErrno(() => {
        control.adopt();
      }, 'EINVAL');
      control.close();
      status.close();
    });

    it("transfer: a new contract subsumes an empty regent's inherited contracts (contract_process_create, CTPP_SUBSUME)", async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const regent = forkUnder(harness, { param: 0x8 });
      const heir = sim.world.fork(regent.pid, { template: { param: ct.CT_PR_INHERIT } });
      const inheritedCtid = sim.world.process(heir)?.contract ?? 0;
      sim.world.exit(regent.pid);
      expect(sim.world.contract(inheritedCtid)).toMatchObject({ state: ct.CTS_INHERITED, regent: regent.ctid });
      const handle = template(backend, { param: 0x8 });
      expectErrno(() => {
        handle.set('transfer', 999_999);
      }, 'ESRCH');
      handle.set('transfer', regent.ctid);
      handle.activate();
      sim.world.fork(sim.self.pid);
      handle.clear();
      handle.close();
      const successor = backend.openLatest('process');
      expect(successor.read(ct.CTD_ALL).contracts).toEqual([inheritedCtid]);
      expect(sim.world.contract(inheritedCtid)?.regent).toBe(successor.ctid);
      expect(sim.world.contract(regent.ctid)).toBeUndefined();
      successor.close();
    });

    it('ctfs errors: ENOENT for unknown ids, EACCES for ctl of a contract held by another, ESRCH for latest (ctfs_tdir_do_lookup, ctfs_ctl_access, ctfs_latest_access)', async () => {
      const { backend, sim } = await setup();
      expectErrno(() => backend.openStatus(2_000_000), 'ENOENT');
      expectErrno(() => backend.openLatest('device'), 'ESRCH');
      const other = sim.world.fork(sim.self.pid, { template: null });
      const child = sim.world.fork(other, { template: {} });
      const ctid = sim.world.process(child)?.contract ?? 0;
      expectErrno(() => backend.openControl(ctid), 'EACCES');
      expect(backend.openStatus(ctid).read(ct.CTD_COMMON).holder).toBe(other);
      sim.world.setCredentials(other, { euid: 7 });
      const foreign = sim.world.fork(other, { template: {} });
      expectErrno(() => backend.openEvents(sim.world.process(foreign)?.contract ?? 0), 'EACCES');
    });

    // ---- issue 12: kernel rules read from illumos-gate, one case per item --------------------

    it('item 1: clearing the fatal set moves every critical event, pr_empty included, to informative (ctmpl_process_set, CTPP_EV_FATAL)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const handle = backend.openTemplate('process');
      handle.set('fatal', 0);
      // `SAFE_EV | (params & ct.CT_PR_PGRPONLY) ? 0 : fatal` is always 0: nothing stays critical.
      expect(handle.get('critical')).toBe(0);
      expect(handle.get('informative')).toBe(
        ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_CORE | ct.CT_PR_EV_SIGNAL | ct.CT_PR_EV_HWERR,
      );
      handle.close();
      // A contract made so hears of its emptiness as an informative event.
      const pbundle = backend.openProcessBundle('process');
      const { pid, ctid } = forkUnder(harness, { fatal: 0 });
      expect(backend.openStatus(ctid).read(ct.CTD_COMMON)).toMatchObject({ critical: 0 });
      sim.world.exit(pid);
      expect(readAll(pbundle)).toMatchObject([{ ctid, type: ct.CT_PR_EV_EMPTY, flags: ct.CTE_INFO }]);
      // With PRIV_CONTRACT_EVENT (secpolicy_contract_event_choice) nothing moves.
      const privileged = await setup({ privileges: ['contract_event'] });
      const kept = privileged.backend.openTemplate('process');
      kept.set('fatal', 0);
      expect(kept.get('critical')).toBe(ct.CT_PR_EV_EMPTY | ct.CT_PR_EV_HWERR);
      kept.close();
    });

    it('item 2: a destroyed contract queue is drained: EAGAIN (never EIDRM) and its listener is not woken (contract_destroy, cte_queue_drain, cte_get_event)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const { pid, ctid } = forkUnder(harness, {});
      const own = backend.openEvents(ctid);
      const seen: RawContractEvent[] = [];
      const failures: unknown[] = [];
      own.listen({ onEvent: (event) => seen.push(event), onError: (error) => failures.push(error) });
      const control = backend.openControl(ctid);
      control.abandon();
      control.close();
      // The last member leaves the orphan: pr_empty (born acknowledged) reaches the queue, and the
      // destruction that follows drains it before anyone could read.
      sim.world.exit(pid);
      expect(backend.openStatus(ctid).read(ct.CTD_COMMON).state).toBe(ct.CTS_DEAD);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
      expect(failures).toEqual([]);
      expect(own.read()).toBeUndefined();
      expect(own.readCritical()).toBeUndefined();
      own.close();
    });

    it('item 3: trimming skips an unacknowledged critical event nobody points at; a reset does not replay what went (cte_trim)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      const pbundle = backend.openProcessBundle('process');
      const a = forkUnder(harness, {});
      sim.world.exit(a.pid);
      const b = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      sim.world.exit(b.pid);
      const read = readAll(pbundle);
      expect(read.map((event) => [event.ctid, event.type])).toEqual([
        [a.ctid, ct.CT_PR_EV_EMPTY],
        [b.ctid, ct.CT_PR_EV_EXIT],
        [b.ctid, ct.CT_PR_EV_EMPTY],
      ]);
      const control = backend.openControl(b.ctid);
      control.ack(read[2]?.evid ?? 0n);
      control.close();
      // The next publish trims: a's unacknowledged pr_empty stays, but is no stopping point, so
      // b's informative pr_exit and acknowledged pr_empty behind it go.
      const c = forkUnder(harness, { informative: ct.CT_PR_EV_FORK, critical: 0 });
      pbundle.reset();
      expect(readAll(pbundle).map((event) => [event.ctid, event.type])).toEqual([
        [a.ctid, ct.CT_PR_EV_EMPTY],
        [c.ctid, ct.CT_PR_EV_FORK],
      ]);
    });

    it('item 4: the pbundle queue exists from contract creation or adoption, not from its first open (contract_type_pbundle)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      // contract_process_create: a critical event published before any open is found by a reset.
      const a = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      sim.world.exit(a.pid);
      const processes = backend.openProcessBundle('process');
      expect(processes.read()).toBeUndefined();
      processes.reset();
      // The informative pr_exit found no listener; the critical pr_empty was queued.
      expect(readAll(processes).map((event) => [event.ctid, event.type])).toEqual([[a.ctid, ct.CT_PR_EV_EMPTY]]);
      // contract_device_create: the same for a device contract's negotiation event.
      sim.world.addDevice('/pci@0/disk@9:a');
      const device = template(backend, { minor: '/pci@0/disk@9:a' }, 'device');
      const deviceCtid = device.create();
      device.close();
      sim.world.setDeviceState('/pci@0/disk@9:a', 'offline');
      const devices = backend.openProcessBundle('device');
      devices.reset();
      expect(readAll(devices)).toMatchObject([{ ctid: deviceCtid, type: ct.CT_DEV_EV_OFFLINE, flags: ct.CTE_NEG }]);
      const control = backend.openControl(deviceCtid);
      control.abandon();
      control.close();
      sim.clock.advance(60_000);
    });

    it('item 4: adopting a contract creates the pbundle queue and copies its critical events there (contract_adopt, cte_copy)', async () => {
      const { backend, sim } = await setup();
      const sibling = sim.world.fork(sim.self.pid, { template: null });
      const worker = sim.world.fork(sibling, { template: { param: ct.CT_PR_INHERIT } });
      const ctid = sim.world.process(worker)?.contract ?? 0;
      sim.world.exit(worker);
      sim.world.exit(sibling);
      const control = backend.openControl(ctid);
      control.adopt();
      control.close();
      const pbundle = backend.openProcessBundle('process');
      pbundle.reset();
      expect(readAll(pbundle)).toMatchObject([{ ctid, type: ct.CT_PR_EV_EMPTY, flags: 0 }]);
    });

    it('item 5: a reliable listener does not shield pbundle entries from the abandon purge, as it does on the type bundle (cte_trim)', async () => {
      const harness = await setup({ privileges: ['contract_event'] });
      const { backend, sim } = harness;
      const pbundle = backend.openProcessBundle('process');
      pbundle.reliable();
      const bundle = backend.openBundle('process');
      bundle.reliable();
      const { pid, ctid } = forkUnder(harness, { informative: ct.CT_PR_EV_EXIT });
      const member = sim.world.fork(pid);
      sim.world.exit(member);
      const control = backend.openControl(ctid);
      control.abandon();
      control.close();
      // contract_abandon trims the owner's pbundle of the contract: no stopper on CTEL_PBUNDLE.
      expect(readAll(pbundle)).toEqual([]);
      // contract_destroy trims the type bundle too, but stops at what a reliable listener points at.
      sim.world.exit(pid);
      expect(readAll(bundle).map((event) => [event.ctid, event.type])).toEqual([
        [ctid, ct.CT_PR_EV_EXIT],
        [ctid, ct.CT_PR_EV_EXIT],
        [ctid, ct.CT_PR_EV_EMPTY],
      ]);
    });

    it('item 6: a device contract has no broken state: after an asynchronous break it keeps publishing (contract_device_publish)', async () => {
      const { backend, sim } = await setup();
      sim.world.addDevice('/pci@0/disk@5:a');
      const pbundle = backend.openProcessBundle('device');
      const handle = template(
        backend,
        { minor: '/pci@0/disk@5:a', aset: ct.CT_DEV_EV_ONLINE, critical: 0, informative: ct.CT_DEV_EV_ONLINE },
        'device',
      );
      const ctid = handle.create();
      handle.close();
      sim.world.setDeviceState('/pci@0/disk@5:a', 'degraded');
      sim.world.setDeviceState('/pci@0/disk@5:a', 'online');
      sim.world.setDeviceState('/pci@0/disk@5:a', 'degraded');
      expect(readAll(pbundle)).toMatchObject([
        { ctid, type: ct.CT_DEV_EV_DEGRADED, flags: 0 },
        { ctid, type: ct.CT_DEV_EV_ONLINE, flags: ct.CTE_INFO },
        { ctid, type: ct.CT_DEV_EV_DEGRADED, flags: 0 },
      ]);
      // And a later synchronous break is negotiated with it.
      expect(sim.world.setDeviceState('/pci@0/disk@5:a', 'offline')).toBe('negotiating');
      expect(readAll(pbundle)).toMatchObject([{ ctid, type: ct.CT_DEV_EV_OFFLINE, flags: ct.CTE_NEG }]);
      sim.clock.advance(60_000);
    });

    it('item 7: a noneg contract among the breaking ones gets nothing; the others negotiate and get NEGEND with their own id; the device stays online (contract_device_publish, wait_for_acks, contract_device_negend)', async () => {
      const { backend, sim } = await setup({ privileges: ['sys_devices'] });
      sim.world.addDevice('/pci@0/disk@6:a');
      const pbundle = backend.openProcessBundle('device');
      const strict = template(backend, { minor: '/pci@0/disk@6:a', noneg: true }, 'device');
      const strictCtid = strict.create();
      strict.close();
      const plain = template(backend, { minor: '/pci@0/disk@6:a' }, 'device');
      const plainCtid = plain.create();
      plain.close();
      expect(sim.world.setDeviceState('/pci@0/disk@6:a', 'offline')).toBe('negotiating');
      const [negotiation, ...rest] = readAll(pbundle);
      expect(negotiation).toMatchObject({ ctid: plainCtid, type: ct.CT_DEV_EV_OFFLINE, flags: ct.CTE_NEG });
      expect(rest).toEqual([]);
      const control = backend.openControl(plainCtid);
      control.ack(negotiation?.evid ?? 0n);
      control.close();
      // The ACK does not outweigh the advance NACK: blocked, NEGEND says so with the contract's id.
      expect(sim.world.deviceState('/pci@0/disk@6:a')).toBe('online');
      expect(readAll(pbundle)).toMatchObject([
        { ctid: plainCtid, type: ct.CT_EV_NEGEND, nevid: negotiation?.evid, newct: plainCtid },
      ]);
      expect(sim.world.contract(strictCtid)?.nevents).toBe(0);
    });

    it('item 8: a subscribed contract the change does not break hears of it once, when negotiation starts, whatever the outcome (contract_device_publish, EVSENDP)', async () => {
      const { backend, sim } = await setup({ privileges: ['sys_devices'] });
      sim.world.addDevice('/pci@0/disk@7:a');
      const pbundle = backend.openProcessBundle('device');
      const breaking = template(backend, { minor: '/pci@0/disk@7:a' }, 'device');
      const breakingCtid = breaking.create();
      breaking.close();
      const watching = template(
        backend,
        {
          minor: '/pci@0/disk@7:a',
          aset: ct.CT_DEV_EV_ONLINE | ct.CT_DEV_EV_OFFLINE,
          critical: 0,
          informative: ct.CT_DEV_EV_OFFLINE,
        },
        'device',
      );
      const watchingCtid = watching.create();
      watching.close();
      const control = backend.openControl(breakingCtid);
      // Blocked: the watcher heard of the attempt anyway, at its start.
      sim.world.setDeviceState('/pci@0/disk@7:a', 'offline');
      const first = readAll(pbundle);
      expect(first).toMatchObject([
        { ctid: breakingCtid, type: ct.CT_DEV_EV_OFFLINE, flags: ct.CTE_NEG },
        { ctid: watchingCtid, type: ct.CT_DEV_EV_OFFLINE, flags: ct.CTE_INFO },
      ]);
      control.nack(first[0]?.evid ?? 0n);
      expect(readAll(pbundle)).toMatchObject([{ ctid: breakingCtid, type: ct.CT_EV_NEGEND, newct: breakingCtid }]);
      // Let through: the watcher hears of it at the start, and not again when it happens.
      sim.world.setDeviceState('/pci@0/disk@7:a', 'offline');
      const second = readAll(pbundle);
      expect(second.map((event) => [event.ctid, event.type])).toEqual([
        [breakingCtid, ct.CT_DEV_EV_OFFLINE],
        [watchingCtid, ct.CT_DEV_EV_OFFLINE],
      ]);
      control.ack(second[0]?.evid ?? 0n);
      expect(sim.world.deviceState('/pci@0/disk@7:a')).toBe('offline');
      expect(readAll(pbundle)).toMatchObject([{ ctid: breakingCtid, type: ct.CT_EV_NEGEND, newct: 0 }]);
      control.close();
    });

    it('item 9: a device outside the A-set is no error at creation or at open (ctmpl_device_create, contract_device_create, contract_device_open)', async () => {
      const { backend, sim } = await setup();
      sim.world.addDevice('/pci@0/disk@8:a', 'degraded');
      const handle = template(backend, { minor: '/pci@0/disk@8:a', aset: ct.CT_DEV_EV_ONLINE }, 'device');
      const ctid = handle.create();
      expect(backend.openStatus(ctid).read(ct.CTD_ALL)).toMatchObject({
        aset: ct.CT_DEV_EV_ONLINE,
        deviceState: ct.CT_DEV_EV_DEGRADED,
      });
      handle.activate();
      const node = backend.openDeviceNode('/pci@0/disk@8:a');
      handle.clear();
      const latest = backend.openLatest('device');
      expect(latest.ctid).toBeGreaterThan(ctid);
      expect(latest.read(ct.CTD_ALL)).toMatchObject({ aset: ct.CT_DEV_EV_ONLINE, minor: '/pci@0/disk@8:a' });
      latest.close();
      node.close();
      handle.close();
    });

    it('item 10: a late NACK acknowledges the event and decrements nevents before failing ETIMEDOUT (contract_ack, contract_device_ack_nack)', async () => {
      const { backend, sim } = await setup({ privileges: ['sys_devices'] });
      sim.world.addDevice('/pci@0/disk@10:a');
      const pbundle = backend.openProcessBundle('device');
      const handle = template(backend, { minor: '/pci@0/disk@10:a' }, 'device');
      const ctid = handle.create();
      handle.close();
      const control = backend.openControl(ctid);
      const status = backend.openStatus(ctid);
      sim.world.setDeviceState('/pci@0/disk@10:a', 'offline');
      const [negotiation] = readAll(pbundle);
      sim.clock.advance(60_000);
      const [negend] = readAll(pbundle);
      expect(negend).toMatchObject({ type: ct.CT_EV_NEGEND, newct: 0 });
      expect(status.read(ct.CTD_COMMON).nevents).toBe(2);
      expectErrno(() => {
        control.nack(negotiation?.evid ?? 0n);
      }, 'ETIMEDOUT');
      expect(status.read(ct.CTD_COMMON).nevents).toBe(1);
      expect(sim.world.contract(ctid)?.unacknowledged).toEqual([negend?.evid]);
      pbundle.reset();
      expect(readAll(pbundle).find((event) => event.evid === negotiation?.evid)?.flags).toBe(ct.CTE_NEG | ct.CTE_ACK);
      control.close();
      status.close();
    });

    it('a minor path is relative to /devices: one that starts with /devices/ is EINVAL, not looked up (ctmpl_device_set, CTDP_MINOR)', async () => {
      const { backend, sim } = await setup();
      sim.world.addDevice('/pci@0/disk@9:a');
      const device = backend.openTemplate('device');
      expectErrno(() => {
        device.set('minor', '/devices/pci@0/disk@9:a');
      }, 'EINVAL');
      // Well formed but naming no device: ERANGE.
      expectErrno(() => {
        device.set('minor', '/pci@0/disk@8:a');
      }, 'ERANGE');
      device.set('minor', '/pci@0/disk@9:a');
      expect(device.get('minor')).toBe('/pci@0/disk@9:a');
      device.close();
    });

    it('item 11: template terms are numbered: a process term on a device template is the device term of the same number, and back (ctfs_tmpl_ioctl, ctmpl_device_set/get, ctmpl_process_set/get)', async () => {
      const { backend } = await setup();
      const device = backend.openTemplate('device');
      // CTPP_PARAMS = CTDP_ACCEPT = 1.
      device.set('param', ct.CT_DEV_EV_ONLINE);
      expect(device.get('aset')).toBe(ct.CT_DEV_EV_ONLINE);
      expect(device.get('param')).toBe(ct.CT_DEV_EV_ONLINE);
      expectErrno(() => {
        device.set('param', ct.CT_DEV_EV_ONLINE | ct.CT_DEV_EV_DEGRADED | ct.CT_DEV_EV_OFFLINE);
      }, 'EINVAL');
      // CTPP_SUBSUME = CTDP_NONEG = 2: 1 sets noneg (PRIV_SYS_DEVICES), 0 clears it.
      expectErrno(() => {
        device.set('transfer', 1);
      }, 'EPERM');
      device.set('transfer', 0);
      expect(device.get('transfer')).toBe(0);
      // Other ids are the other type's business: EINVAL.
      expectErrno(() => {
        device.set('fatal', ct.CT_PR_EV_HWERR);
      }, 'EINVAL');
      expectErrno(() => device.get('fatal'), 'EINVAL');
      expectErrno(() => device.get('svc_aux'), 'EINVAL');
      device.close();
      const process = backend.openTemplate('process');
      process.set('aset', ct.CT_PR_NOORPHAN);
      expect(process.get('param')).toBe(ct.CT_PR_NOORPHAN);
      expect(process.get('aset')).toBe(ct.CT_PR_NOORPHAN);
      // ct_dev_tmpl_set_noneg is a transfer of contract 1, which we do not hold.
      expectErrno(() => {
        process.set('noneg', true);
      }, 'EACCES');
      process.set('noneg', false);
      expect(process.get('transfer')).toBe(0);
      expectErrno(() => process.get('minor'), 'EINVAL');
      expectErrno(() => {
        process.set('minor', '/pci@0/disk@0:a');
      }, 'EINVAL');
      process.close();
      const privileged = await setup({ privileges: ['sys_devices'] });
      const noneg = privileged.backend.openTemplate('device');
      noneg.set('transfer', 1);
      expect(noneg.get('noneg')).toBe(true);
      noneg.close();
    });

    it('item 12: an idle device contract reads ntime and qtime 0, a process contract -1 (contract_device_create, get_time_left)', async () => {
      const harness = await setup();
      const { backend, sim } = harness;
      sim.world.addDevice('/pci@0/disk@11:a');
      const device = template(backend, { minor: '/pci@0/disk@11:a' }, 'device');
      const deviceCtid = device.create();
      device.close();
      expect(backend.openStatus(deviceCtid).read(ct.CTD_COMMON)).toMatchObject({ ntime: 0, qtime: 0, nevid: 0n });
      const { ctid } = forkUnder(harness, {});
      expect(backend.openStatus(ctid).read(ct.CTD_COMMON)).toMatchObject({ ntime: -1, qtime: -1 });
    });

    it('item 12: a device coming back from OFFLINE publishes nothing, subscribed or not (contract_device_publish, is_sync_neg)', async () => {
      const { backend, sim } = await setup();
      sim.world.addDevice('/pci@0/disk@12:a');
      const pbundle = backend.openProcessBundle('device');
      const handle = template(
        backend,
        {
          minor: '/pci@0/disk@12:a',
          aset: ct.CT_DEV_EV_ONLINE | ct.CT_DEV_EV_OFFLINE,
          critical: 0,
          informative: ct.CT_DEV_EV_ONLINE | ct.CT_DEV_EV_OFFLINE,
        },
        'device',
      );
      const ctid = handle.create();
      handle.close();
      expect(sim.world.setDeviceState('/pci@0/disk@12:a', 'offline')).toBe('changed');
      expect(readAll(pbundle)).toMatchObject([{ ctid, type: ct.CT_DEV_EV_OFFLINE, flags: ct.CTE_INFO }]);
      expect(sim.world.setDeviceState('/pci@0/disk@12:a', 'online')).toBe('changed');
      expect(sim.world.deviceState('/pci@0/disk@12:a')).toBe('online');
      expect(readAll(pbundle)).toEqual([]);
    });

    it("item 12: the NOORPHAN kill uses the creator's credentials, not the owner's (contract_process_abandon, contract_process_cankill)", async () => {
      const { backend, sim } = await setup();
      // A sibling of another user creates a NOORPHAN|INHERIT contract and exits: our (REGENT)
      // contract inherits it, we adopt it, then abandon it. We could not signal its member; its
      // creator could, and the kernel asks the creator's credentials.
      const sibling = sim.world.fork(sim.self.pid, { template: null });
      sim.world.setCredentials(sibling, { euid: 4242 });
      const member = sim.world.fork(sibling, { template: { param: ct.CT_PR_INHERIT | ct.CT_PR_NOORPHAN } });
      const ctid = sim.world.process(member)?.contract ?? 0;
      sim.world.exit(sibling);
      const control = backend.openControl(ctid);
      control.adopt();
      expectErrno(() => {
        backend.sigsend(ctid, 15);
      }, 'EPERM');
      control.abandon();
      control.close();
      expect(sim.world.process(member)).toBeUndefined();
    });

    it("item 12: a fatal kill spares the members neither the creator's nor the offender's credentials may signal (contract_process_kill, contract_process_cankill)", async () => {
      const harness = await setup();
      const { sim } = harness;
      const { pid } = forkUnder(harness, { fatal: ct.CT_PR_EV_CORE });
      const stranger = sim.world.fork(pid);
      sim.world.setCredentials(stranger, { euid: 4242 });
      const other = sim.world.fork(pid);
      sim.world.setCredentials(other, { euid: 4242 });
      // A core dump by an offender that may signal only its own user: the stranger survives.
      const offender = sim.world.fork(pid);
      sim.world.kill(offender, 'SIGSEGV', { sender: offender });
      expect(sim.world.process(stranger)).toBeDefined();
      expect(sim.world.process(pid)).toBeUndefined();
      // An offender holding PRIV_PROC_OWNER may signal anyone: its kill reaches the other one.
      const mighty = sim.world.fork(other);
      sim.world.setCredentials(mighty, { euid: 4242, privileges: ['proc_owner'] });
      sim.world.setCredentials(other, { euid: 4343 });
      sim.world.kill(mighty, 'SIGSEGV', { sender: mighty });
      expect(sim.world.process(other)).toBeUndefined();
      expect(sim.world.process(stranger)).toBeUndefined();
    });

    it("fault injection reaches the backend as the injected errno (the simulator's injectFault; no kernel rule)", async () => {
      const { backend, sim } = await setup();
      sim.injectFault({ operation: 'ct_tmpl_activate', errno: 'ENOMEM' });
      const handle = backend.openTemplate('process');
      expectErrno(() => {
        handle.activate();
      }, 'ENOMEM');
      handle.activate();
      handle.clear();
      sim.injectFault({ operation: 'open', errno: 'EMFILE', times: 'always' });
      expectErrno(() => backend.openTemplate('process'), 'EMFILE');
      sim.clearFaults();
      handle.close();
    });
  });
}
