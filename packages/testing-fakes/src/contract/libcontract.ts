import {
  CT_EV_NEGEND,
  CT_PR_EV_CORE,
  CT_PR_EV_EXIT,
  CT_PR_EV_FORK,
  CT_PR_EV_SIGNAL,
  CT_PR_SVC_DEFAULT,
  CTD_ALL,
  CTD_FIXED,
  CTS_INHERITED,
  CTS_OWNED,
  type RawContractEvent,
  type RawContractStatus,
  type SimulatedLibcontract,
  type SimulatedOut,
  type StatusDetail,
} from '@sysbind/contract-interface';
import { Errno } from './errno.ts';
import { snapshotEvent } from './event.ts';
import type { FaultTable } from '../shared/faults.ts';
import type { ContractFaultOperation } from './fault-spec.ts';
import type { ContractEngine } from './engine.ts';
import type { SimLwp, SimProcess } from './model.ts';
import type { EndpointFile, OpenFile, OpenFileTable } from './open-files.ts';
import {
  minorIsWellFormed,
  parameterTooLarge,
  setAset,
  setCritical,
  setFatal,
  setInformative,
  setNoneg,
  setParam,
  setSvcAux,
  setSvcFmri,
  type TemplateState,
} from './template-state.ts';

/** The result of a libcontract function with an out-parameter (the interface's `SimulatedOut`). */
export type Out<T> = SimulatedOut<T>;

/** The success side of {@link Out}. */
export type OutValue<T> = Exclude<SimulatedOut<T>, number>;

/** A status handle (`ct_stathdl_t`) as the simulator hands it out: plain data. */
export type SimStatusHandle = RawContractStatus;
/** An event handle (`ct_evthdl_t`) as the simulator hands it out: plain data. */
export type SimEventHandle = RawContractEvent;

/** Shared state the API functions work on. */
export interface LibcontractContext {
  readonly engine: ContractEngine;
  readonly files: OpenFileTable;
  readonly faults: FaultTable<ContractFaultOperation>;
  /** Told when a process's LWP activates or clears a process template. */
  readonly templateChanged: (pid: number, lwp: number) => void;
}

function ok<T>(value: T): { readonly value: T } {
  return { value };
}

/**
 * libcontract, and the few system calls around it (open, close, sigsend, poll), as seen by one
 * simulated process and LWP. Every function is synchronous and C-shaped: it returns 0 or an errno
 * (`open` returns the fd or the negated errno), handles are plain objects, 64-bit values bigints.
 * This is the surface the native addon's simulator build forwards each real libcontract call to.
 */
export class SimLibcontract implements SimulatedLibcontract {
  private readonly context: LibcontractContext;
  /** The calling process. */
  readonly pid: number;
  /** The calling LWP. */
  readonly lwp: number;

  /**
   * Binds the API to caller `pid`/`lwp` (use ContractSimulator#library rather than this).
   * @internal
   */
  constructor(context: LibcontractContext, pid: number, lwp: number) {
    this.context = context;
    this.pid = pid;
    this.lwp = lwp;
  }

  private get engine(): ContractEngine {
    return this.context.engine;
  }

  private caller(): SimProcess | undefined {
    return this.engine.livingProcess(this.pid);
  }

  private callerLwp(): SimLwp | undefined {
    return this.caller()?.lwps.get(this.lwp);
  }

  private fault(operation: ContractFaultOperation): number {
    return this.context.faults.take(operation, this.pid);
  }

  private file(fd: number): OpenFile | undefined {
    return this.context.files.get(this.pid, fd);
  }

  // ---- system calls ---------------------------------------------------------------------------

  /** open(2) of a ctfs path (or a `/devices` minor node): the fd, or the negated errno. */
  open(path: string, flags: number): number {
    const injected = this.fault('open');
    if (injected !== 0) return -injected;
    const caller = this.caller();
    if (caller === undefined) return -Errno.ESRCH;
    return this.context.files.open(caller, this.lwp, path, flags);
  }

  /** close(2). */
  close(fd: number): number {
    const injected = this.fault('close');
    if (injected !== 0) return injected;
    return this.context.files.close(this.pid, fd);
  }

