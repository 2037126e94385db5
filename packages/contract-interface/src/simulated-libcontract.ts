// The libcontract-level API of a contract simulator, as the sim flavor's shim calls it. Declared
// here structurally (SimLibcontract of @sysbind/testing-fakes has this shape) because
// contract-native must not depend on testing-fakes, which depends on it.
import type { RawContractEvent, RawContractStatus } from './backend.ts';

/** The result of a function with an out-parameter: an errno (never 0), or `{ value }`. */
export type SimulatedOut<T> = number | { readonly value: T };

/**
 * libcontract and the system calls around it (open, close, sigsend, poll) as one simulated
 * process and LWP makes them. Every function is synchronous and C-shaped: 0 or an errno, `open`
 * the fd or the negated errno; status and event handles are plain data.
 */
export interface SimulatedLibcontract {
  /** open(2) of a ctfs or `/devices` path: the simulator's fd, or the negated errno. */
  open(path: string, flags: number): number;
  /** close(2). */
  close(fd: number): number;
  /** sigsend(P_CTID, ctid, signal). */
  sigsend(ctid: number, signal: number): number;
  /** poll(2) for POLLIN: 1 readable, 0 not, or the negated errno. */
  poll(fd: number): number;
  /** Registers the function told each time endpoint `fd` becomes readable or unreadable. */
  setReadinessListener(fd: number, listener: ((readable: boolean) => void) | undefined): number;

  /** `ct_tmpl_activate`. */
  ct_tmpl_activate(fd: number): number;
  /** `ct_tmpl_clear`. */
  ct_tmpl_clear(fd: number): number;
  /** `ct_tmpl_create`. */
  ct_tmpl_create(fd: number): SimulatedOut<number>;
  /** `ct_tmpl_set_cookie`. */
  ct_tmpl_set_cookie(fd: number, cookie: bigint): number;
  /** `ct_tmpl_get_cookie`. */
  ct_tmpl_get_cookie(fd: number): SimulatedOut<bigint>;
  /** `ct_tmpl_set_critical`. */
  ct_tmpl_set_critical(fd: number, events: number): number;
  /** `ct_tmpl_get_critical`. */
  ct_tmpl_get_critical(fd: number): SimulatedOut<number>;
  /** `ct_tmpl_set_informative`. */
  ct_tmpl_set_informative(fd: number, events: number): number;
  /** `ct_tmpl_get_informative`. */
  ct_tmpl_get_informative(fd: number): SimulatedOut<number>;
  /** `ct_pr_tmpl_set_transfer`. */
  ct_pr_tmpl_set_transfer(fd: number, ctid: number): number;
  /** `ct_pr_tmpl_get_transfer`. */
  ct_pr_tmpl_get_transfer(fd: number): SimulatedOut<number>;
  /** `ct_pr_tmpl_set_fatal`. */
  ct_pr_tmpl_set_fatal(fd: number, events: number): number;
  /** `ct_pr_tmpl_get_fatal`. */
  ct_pr_tmpl_get_fatal(fd: number): SimulatedOut<number>;
  /** `ct_pr_tmpl_set_param`. */
  ct_pr_tmpl_set_param(fd: number, params: number): number;
  /** `ct_pr_tmpl_get_param`. */
  ct_pr_tmpl_get_param(fd: number): SimulatedOut<number>;
  /** `ct_pr_tmpl_set_svc_fmri`. */
  ct_pr_tmpl_set_svc_fmri(fd: number, fmri: string): number;
  /** `ct_pr_tmpl_get_svc_fmri` (the shim computes the C size convention). */
  ct_pr_tmpl_get_svc_fmri(fd: number): SimulatedOut<string>;
  /** `ct_pr_tmpl_set_svc_aux`. */
  ct_pr_tmpl_set_svc_aux(fd: number, aux: string): number;
  /** `ct_pr_tmpl_get_svc_aux`. */
  ct_pr_tmpl_get_svc_aux(fd: number): SimulatedOut<string>;
  /** `ct_dev_tmpl_set_aset`. */
  ct_dev_tmpl_set_aset(fd: number, aset: number): number;
  /** `ct_dev_tmpl_get_aset`. */
  ct_dev_tmpl_get_aset(fd: number): SimulatedOut<number>;
  /** `ct_dev_tmpl_set_minor`. */
  ct_dev_tmpl_set_minor(fd: number, minor: string): number;
  /** `ct_dev_tmpl_get_minor` (the shim handles EOVERFLOW). */
  ct_dev_tmpl_get_minor(fd: number): SimulatedOut<string>;
  /** `ct_dev_tmpl_set_noneg`. */
  ct_dev_tmpl_set_noneg(fd: number): number;
  /** `ct_dev_tmpl_clear_noneg`. */
  ct_dev_tmpl_clear_noneg(fd: number): number;
  /** `ct_dev_tmpl_get_noneg`: 1 or 0. */
  ct_dev_tmpl_get_noneg(fd: number): SimulatedOut<number>;

  /** `ct_ctl_adopt`. */
  ct_ctl_adopt(fd: number): number;
  /** `ct_ctl_abandon`. */
  ct_ctl_abandon(fd: number): number;
  /** `ct_ctl_ack`. */
  ct_ctl_ack(fd: number, evid: bigint): number;
  /** `ct_ctl_nack`. */
  ct_ctl_nack(fd: number, evid: bigint): number;
  /** `ct_ctl_qack`. */
  ct_ctl_qack(fd: number, evid: bigint): number;
  /** `ct_ctl_newct`. */
  ct_ctl_newct(fd: number, evid: bigint, templateFd: number): number;

