import { describe, expect, it } from 'vitest';
import {
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  CTD_ALL,
  CTD_COMMON,
  CTD_FIXED,
  CTFS_ROOT,
} from '@sysbind/contract-interface';
import { constants } from 'node:os';
import { createContractSimulator, OpenFlags } from '../src/index.ts';

const E = constants.errno;
const { O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK } = OpenFlags;

function valueOf<T>(result: number | { readonly value: T }): T {
  if (typeof result === 'number') throw new Error(`errno ${result}`);
  return result.value;
}

describe('contract simulator: the libcontract-level API', () => {
  it('open modes are checked exactly, with the path errors of ctfs (the ctfs_*_open and lookup entry points; contract(5))', () => {
    const sim = createContractSimulator();
    const lc = sim.library();
    expect(lc.open(`${CTFS_ROOT}/process/template`, O_RDONLY)).toBe(-E.EINVAL);
    expect(lc.open(`${CTFS_ROOT}/process/template`, O_RDWR | O_NONBLOCK)).toBe(-E.EINVAL);
    expect(lc.open(`${CTFS_ROOT}/process/template`, O_RDWR | OpenFlags.O_CLOEXEC)).toBeGreaterThan(2);
    expect(lc.open(`${CTFS_ROOT}/process/latest`, O_RDONLY)).toBe(-E.ESRCH);
    expect(lc.open(`${CTFS_ROOT}/process/pbundle`, O_RDWR)).toBe(-E.EINVAL);
    expect(lc.open(`${CTFS_ROOT}/process/pbundle`, O_RDONLY | O_NONBLOCK)).toBeGreaterThan(2);
    expect(lc.open(`${CTFS_ROOT}/socket/template`, O_RDWR)).toBe(-E.ENOENT);
    expect(lc.open(`${CTFS_ROOT}/process/999/status`, O_RDONLY)).toBe(-E.ENOENT);
    expect(lc.open(`${CTFS_ROOT}/device/1/status`, O_RDONLY)).toBe(-E.ENOENT); // ctid 1 is a process contract
    expect(lc.open(`${CTFS_ROOT}/all/1/ctl`, O_RDWR)).toBe(-E.EINVAL);
    expect(lc.open(`${CTFS_ROOT}/all/1/ctl`, O_WRONLY)).toBe(-E.EACCES);
    expect(lc.open('/etc/passwd', O_RDONLY)).toBe(-E.ENOENT);
    // ioctls on a contract directory fail EINVAL (the original module's adopt/observe bug).
    const directory = lc.open(`${CTFS_ROOT}/all/1`, O_RDONLY);
    expect(directory).toBeGreaterThan(2);
    expect(lc.ct_status_read(directory, CTD_COMMON)).toBe(E.EINVAL);
    expect(lc.ct_event_read(directory)).toBe(E.EINVAL);
    expect(lc.ct_tmpl_activate(directory)).toBe(E.EINVAL);
    expect(lc.close(directory)).toBe(0);
    expect(lc.close(directory)).toBe(E.EBADF);
  });

  it('status handles and getters follow the detail levels (ENOENT below, EINVAL for the other type) (ct_status_read(3CONTRACT), ct_pr_status(3CONTRACT))', () => {
    const sim = createContractSimulator();
    const lc = sim.library();
    const status = lc.open(`${CTFS_ROOT}/all/2/status`, O_RDONLY);
    const common = lc.ct_status_read(status, CTD_COMMON);
    if (typeof common === 'number') throw new Error('read failed');
    expect(lc.ct_status_get_id(common)).toBe(2);
    expect(lc.ct_status_get_type(common)).toBe('process');
    expect(lc.ct_pr_status_get_param(common)).toBe(E.ENOENT);
    expect(lc.ct_dev_status_get_aset(common)).toBe(E.EINVAL);
    const fixed = lc.ct_status_read(status, CTD_FIXED);
    if (typeof fixed === 'number') throw new Error('read failed');
    expect(valueOf(lc.ct_pr_status_get_param(fixed))).toBe(0x9);
    expect(lc.ct_pr_status_get_members(fixed)).toBe(E.ENOENT);
    const all = lc.ct_status_read(status, CTD_ALL);
    if (typeof all === 'number') throw new Error('read failed');
    expect(valueOf(lc.ct_pr_status_get_members(all))).toEqual([sim.self.pid]);
    expect(valueOf(lc.ct_pr_status_get_svc_creator(all))).toBe('init');
    expect(lc.ct_status_read(status, 3)).toBe(E.EINVAL);
  });

  it('event getters: EINVAL for data of other event types, ENOENT when absent (ct_event_read(3CONTRACT), ct_pr_event(3CONTRACT))', () => {
    const sim = createContractSimulator({ privileges: ['contract_event'] });
    const lc = sim.library();
    const template = lc.open(`${CTFS_ROOT}/process/template`, O_RDWR);
    expect(lc.ct_tmpl_set_informative(template, CT_PR_EV_FORK | CT_PR_EV_EXIT)).toBe(0);
    expect(lc.ct_tmpl_set_critical(template, CT_PR_EV_EMPTY)).toBe(0);
    expect(lc.ct_tmpl_activate(template)).toBe(0);
    const pbundle = lc.open(`${CTFS_ROOT}/process/pbundle`, O_RDONLY | O_NONBLOCK);
    const readiness: boolean[] = [];
    expect(lc.setReadinessListener(pbundle, (readable) => readiness.push(readable))).toBe(0);
    const child = sim.world.fork(sim.self.pid);
    expect(readiness).toEqual([true]);
    expect(lc.poll(pbundle)).toBe(1);
    const fork = lc.ct_event_read(pbundle);
    if (typeof fork === 'number') throw new Error('read failed');
    expect(readiness).toEqual([true, false]);
    expect(valueOf(lc.ct_pr_event_get_ppid(fork))).toBe(sim.self.pid);
    expect(lc.ct_pr_event_get_exitstatus(fork)).toBe(E.EINVAL);
    expect(lc.ct_event_get_nevid(fork)).toBe(E.EINVAL);
    sim.world.kill(child, 'SIGTERM');
    const exit = lc.ct_event_read(pbundle);
    if (typeof exit === 'number') throw new Error('read failed');
    expect(valueOf(lc.ct_pr_event_get_exitstatus(exit))).toBe(15);
    expect(lc.ct_pr_event_get_signal(exit)).toBe(E.EINVAL);
    expect(lc.ct_event_read(pbundle)).toMatchObject({ type: CT_PR_EV_EMPTY });
    expect(lc.ct_event_read(pbundle)).toBe(E.EAGAIN);
    expect(lc.ct_event_reliable(pbundle)).toBe(0);
  });

  it('fault injection: next-call and every-call faults, cleared on demand', () => {
    const sim = createContractSimulator();
    const lc = sim.library();
    sim.injectFault({ operation: 'open', errno: 'EMFILE', times: 2 });
    expect(lc.open(`${CTFS_ROOT}/process/template`, O_RDWR)).toBe(-E.EMFILE);
    expect(lc.open(`${CTFS_ROOT}/process/template`, O_RDWR)).toBe(-E.EMFILE);
    const fd = lc.open(`${CTFS_ROOT}/process/template`, O_RDWR);
    expect(fd).toBeGreaterThan(2);
    const disarm = sim.injectFault({ operation: 'ct_tmpl_set_cookie', errno: E.EIO, times: 'always' });
    expect(lc.ct_tmpl_set_cookie(fd, 1n)).toBe(E.EIO);
    expect(lc.ct_tmpl_set_cookie(fd, 1n)).toBe(E.EIO);
    disarm();
    expect(lc.ct_tmpl_set_cookie(fd, 1n)).toBe(0);
    expect(() => {
      sim.injectFault({ operation: 'open', errno: 'ENOTANERRNO' as 'EIO' });
    }).toThrow(RangeError);
  });

  it('simulators are independent: ids, processes and templates are per instance', () => {
    const first = createContractSimulator();
    const second = createContractSimulator();
    const child = first.world.fork(first.self.pid, { template: {} });
    expect(first.world.process(child)).toBeDefined();
    expect(second.world.process(child)).toBeUndefined();
    expect(second.world.ctids()).toEqual([1, 2]);
    expect(first.world.ctids()).toEqual([1, 2, 3]);
  });

  it('exec clears templates and latest except a KEEP_EXEC process template; new LWPs copy templates, not latest', () => {
    const sim = createContractSimulator();
    const lc = sim.library();
    const template = lc.open(`${CTFS_ROOT}/process/template`, O_RDWR);
    expect(lc.ct_tmpl_activate(template)).toBe(0);
    sim.world.fork(sim.self.pid);
    const lwp = sim.world.createLwp(sim.self.pid);
    const other = sim.library(sim.self.pid, lwp);
    expect(other.open(`${CTFS_ROOT}/process/latest`, O_RDONLY)).toBe(-E.ESRCH);
    sim.world.fork(sim.self.pid, { lwp });
    expect(other.open(`${CTFS_ROOT}/process/latest`, O_RDONLY)).toBeGreaterThan(2);
    const worker = sim.world.fork(sim.self.pid, { template: null });
    const workerApi = sim.library(worker);
    const keep = workerApi.open(`${CTFS_ROOT}/process/template`, O_RDWR);
    expect(workerApi.ct_pr_tmpl_set_param(keep, 0x10)).toBe(0);
    expect(workerApi.ct_tmpl_activate(keep)).toBe(0);
    sim.world.exec(worker, 'daemon');
    const grandchild = sim.world.fork(worker);
    const ctid = sim.world.process(grandchild)?.contract ?? 0;
    expect(sim.world.contract(ctid)).toMatchObject({ state: 2, ownerPid: 0 }); // KEEP_EXEC: abandoned at once
  });

  it('item 2: on a destroyed contract queue a blocking read fails EIDRM, a non-blocking one EAGAIN, and poll is not readable (cte_get_event, cte_queue_drain)', () => {
    const sim = createContractSimulator();
    const lc = sim.library();
    const child = sim.world.fork(sim.self.pid, { template: {} });
    const ctid = sim.world.process(child)?.contract ?? 0;
    const blocking = lc.open(`${CTFS_ROOT}/all/${String(ctid)}/events`, O_RDONLY);
    const nonblocking = lc.open(`${CTFS_ROOT}/all/${String(ctid)}/events`, O_RDONLY | O_NONBLOCK);
    const readiness: boolean[] = [];
    expect(lc.setReadinessListener(nonblocking, (readable) => readiness.push(readable))).toBe(0);
    const ctl = lc.open(`${CTFS_ROOT}/all/${String(ctid)}/ctl`, O_WRONLY);
    expect(lc.ct_ctl_abandon(ctl)).toBe(0);
    sim.world.exit(child);
    expect(sim.world.contract(ctid)?.state).toBe(3); // CTS_DEAD, still referenced by the fds
    // pr_empty reached the queue (readable), then the drain took it (unreadable): no wakeup after.
    expect(readiness).toEqual([true, false]);
    expect(lc.poll(nonblocking)).toBe(0);
    expect(lc.ct_event_read(nonblocking)).toBe(E.EAGAIN);
    expect(lc.ct_event_read_critical(nonblocking)).toBe(E.EAGAIN);
    expect(lc.ct_event_read(blocking)).toBe(E.EIDRM);
    expect(lc.ct_event_reset(blocking)).toBe(0);
    expect(lc.ct_event_read(blocking)).toBe(E.EIDRM);
  });

  it('item 12: ct_ctl_newct never looks at the template fd (ctfs_ctl_ioctl → contract_newct)', () => {
    const sim = createContractSimulator();
    const lc = sim.library();
    const child = sim.world.fork(sim.self.pid, { template: {} });
    const ctid = sim.world.process(child)?.contract ?? 0;
    const ctl = lc.open(`${CTFS_ROOT}/all/${String(ctid)}/ctl`, O_WRONLY);
    const status = lc.open(`${CTFS_ROOT}/all/${String(ctid)}/status`, O_RDONLY);
    expect(lc.ct_ctl_newct(ctl, 1n, -1)).toBe(0);
    expect(lc.ct_ctl_newct(ctl, 1n, status)).toBe(0);
    expect(lc.ct_ctl_newct(ctl, 1n, 9999)).toBe(0);
    sim.world.addDevice('/pci@0/disk@0:a');
    const template = lc.open(`${CTFS_ROOT}/device/template`, O_RDWR);
    expect(lc.ct_dev_tmpl_set_minor(template, '/pci@0/disk@0:a')).toBe(0);
    const created = lc.ct_tmpl_create(template);
    const deviceCtl = lc.open(`${CTFS_ROOT}/all/${String(valueOf(created))}/ctl`, O_WRONLY);
    expect(lc.ct_ctl_newct(deviceCtl, 1n, -1)).toBe(E.ENOTSUP);
    expect(lc.ct_ctl_newct(deviceCtl, 1n, template)).toBe(E.ENOTSUP);
  });

  it('item 11: the C-level template functions cross types by parameter number (ctmpl_process_set/get, ctmpl_device_set/get)', () => {
    const sim = createContractSimulator({ privileges: ['sys_devices'] });
    const lc = sim.library();
    const device = lc.open(`${CTFS_ROOT}/device/template`, O_RDWR);
    expect(lc.ct_pr_tmpl_set_transfer(device, 2)).toBe(E.EINVAL); // CTDP_NONEG takes 0 or 1 only
    expect(lc.ct_pr_tmpl_set_transfer(device, 1)).toBe(0);
    expect(valueOf(lc.ct_dev_tmpl_get_noneg(device))).toBe(1);
    expect(lc.ct_pr_tmpl_set_svc_fmri(device, 'svc:/x:default')).toBe(E.EINVAL);
    expect(lc.ct_pr_tmpl_get_svc_fmri(device)).toBe(E.EINVAL);
    const process = lc.open(`${CTFS_ROOT}/process/template`, O_RDWR);
    expect(lc.ct_dev_tmpl_set_aset(process, 0x40)).toBe(E.EINVAL); // beyond CT_PR_ALLPARAM
    // A transfer of contract 1, which is sched's, not ours: EACCES.
    expect(lc.ct_dev_tmpl_set_noneg(process)).toBe(E.EACCES);
    expect(valueOf(lc.ct_dev_tmpl_get_noneg(process))).toBe(0);
    expect(lc.ct_dev_tmpl_set_minor(process, '/pci@0/disk@0:a')).toBe(E.EINVAL);
  });
});