  /** sigsend(P_CTID, ctid, signal). */
  sigsend(ctid: number, signal: number): number {
    const injected = this.fault('sigsend');
    if (injected !== 0) return injected;
    const caller = this.caller();
    if (caller === undefined) return Errno.ESRCH;
    if (!Number.isInteger(signal) || signal < 0 || signal >= 128) return Errno.EINVAL;
    const contract = this.engine.contracts.get(ctid);
    if (contract?.type !== 'process' || contract.members.size === 0) return Errno.ESRCH;
    const targets = [...contract.members].flatMap((pid) => {
      const member = this.engine.livingProcess(pid);
      return member !== undefined && this.engine.canSignal(caller, member) ? [member] : [];
    });
    if (targets.length === 0) return Errno.EPERM;
    for (const target of targets) this.engine.signal(target, signal, caller);
    return 0;
  }

  /** poll(2) for POLLIN on an event endpoint: 1 if readable, 0 if not, or the negated errno. */
  poll(fd: number): number {
    const file = this.file(fd);
    if (file === undefined) return -Errno.EBADF;
    return file.kind === 'endpoint' && file.listener?.readable === true ? 1 : 0;
  }

  /**
   * Registers the function told each time endpoint `fd` becomes readable (true) or unreadable
   * (false); how an event loop watches the fd. Called synchronously from inside the simulator,
   * so it should only schedule work. Returns 0 or an errno.
   */
  setReadinessListener(fd: number, listener: ((readable: boolean) => void) | undefined): number {
    const file = this.file(fd);
    if (file === undefined) return Errno.EBADF;
    if (file.kind !== 'endpoint') return Errno.EINVAL;
    file.readiness = listener;
    return 0;
  }

  // ---- templates ------------------------------------------------------------------------------

  private template(fd: number, operation: ContractFaultOperation): TemplateState | number {
    const injected = this.fault(operation);
    if (injected !== 0) return injected;
    const file = this.file(fd);
    if (file === undefined) return Errno.EBADF;
    if (file.kind !== 'template') return Errno.EINVAL;
    return file.template;
  }

  private contractEventPrivilege(): { contractEvent: boolean } {
    return { contractEvent: this.caller()?.privileges.has('contract_event') === true };
  }

  /** ct_tmpl_activate. */
  ct_tmpl_activate(fd: number): number {
    const template = this.template(fd, 'ct_tmpl_activate');
    if (typeof template === 'number') return template;
    const lwp = this.callerLwp();
    if (lwp === undefined) return Errno.ESRCH;
    lwp.active[template.type] = { ...template };
    if (template.type === 'process') this.context.templateChanged(this.pid, this.lwp);
    return 0;
  }

  /** ct_tmpl_clear. */
  ct_tmpl_clear(fd: number): number {
    const template = this.template(fd, 'ct_tmpl_clear');
    if (typeof template === 'number') return template;
    const lwp = this.callerLwp();
    if (lwp === undefined) return Errno.ESRCH;
    lwp.active[template.type] = undefined;
    if (template.type === 'process') this.context.templateChanged(this.pid, this.lwp);
    return 0;
  }

  /** ct_tmpl_create: the new contract's id. */
  ct_tmpl_create(fd: number): Out<number> {
    const template = this.template(fd, 'ct_tmpl_create');
    if (typeof template === 'number') return template;
    if (template.type !== 'device' || template.minor === undefined) return Errno.EINVAL;
    const caller = this.caller();
    const lwp = this.callerLwp();
    if (caller === undefined || lwp === undefined) return Errno.ESRCH;
    // ctmpl_device_create fails only when the path no longer resolves (ERANGE): there is no test
    // of the device's state against the A-set.
    const device = this.engine.devices.get(template.minor);
    if (device === undefined) return Errno.ERANGE;
    return ok(this.engine.createDeviceContract(caller, lwp, template, device).id);
  }

  /** ct_tmpl_set_cookie. */
  ct_tmpl_set_cookie(fd: number, cookie: bigint): number {
    const template = this.template(fd, 'ct_tmpl_set_cookie');
    if (typeof template === 'number') return template;
    template.cookie = BigInt.asUintN(64, cookie);
    return 0;
  }

  /** ct_tmpl_get_cookie. */
  ct_tmpl_get_cookie(fd: number): Out<bigint> {
    const template = this.template(fd, 'ct_tmpl_get_cookie');
    return typeof template === 'number' ? template : ok(template.cookie);
  }