  /** `ct_status_read`: a status handle, or the errno. */
  ct_status_read(fd: number, detail: number): RawContractStatus | number;
  /** `ct_status_free`. */
  ct_status_free(handle: RawContractStatus): void;
  /** `ct_status_get_id`. */
  ct_status_get_id(handle: RawContractStatus): number;
  /** `ct_status_get_zoneid`. */
  ct_status_get_zoneid(handle: RawContractStatus): number;
  /** `ct_status_get_type`. */
  ct_status_get_type(handle: RawContractStatus): string;
  /** `ct_status_get_holder`. */
  ct_status_get_holder(handle: RawContractStatus): number;
  /** `ct_status_get_state`. */
  ct_status_get_state(handle: RawContractStatus): number;
  /** `ct_status_get_nevents`. */
  ct_status_get_nevents(handle: RawContractStatus): number;
  /** `ct_status_get_ntime`. */
  ct_status_get_ntime(handle: RawContractStatus): number;
  /** `ct_status_get_qtime`. */
  ct_status_get_qtime(handle: RawContractStatus): number;
  /** `ct_status_get_nevid`. */
  ct_status_get_nevid(handle: RawContractStatus): bigint;
  /** `ct_status_get_cookie`. */
  ct_status_get_cookie(handle: RawContractStatus): bigint;
  /** `ct_status_get_informative`. */
  ct_status_get_informative(handle: RawContractStatus): number;
  /** `ct_status_get_critical`. */
  ct_status_get_critical(handle: RawContractStatus): number;
  /** `ct_pr_status_get_param`. */
  ct_pr_status_get_param(handle: RawContractStatus): SimulatedOut<number>;
  /** `ct_pr_status_get_fatal`. */
  ct_pr_status_get_fatal(handle: RawContractStatus): SimulatedOut<number>;
  /** `ct_pr_status_get_members`. */
  ct_pr_status_get_members(handle: RawContractStatus): SimulatedOut<readonly number[]>;
  /** `ct_pr_status_get_contracts`. */
  ct_pr_status_get_contracts(handle: RawContractStatus): SimulatedOut<readonly number[]>;
  /** `ct_pr_status_get_svc_fmri`. */
  ct_pr_status_get_svc_fmri(handle: RawContractStatus): SimulatedOut<string>;
  /** `ct_pr_status_get_svc_ctid`. */
  ct_pr_status_get_svc_ctid(handle: RawContractStatus): SimulatedOut<number>;
  /** `ct_pr_status_get_svc_aux`. */
  ct_pr_status_get_svc_aux(handle: RawContractStatus): SimulatedOut<string>;
  /** `ct_pr_status_get_svc_creator`. */
  ct_pr_status_get_svc_creator(handle: RawContractStatus): SimulatedOut<string>;
  /** `ct_dev_status_get_dev_state`. */
  ct_dev_status_get_dev_state(handle: RawContractStatus): SimulatedOut<number>;
  /** `ct_dev_status_get_aset`. */
  ct_dev_status_get_aset(handle: RawContractStatus): SimulatedOut<number>;
  /** `ct_dev_status_get_noneg`: 1 or 0. */
  ct_dev_status_get_noneg(handle: RawContractStatus): SimulatedOut<number>;
  /** `ct_dev_status_get_minor`. */
  ct_dev_status_get_minor(handle: RawContractStatus): SimulatedOut<string>;

  /** `ct_event_read`: an event handle, or the errno (EAGAIN when nothing is pending). */
  ct_event_read(fd: number): RawContractEvent | number;
  /** `ct_event_read_critical`. */
  ct_event_read_critical(fd: number): RawContractEvent | number;
  /** `ct_event_reset`. */
  ct_event_reset(fd: number): number;
  /** `ct_event_reliable`. */
  ct_event_reliable(fd: number): number;
  /** `ct_event_free`. */
  ct_event_free(handle: RawContractEvent): void;
  /** `ct_event_get_flags`. */
  ct_event_get_flags(handle: RawContractEvent): number;
  /** `ct_event_get_ctid`. */
  ct_event_get_ctid(handle: RawContractEvent): number;
  /** `ct_event_get_evid`. */
  ct_event_get_evid(handle: RawContractEvent): bigint;
  /** `ct_event_get_type`. */
  ct_event_get_type(handle: RawContractEvent): number;
  /** `ct_event_get_nevid`. */
  ct_event_get_nevid(handle: RawContractEvent): SimulatedOut<bigint>;
  /** `ct_event_get_newct`. */
  ct_event_get_newct(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_pid`. */
  ct_pr_event_get_pid(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_ppid`. */
  ct_pr_event_get_ppid(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_exitstatus`. */
  ct_pr_event_get_exitstatus(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_signal`. */
  ct_pr_event_get_signal(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_sender`. */
  ct_pr_event_get_sender(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_senderct`. */
  ct_pr_event_get_senderct(handle: RawContractEvent): SimulatedOut<number>;
  /** `ct_pr_event_get_pcorefile`. */
  ct_pr_event_get_pcorefile(handle: RawContractEvent): SimulatedOut<string>;
  /** `ct_pr_event_get_gcorefile`. */
  ct_pr_event_get_gcorefile(handle: RawContractEvent): SimulatedOut<string>;
  /** `ct_pr_event_get_zcorefile`. */
  ct_pr_event_get_zcorefile(handle: RawContractEvent): SimulatedOut<string>;
}

/** What createSimulatedNativeBackend needs of a simulator (ContractSimulator has this shape). */
export interface SimulatorForNativeBackend {
  /** The simulated process standing for this Node process. */
  readonly self: { readonly pid: number };
  /** libcontract as process `pid` calls it from LWP `lwp`. */
  library(pid?: number, lwp?: number): SimulatedLibcontract;
}