  /** ct_tmpl_set_critical. */
  ct_tmpl_set_critical(fd: number, events: number): number {
    const template = this.template(fd, 'ct_tmpl_set_critical');
    if (typeof template === 'number') return template;
    return setCritical(template, events, this.contractEventPrivilege());
  }

  /** ct_tmpl_get_critical. */
  ct_tmpl_get_critical(fd: number): Out<number> {
    const template = this.template(fd, 'ct_tmpl_get_critical');
    return typeof template === 'number' ? template : ok(template.critical);
  }

  /** ct_tmpl_set_informative. */
  ct_tmpl_set_informative(fd: number, events: number): number {
    const template = this.template(fd, 'ct_tmpl_set_informative');
    if (typeof template === 'number') return template;
    return setInformative(template, events);
  }

  /** ct_tmpl_get_informative. */
  ct_tmpl_get_informative(fd: number): Out<number> {
    const template = this.template(fd, 'ct_tmpl_get_informative');
    return typeof template === 'number' ? template : ok(template.informative);
  }

  // The template terms travel as numbered parameters (ct_param_t), and the kernel dispatches on
  // the number alone (ctfs_tmpl_ioctl → ctmpl_set/ctmpl_get → the type's ctop_set/ctop_get).
  // Process and device ids overlap: CTPP_PARAMS = CTDP_ACCEPT = 1 and CTPP_SUBSUME = CTDP_NONEG
  // = 2. So a process-term function on a device template sets the device term of the same
  // number (and the other way round), as on illumos; other ids are EINVAL for the other type.

  private sysDevicesPrivilege(): { sysDevices: boolean } {
    return { sysDevices: this.caller()?.privileges.has('sys_devices') === true };
  }

  /** CTPP_SUBSUME on a process template (ctmpl_process_set): ESRCH, EACCES, ENOTEMPTY. */
  private setTransfer(template: TemplateState, ctid: number): number {
    if (ctid !== 0) {
      const contract = this.engine.contracts.get(ctid);
      if (contract?.type !== 'process') return Errno.ESRCH;
      if (contract.state !== CTS_OWNED || contract.ownerPid !== this.pid) return Errno.EACCES;
      if (contract.members.size > 0) return Errno.ENOTEMPTY;
    }
    template.transfer = ctid;
    return 0;
  }

  /** ct_pr_tmpl_set_transfer (id 2: on a device template, CTDP_NONEG). */
  ct_pr_tmpl_set_transfer(fd: number, ctid: number): number {
    const template = this.template(fd, 'ct_pr_tmpl_set_transfer');
    if (typeof template === 'number') return template;
    if (template.type === 'device') return setNoneg(template, ctid, this.sysDevicesPrivilege());
    return this.setTransfer(template, ctid);
  }

  /** ct_pr_tmpl_get_transfer (id 2: on a device template, the noneg term). */
  ct_pr_tmpl_get_transfer(fd: number): Out<number> {
    const template = this.template(fd, 'ct_pr_tmpl_get_transfer');
    if (typeof template === 'number') return template;
    return ok(template.type === 'process' ? template.transfer : template.noneg ? 1 : 0);
  }

  /** ct_pr_tmpl_set_fatal. */
  ct_pr_tmpl_set_fatal(fd: number, events: number): number {
    const template = this.template(fd, 'ct_pr_tmpl_set_fatal');
    if (typeof template === 'number') return template;
    return setFatal(template, events, this.contractEventPrivilege());
  }

  /** ct_pr_tmpl_get_fatal. */
  ct_pr_tmpl_get_fatal(fd: number): Out<number> {
    const template = this.template(fd, 'ct_pr_tmpl_get_fatal');
    if (typeof template === 'number') return template;
    return template.type === 'process' ? ok(template.fatal) : Errno.EINVAL;
  }

  /** ct_pr_tmpl_set_param (id 1: on a device template, the A-set). */
  ct_pr_tmpl_set_param(fd: number, params: number): number {
    const template = this.template(fd, 'ct_pr_tmpl_set_param');
    if (typeof template === 'number') return template;
    if (template.type === 'device') return setAset(template, params);
    return setParam(template, params, this.contractEventPrivilege());
  }

  /** ct_pr_tmpl_get_param (id 1: on a device template, the A-set). */
  ct_pr_tmpl_get_param(fd: number): Out<number> {
    const template = this.template(fd, 'ct_pr_tmpl_get_param');
    if (typeof template === 'number') return template;
    return ok(template.type === 'process' ? template.param : template.aset);
  }

  /** ct_pr_tmpl_set_svc_fmri (needs PRIV_CONTRACT_IDENTITY). */
  ct_pr_tmpl_set_svc_fmri(fd: number, fmri: string): number {
    const template = this.template(fd, 'ct_pr_tmpl_set_svc_fmri');
    if (typeof template === 'number') return template;
    // ctfs_tmpl_ioctl copies the parameter in (ctparam_copyin: size) before ctmpl_process_set
    // asks for PRIV_CONTRACT_IDENTITY: an oversized FMRI is EINVAL even without the privilege.
    if (template.type !== 'process' || parameterTooLarge(fmri)) return Errno.EINVAL;
    if (this.caller()?.privileges.has('contract_identity') !== true) return Errno.EPERM;
    return setSvcFmri(template, fmri);
  }

  /** ct_pr_tmpl_get_svc_fmri (the C function returns strlen+1; the shim computes it). */
  ct_pr_tmpl_get_svc_fmri(fd: number): Out<string> {
    const template = this.template(fd, 'ct_pr_tmpl_get_svc_fmri');
    if (typeof template === 'number') return template;
    return template.type === 'process' ? ok(template.svcFmri ?? CT_PR_SVC_DEFAULT) : Errno.EINVAL;
  }

  /** ct_pr_tmpl_set_svc_aux. */
  ct_pr_tmpl_set_svc_aux(fd: number, aux: string): number {
    const template = this.template(fd, 'ct_pr_tmpl_set_svc_aux');
    if (typeof template === 'number') return template;
    return setSvcAux(template, aux);
  }

  /** ct_pr_tmpl_get_svc_aux. */
  ct_pr_tmpl_get_svc_aux(fd: number): Out<string> {
    const template = this.template(fd, 'ct_pr_tmpl_get_svc_aux');
    if (typeof template === 'number') return template;
    return template.type === 'process' ? ok(template.svcAux) : Errno.EINVAL;
  }

  /** ct_dev_tmpl_set_aset (id 1: on a process template, the parameter set). */
  ct_dev_tmpl_set_aset(fd: number, aset: number): number {
    const template = this.template(fd, 'ct_dev_tmpl_set_aset');
    if (typeof template === 'number') return template;
    if (template.type === 'process') return setParam(template, aset, this.contractEventPrivilege());
    return setAset(template, aset);
  }

  /** ct_dev_tmpl_get_aset (id 1: on a process template, the parameter set). */
  ct_dev_tmpl_get_aset(fd: number): Out<number> {
    const template = this.template(fd, 'ct_dev_tmpl_get_aset');
    if (typeof template === 'number') return template;
    return ok(template.type === 'device' ? template.aset : template.param);
  }

  /** ct_dev_tmpl_set_minor: EINVAL for a malformed path, ERANGE if it names no device. */
  ct_dev_tmpl_set_minor(fd: number, minor: string): number {
    const template = this.template(fd, 'ct_dev_tmpl_set_minor');
    if (typeof template === 'number') return template;
    if (template.type !== 'device' || !minorIsWellFormed(minor)) return Errno.EINVAL;
    if (!this.engine.devices.has(minor)) return Errno.ERANGE;
    template.minor = minor;
    return 0;
  }

  /** ct_dev_tmpl_get_minor (ENOENT if unset; EOVERFLOW handling is the C shim's). */
  ct_dev_tmpl_get_minor(fd: number): Out<string> {
    const template = this.template(fd, 'ct_dev_tmpl_get_minor');
    if (typeof template === 'number') return template;
    if (template.type !== 'device') return Errno.EINVAL;
    return template.minor === undefined ? Errno.ENOENT : ok(template.minor);
  }

  /**
   * ct_dev_tmpl_set_noneg: CTDP_NONEG_SET, needs PRIV_SYS_DEVICES (id 2: on a process template,
   * a transfer of contract 1).
   */
  ct_dev_tmpl_set_noneg(fd: number): number {
    const template = this.template(fd, 'ct_dev_tmpl_set_noneg');
    if (typeof template === 'number') return template;
    if (template.type === 'process') return this.setTransfer(template, 1);
    return setNoneg(template, 1, this.sysDevicesPrivilege());
  }

  /** ct_dev_tmpl_clear_noneg: CTDP_NONEG_CLEAR (id 2: on a process template, no transfer). */
  ct_dev_tmpl_clear_noneg(fd: number): number {
    const template = this.template(fd, 'ct_dev_tmpl_clear_noneg');
    if (typeof template === 'number') return template;
    if (template.type === 'process') return this.setTransfer(template, 0);
    return setNoneg(template, 0, this.sysDevicesPrivilege());
  }

  /** ct_dev_tmpl_get_noneg: 1 or 0 (id 2: on a process template, the transfer term). */
  ct_dev_tmpl_get_noneg(fd: number): Out<number> {
    const template = this.template(fd, 'ct_dev_tmpl_get_noneg');
    if (typeof template === 'number') return template;
    return ok(template.type === 'device' ? (template.noneg ? 1 : 0) : template.transfer);
  }

  // ---- control --------------------------------------------------------------------------------

  private control(fd: number, operation: ContractFaultOperation): Extract<OpenFile, { kind: 'ctl' }> | number {
    const injected = this.fault(operation);
    if (injected !== 0) return injected;
    const file = this.file(fd);
    if (file === undefined) return Errno.EBADF;
    return file.kind === 'ctl' ? file : Errno.EINVAL;
  }

  /** ct_ctl_adopt. */
  ct_ctl_adopt(fd: number): number {
    const file = this.control(fd, 'ct_ctl_adopt');
    if (typeof file === 'number') return file;
    const caller = this.caller();
    if (caller === undefined) return Errno.ESRCH;
    return this.engine.adopt(caller, file.contract);
  }

  /** ct_ctl_abandon (EINVAL unless the caller owns the contract). */
  ct_ctl_abandon(fd: number): number {
    const file = this.control(fd, 'ct_ctl_abandon');
    if (typeof file === 'number') return file;
    const contract = file.contract;
    if (contract.state !== CTS_OWNED || contract.ownerPid !== this.pid) return Errno.EINVAL;
    this.engine.abandon(contract);
    return 0;
  }

  /** ct_ctl_ack. */
  ct_ctl_ack(fd: number, evid: bigint): number {
    const file = this.control(fd, 'ct_ctl_ack');
    if (typeof file === 'number') return file;
    const event = file.contract.unacked.get(evid);
    if (event === undefined) return Errno.ESRCH;
    this.engine.acknowledge(file.contract, event);
    if (event.negotiation && !event.negotiationEnded) this.engine.answerNegotiation(file.contract, 'ack');
    return 0;
  }

  /**
   * ct_ctl_nack (negotiation events only; EPERM without PRIV_SYS_DEVICES). A NACK that comes after
   * the negotiation ended still acknowledges the event (contract_ack marks it and decrements
   * nevents before contract_device_ack_nack finds the negotiation over) and then fails ETIMEDOUT.
   */
  ct_ctl_nack(fd: number, evid: bigint): number {
    const file = this.control(fd, 'ct_ctl_nack');
    if (typeof file === 'number') return file;
    const event = file.contract.unacked.get(evid);
    if (event?.negotiation !== true) return Errno.ESRCH;
    if (event.negotiationEnded) {
      this.engine.acknowledge(file.contract, event);
      return Errno.ETIMEDOUT;
    }
    if (this.caller()?.privileges.has('sys_devices') !== true) return Errno.EPERM;
    this.engine.acknowledge(file.contract, event);
    this.engine.answerNegotiation(file.contract, 'nack');
    return 0;
  }

  /** ct_ctl_qack (process: ESRCH; device: ERANGE, no more time is ever granted). */
  ct_ctl_qack(fd: number, evid: bigint): number {
    const file = this.control(fd, 'ct_ctl_qack');
    if (typeof file === 'number') return file;
    const event = file.contract.unacked.get(evid);
    if (event?.negotiation !== true) return Errno.ESRCH;
    return Errno.ERANGE;
  }

  /**
   * ct_ctl_newct (process: accepted; device: ENOTSUP). libcontract passes the template fd as the
   * ioctl argument, but ctfs_ctl_ioctl calls contract_newct(ct) without it: the fd is never
   * looked at, whatever it is.
   */
  ct_ctl_newct(fd: number, _evid: bigint, _templateFd: number): number {
    const file = this.control(fd, 'ct_ctl_newct');
    if (typeof file === 'number') return file;
    return file.contract.type === 'process' ? 0 : Errno.ENOTSUP;
  }

  // ---- status ---------------------------------------------------------------------------------

  /** ct_status_read: a status handle, or the errno. */
  ct_status_read(fd: number, detail: number): SimStatusHandle | number {
    const injected = this.fault('ct_status_read');
    if (injected !== 0) return injected;
    const file = this.file(fd);
    if (file === undefined) return Errno.EBADF;
    if (file.kind !== 'status' || !Number.isInteger(detail) || detail < 0 || detail > CTD_ALL) return Errno.EINVAL;
    const contract = file.contract;
    const engine = this.engine;
    const base = {
      ctid: contract.id,
      zoneid: 0,
      type: contract.type,
      state: contract.state,
      holder: contract.state === CTS_OWNED ? contract.ownerPid : contract.state === CTS_INHERITED ? contract.regent : 0,
      nevents: contract.unacked.size,
      ntime: engine.negotiationSecondsLeft(contract),
      qtime: engine.negotiationSecondsLeft(contract),
      nevid: contract.negotiation?.evid ?? 0n,
      cookie: contract.cookie,
      informative: contract.informative,
      critical: contract.critical,
      detail: detail as StatusDetail,
    };
    if (detail < CTD_FIXED) return base;
    if (contract.type === 'process') {
      const fixed = {
        ...base,
        param: contract.param,
        fatal: contract.fatal,
        svcFmri: contract.svcFmri,
        svcCtid: contract.svcCtid,
      };
      if (detail < CTD_ALL) return fixed;
      return {
        ...fixed,
        members: [...contract.members],
        contracts: [...contract.inherited],
        svcAux: contract.svcAux,
        svcCreator: contract.svcCreator,
      };
    }
    const state = engine.devices.get(contract.minor)?.state ?? 0;
    const fixed = { ...base, deviceState: state, aset: contract.aset, noneg: contract.noneg };
    return detail < CTD_ALL ? fixed : { ...fixed, minor: contract.minor };
  }

  /** ct_status_free (handles are garbage collected). */
  ct_status_free(_handle: SimStatusHandle): void {
    // Nothing to free: the handle is plain data.
  }

  /** ct_status_get_id. */
  ct_status_get_id(handle: SimStatusHandle): number {
    return handle.ctid;
  }
  /** ct_status_get_zoneid. */
  ct_status_get_zoneid(handle: SimStatusHandle): number {
    return handle.zoneid;
  }
  /** ct_status_get_type. */
  ct_status_get_type(handle: SimStatusHandle): string {
    return handle.type;
  }
  /** ct_status_get_holder. */
  ct_status_get_holder(handle: SimStatusHandle): number {
    return handle.holder;
  }
  /** ct_status_get_state. */
  ct_status_get_state(handle: SimStatusHandle): number {
    return handle.state;
  }
  /** ct_status_get_nevents. */
  ct_status_get_nevents(handle: SimStatusHandle): number {
    return handle.nevents;
  }
  /** ct_status_get_ntime. */
  ct_status_get_ntime(handle: SimStatusHandle): number {
    return handle.ntime;
  }
  /** ct_status_get_qtime. */
  ct_status_get_qtime(handle: SimStatusHandle): number {
    return handle.qtime;
  }
  /** ct_status_get_nevid. */
  ct_status_get_nevid(handle: SimStatusHandle): bigint {
    return handle.nevid;
  }
  /** ct_status_get_cookie. */
  ct_status_get_cookie(handle: SimStatusHandle): bigint {
    return handle.cookie;
  }
  /** ct_status_get_informative. */
  ct_status_get_informative(handle: SimStatusHandle): number {
    return handle.informative;
  }
  /** ct_status_get_critical. */
  ct_status_get_critical(handle: SimStatusHandle): number {
    return handle.critical;
  }

  private typed<T>(handle: SimStatusHandle, type: 'process' | 'device', value: T | undefined): Out<T> {
    if (handle.type !== type) return Errno.EINVAL;
    return value === undefined ? Errno.ENOENT : ok(value);
  }

  /** ct_pr_status_get_param. */
  ct_pr_status_get_param(handle: SimStatusHandle): Out<number> {
    return this.typed(handle, 'process', handle.param);
  }
  /** ct_pr_status_get_fatal. */
  ct_pr_status_get_fatal(handle: SimStatusHandle): Out<number> {
    return this.typed(handle, 'process', handle.fatal);
  }
  /** ct_pr_status_get_members. */
  ct_pr_status_get_members(handle: SimStatusHandle): Out<readonly number[]> {
    return this.typed(handle, 'process', handle.members);
  }
  /** ct_pr_status_get_contracts. */
  ct_pr_status_get_contracts(handle: SimStatusHandle): Out<readonly number[]> {
    return this.typed(handle, 'process', handle.contracts);
  }
  /** ct_pr_status_get_svc_fmri. */
  ct_pr_status_get_svc_fmri(handle: SimStatusHandle): Out<string> {
    return this.typed(handle, 'process', handle.svcFmri);
  }
  /** ct_pr_status_get_svc_ctid. */
  ct_pr_status_get_svc_ctid(handle: SimStatusHandle): Out<number> {
    return this.typed(handle, 'process', handle.svcCtid);
  }
  /** ct_pr_status_get_svc_aux. */
  ct_pr_status_get_svc_aux(handle: SimStatusHandle): Out<string> {
    return this.typed(handle, 'process', handle.svcAux);
  }
  /** ct_pr_status_get_svc_creator. */
  ct_pr_status_get_svc_creator(handle: SimStatusHandle): Out<string> {
    return this.typed(handle, 'process', handle.svcCreator);
  }
  /** ct_dev_status_get_dev_state. */
  ct_dev_status_get_dev_state(handle: SimStatusHandle): Out<number> {
    return this.typed(handle, 'device', handle.deviceState);
  }
  /** ct_dev_status_get_aset. */
  ct_dev_status_get_aset(handle: SimStatusHandle): Out<number> {
    return this.typed(handle, 'device', handle.aset);
  }
  /** ct_dev_status_get_noneg: 1 or 0. */
  ct_dev_status_get_noneg(handle: SimStatusHandle): Out<number> {
    return this.typed(handle, 'device', handle.noneg === undefined ? undefined : handle.noneg ? 1 : 0);
  }
  /** ct_dev_status_get_minor. */
  ct_dev_status_get_minor(handle: SimStatusHandle): Out<string> {
    return this.typed(handle, 'device', handle.minor);
  }

  // ---- events ---------------------------------------------------------------------------------

  private endpoint(fd: number, operation: ContractFaultOperation): EndpointFile | number {
    const injected = this.fault(operation);
    if (injected !== 0) return injected;
    const file = this.file(fd);
    if (file === undefined) return Errno.EBADF;
    return file.kind === 'endpoint' ? file : Errno.EINVAL;
  }

  private readEvent(fd: number, operation: ContractFaultOperation, criticalOnly: boolean): SimEventHandle | number {
    const file = this.endpoint(fd, operation);
    if (typeof file === 'number') return file;
    const listener = file.listener;
    if (listener === undefined) return Errno.EBADF;
    const event = file.queue.read(listener, criticalOnly);
    if (event !== undefined) return snapshotEvent(event);
    // cte_get_event tests non-blocking before the dead queue: an O_NONBLOCK endpoint reads EAGAIN
    // even from a destroyed contract's queue, never EIDRM. A blocking read of a dead queue fails
    // EIDRM; of a live one it would sleep, which the simulator cannot, so it answers EAGAIN.
    if (file.nonblocking) return Errno.EAGAIN;
    return file.queue.dead ? Errno.EIDRM : Errno.EAGAIN;
  }

  /** ct_event_read: an event handle, or the errno (EAGAIN when nothing is pending). */
  ct_event_read(fd: number): SimEventHandle | number {
    return this.readEvent(fd, 'ct_event_read', false);
  }

  /** ct_event_read_critical: skips informative and acknowledged events. */
  ct_event_read_critical(fd: number): SimEventHandle | number {
    return this.readEvent(fd, 'ct_event_read_critical', true);
  }

  /** ct_event_reset. */
  ct_event_reset(fd: number): number {
    const file = this.endpoint(fd, 'ct_event_reset');
    if (typeof file === 'number') return file;
    if (file.listener !== undefined) file.queue.reset(file.listener);
    return 0;
  }

  /** ct_event_reliable (needs PRIV_CONTRACT_EVENT). */
  ct_event_reliable(fd: number): number {
    const file = this.endpoint(fd, 'ct_event_reliable');
    if (typeof file === 'number') return file;
    if (this.caller()?.privileges.has('contract_event') !== true) return Errno.EPERM;
    if (file.listener !== undefined) file.listener.reliable = true;
    return 0;
  }

  /** ct_event_free (handles are garbage collected). */
  ct_event_free(_handle: SimEventHandle): void {
    // Nothing to free: the handle is plain data.
  }

  /** ct_event_get_flags. */
  ct_event_get_flags(handle: SimEventHandle): number {
    return handle.flags;
  }
  /** ct_event_get_ctid. */
  ct_event_get_ctid(handle: SimEventHandle): number {
    return handle.ctid;
  }
  /** ct_event_get_evid. */
  ct_event_get_evid(handle: SimEventHandle): bigint {
    return handle.evid;
  }
  /** ct_event_get_type. */
  ct_event_get_type(handle: SimEventHandle): number {
    return handle.type;
  }
  /** ct_event_get_nevid (NEGEND only). */
  ct_event_get_nevid(handle: SimEventHandle): Out<bigint> {
    return handle.type === CT_EV_NEGEND && handle.nevid !== undefined ? ok(handle.nevid) : Errno.EINVAL;
  }
  /** ct_event_get_newct (NEGEND only). */
  ct_event_get_newct(handle: SimEventHandle): Out<number> {
    return handle.type === CT_EV_NEGEND && handle.newct !== undefined ? ok(handle.newct) : Errno.EINVAL;
  }

  private processDatum<T>(handle: SimEventHandle, types: number | 'any', value: T | undefined): Out<T> {
    if (handle.contractType !== 'process' || handle.type === CT_EV_NEGEND) return Errno.EINVAL;
    if (types !== 'any' && (handle.type & types) === 0) return Errno.EINVAL;
    return value === undefined ? Errno.ENOENT : ok(value);
  }

  /** ct_pr_event_get_pid. */
  ct_pr_event_get_pid(handle: SimEventHandle): Out<number> {
    return this.processDatum(handle, 'any', handle.pid);
  }
  /** ct_pr_event_get_ppid (FORK). */
  ct_pr_event_get_ppid(handle: SimEventHandle): Out<number> {
    return this.processDatum(handle, CT_PR_EV_FORK, handle.ppid);
  }
  /** ct_pr_event_get_exitstatus (EXIT). */
  ct_pr_event_get_exitstatus(handle: SimEventHandle): Out<number> {
    return this.processDatum(handle, CT_PR_EV_EXIT, handle.exitStatus);
  }
  /** ct_pr_event_get_signal (SIGNAL). */
  ct_pr_event_get_signal(handle: SimEventHandle): Out<number> {
    return this.processDatum(handle, CT_PR_EV_SIGNAL, handle.signal);
  }
  /** ct_pr_event_get_sender (SIGNAL; ENOENT if unknown). */
  ct_pr_event_get_sender(handle: SimEventHandle): Out<number> {
    return this.processDatum(handle, CT_PR_EV_SIGNAL, handle.sender);
  }
  /** ct_pr_event_get_senderct (SIGNAL; ENOENT if unknown). */
  ct_pr_event_get_senderct(handle: SimEventHandle): Out<number> {
    return this.processDatum(handle, CT_PR_EV_SIGNAL, handle.senderCtid);
  }
  /** ct_pr_event_get_pcorefile (CORE). */
  ct_pr_event_get_pcorefile(handle: SimEventHandle): Out<string> {
    return this.processDatum(handle, CT_PR_EV_CORE, handle.pcorefile);
  }
  /** ct_pr_event_get_gcorefile (CORE). */
  ct_pr_event_get_gcorefile(handle: SimEventHandle): Out<string> {
    return this.processDatum(handle, CT_PR_EV_CORE, handle.gcorefile);
  }
  /** ct_pr_event_get_zcorefile (CORE). */
  ct_pr_event_get_zcorefile(handle: SimEventHandle): Out<string> {
    return this.processDatum(handle, CT_PR_EV_CORE, handle.zcorefile);
  }
}
