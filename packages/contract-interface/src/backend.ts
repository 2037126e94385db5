// The backend interface: the one seam between the @sysbind/contract facade and whatever implements
// contract(5) underneath (the native addon over libcontract, or the simulator of
// @sysbind/testing-fakes). It mirrors libcontract one-to-one so that a C++ addon can implement it
// directly; orchestration (routing bundle events to contracts, buffering, iterators) belongs to the
// facade, not here.
import type { ContractType } from './constants.ts';

/**
 * Terms of a template, by the name of their libcontract setter/getter (`ct_tmpl_set_cookie` →
 * `cookie`, `ct_pr_tmpl_set_fatal` → `fatal`, `ct_dev_tmpl_set_aset` → `aset`, …), with the value
 * type each takes. Event sets, parameter sets and A-sets are bit masks (see constants.ts).
 */
export interface TemplateTermValues {
  /** `ct_tmpl_set_cookie`: opaque 64-bit value copied into the contract's status. */
  cookie: bigint;
  /** `ct_tmpl_set_critical`: critical event set. */
  critical: number;
  /** `ct_tmpl_set_informative`: informative event set. */
  informative: number;
  /**
   * `ct_pr_tmpl_set_transfer`: an empty regent contract of the caller's to subsume (its inherited
   * contracts move to the new one); 0 for none.
   */
  transfer: number;
  /** `ct_pr_tmpl_set_fatal`: fatal event set (CORE, SIGNAL, HWERR only). */
  fatal: number;
  /** `ct_pr_tmpl_set_param`: CT_PR_* parameter bits. */
  param: number;
  /** `ct_pr_tmpl_set_svc_fmri`: service FMRI (`'inherit:'` resets). */
  svc_fmri: string;
  /** `ct_pr_tmpl_set_svc_aux`: creator's auxiliary string. */
  svc_aux: string;
  /** `ct_dev_tmpl_set_aset`: acceptable device states (CT_DEV_EV_* bits). */
  aset: number;
  /** `ct_dev_tmpl_set_minor`: devfs path of the minor node (without `/devices`); needed to create a contract. */
  minor: string;
  /**
   * `ct_dev_tmpl_set_noneg` / `ct_dev_tmpl_clear_noneg`: refuse every negotiated break (setting it
   * needs PRIV_SYS_DEVICES).
   */
  noneg: boolean;
}

/** The name of a template term. */
export type TemplateTerm = keyof TemplateTermValues;

/** Terms every contract type has. */
export const COMMON_TEMPLATE_TERMS = ['cookie', 'critical', 'informative'] as const satisfies readonly TemplateTerm[];
/** Terms only process templates have. */
export const PROCESS_TEMPLATE_TERMS = [
  'transfer',
  'fatal',
  'param',
  'svc_fmri',
  'svc_aux',
] as const satisfies readonly TemplateTerm[];
/** Terms only device templates have. */
export const DEVICE_TEMPLATE_TERMS = ['aset', 'minor', 'noneg'] as const satisfies readonly TemplateTerm[];

/**
 * An open `<type>/template` file (opened O_RDWR, close-on-exec): a private template initialised to
 * the type's defaults.
 *
 * Behavioural contract: every method is synchronous and throws a ContractError carrying the errno
 * libcontract returned (`code` such as `'EPERM'`, `syscall` such as `'ct_tmpl_set_critical'`).
 * Setting a term of the other type fails with EINVAL, as the kernel does. After `close()` every
 * method throws ContractError `EBADF`; `close()` itself is idempotent.
 */
export interface ContractTemplateHandle {
  /** The template's contract type. */
  readonly type: ContractType;
  /** Sets one term (`ct_tmpl_set_*`, `ct_pr_tmpl_set_*`, `ct_dev_tmpl_set_*`). */
  set<Term extends TemplateTerm>(term: Term, value: TemplateTermValues[Term]): void;
  /** Reads one term back (`ct_*_get_*`); an unset minor fails with ENOENT. */
  get<Term extends TemplateTerm>(term: Term): TemplateTermValues[Term];
  /** `ct_tmpl_activate`: copies the template into the calling LWP's active template of its type. */
  activate(): void;
  /** `ct_tmpl_clear`: clears the calling LWP's active template of this type. */
  clear(): void;
  /** `ct_tmpl_create`: creates a contract directly (device only; process → EINVAL); returns its id. */
  create(): number;
  /**
   * `ct_tmpl_create` off the JS thread: creating a device contract waits for a negotiation under
   * way on its device (ct_barrier_acquire), up to CT_DEV_ACKTIME (60 s). Resolves to the id.
   */
  createAsync(): Promise<number>;
  /** Closes the template fd. */
  close(): void;
}

/** Status detail levels (CTD_COMMON, CTD_FIXED, CTD_ALL). */
export type StatusDetail = 0 | 1 | 2;

/**
 * A status read with `ct_status_read`, as plain data. Common fields are always present; type
 * fields are present when the detail level fetched them (process: `param`, `fatal`, `svcFmri`,
 * `svcCtid` at FIXED; `members`, `contracts`, `svcAux`, `svcCreator` at ALL. Device: `deviceState`,
 * `aset`, `noneg` at FIXED; `minor` at ALL).
 */
export interface RawContractStatus {
  /** `ct_status_get_id`: the contract id. */
  readonly ctid: number;
  /** `ct_status_get_zoneid`: zone of the creator (-1 if gone). */
  readonly zoneid: number;
  /** `ct_status_get_type`. */
  readonly type: ContractType;
  /** `ct_status_get_state`: a CTS_* value. */
  readonly state: number;
  /** `ct_status_get_holder`: owner pid (OWNED), regent ctid (INHERITED), else 0. */
  readonly holder: number;
  /** `ct_status_get_nevents`: unacknowledged critical events. */
  readonly nevents: number;
  /** `ct_status_get_ntime`: seconds left in the negotiation, -1 if none. */
  readonly ntime: number;
  /** `ct_status_get_qtime`: seconds left in the negotiation quantum, -1 if none. */
  readonly qtime: number;
  /** `ct_status_get_nevid`: id of the ongoing negotiation event, 0n if none. */
  readonly nevid: bigint;
  /** `ct_status_get_cookie`: the cookie term. */
  readonly cookie: bigint;
  /** `ct_status_get_informative`. */
  readonly informative: number;
  /** `ct_status_get_critical`. */
  readonly critical: number;
  /** The detail level this status was read at. */
  readonly detail: StatusDetail;
  /** `ct_pr_status_get_param` (FIXED). */
  readonly param?: number;
  /** `ct_pr_status_get_fatal` (FIXED). */
  readonly fatal?: number;
  /** `ct_pr_status_get_svc_fmri` (FIXED). */
  readonly svcFmri?: string;
  /** `ct_pr_status_get_svc_ctid` (FIXED). */
  readonly svcCtid?: number;
  /** `ct_pr_status_get_members` (ALL). */
  readonly members?: readonly number[];
  /** `ct_pr_status_get_contracts` (ALL): contracts this regent has inherited. */
  readonly contracts?: readonly number[];
  /** `ct_pr_status_get_svc_aux` (ALL). */
  readonly svcAux?: string;
  /** `ct_pr_status_get_svc_creator` (ALL). */
  readonly svcCreator?: string;
  /** `ct_dev_status_get_dev_state` (FIXED): a CT_DEV_EV_* bit. */
  readonly deviceState?: number;
  /** `ct_dev_status_get_aset` (FIXED). */
  readonly aset?: number;
  /** `ct_dev_status_get_noneg` (FIXED). */
  readonly noneg?: boolean;
  /** `ct_dev_status_get_minor` (ALL). */
  readonly minor?: string;
}

/**
 * An event read with `ct_event_read`, as plain data. Payload fields are present exactly when the
 * corresponding libcontract getter succeeds for this event.
 */
export interface RawContractEvent {
  /** `ct_event_get_ctid`. */
  readonly ctid: number;
  /** `ct_event_get_evid`. */
  readonly evid: bigint;
  /** `ct_event_get_type`: one event bit, or 0 (CT_EV_NEGEND). */
  readonly type: number;
  /** `ct_event_get_flags`: CTE_* bits as they were when the event was read. */
  readonly flags: number;
  /** Type of the contract that generated the event. */
  readonly contractType: ContractType;
  /** `ct_event_get_nevid` (NEGEND). */
  readonly nevid?: bigint;
  /** `ct_event_get_newct` (NEGEND). */
  readonly newct?: number;
  /** `ct_pr_event_get_pid`. */
  readonly pid?: number;
  /** `ct_pr_event_get_ppid` (FORK). */
  readonly ppid?: number;
  /** `ct_pr_event_get_exitstatus` (EXIT): a wait(2)-style status. */
  readonly exitStatus?: number;
  /** `ct_pr_event_get_signal` (SIGNAL). */
  readonly signal?: number;
  /** `ct_pr_event_get_sender` (SIGNAL, when known). */
  readonly sender?: number;
  /** `ct_pr_event_get_senderct` (SIGNAL, when known). */
  readonly senderCtid?: number;
  /** `ct_pr_event_get_pcorefile` (CORE, when written). */
  readonly pcorefile?: string;
  /** `ct_pr_event_get_gcorefile` (CORE, when written). */
  readonly gcorefile?: string;
  /** `ct_pr_event_get_zcorefile` (CORE, when written). */
  readonly zcorefile?: string;
}

/** Receives the events of an endpoint, and any failure to read them. */
export interface ContractEventListener {
  /** Called once per event, in queue order. */
  readonly onEvent: (event: RawContractEvent) => void;
  /** Called if reading fails with anything but EAGAIN; the endpoint stops delivering. */
  readonly onError: (error: Error) => void;
}

/** Which ctfs file an endpoint was opened on. */
export type EventEndpointKind = 'events' | 'bundle' | 'pbundle';

/**
 * An open event endpoint (`<id>/events`, `<type>/bundle` or `<type>/pbundle`, O_RDONLY|O_NONBLOCK,
 * close-on-exec): one listener with its own cursor, starting at the tail of the queue.
 *
 * Behavioural contract:
 * - `read()`/`readCritical()` are synchronous non-blocking reads; they return `undefined` on EAGAIN
 *   and throw a ContractError for anything else.
 * - Once `listen()` was called, the endpoint watches its fd and, each time it becomes readable,
 *   drains it (reads until EAGAIN) and calls `onEvent` per event. Delivery is always asynchronous:
 *   never from inside a call into the backend. `listen(undefined)` stops watching.
 * - A watching endpoint keeps the event loop alive only while ref'd. Endpoints start unref'd.
 * - After `close()` nothing is delivered, not even events already read from the fd; `close()` is
 *   idempotent and every other method then throws ContractError `EBADF`.
 */
export interface ContractEventEndpoint {
  /** The ctfs file this endpoint was opened on. */
  readonly kind: EventEndpointKind;
  /** The contract type of the events. */
  readonly type: ContractType;
  /** The contract, for `events` endpoints. */
  readonly ctid: number | undefined;
  /** `ct_event_read`: the next event under the cursor, or undefined (EAGAIN). */
  read(): RawContractEvent | undefined;
  /** `ct_event_read_critical`: the next unacknowledged critical event, or undefined (EAGAIN). */
  readCritical(): RawContractEvent | undefined;
  /** `ct_event_reset`: moves the cursor to the head of the queue. */
  reset(): void;
  /** `ct_event_reliable`: asks that no event be dropped before this listener passes it (EPERM without privilege). */
  reliable(): void;
  /** Starts (or, with undefined, stops) asynchronous delivery. */
  listen(listener: ContractEventListener | undefined): void;
  /** Lets the watch keep the event loop alive. */
  ref(): void;
  /** Stops the watch from keeping the event loop alive. */
  unref(): void;
  /** Closes the endpoint fd. */
  close(): void;
}

/**
 * An open status file (`<type>/<id>/status` or `<type>/latest`, O_RDONLY). Holding it keeps a
 * dead contract readable, as an open fd does in ctfs.
 */
export interface ContractStatusHandle {
  /** The contract this status file belongs to. */
  readonly ctid: number;
  /** The contract's type. */
  readonly type: ContractType;
  /** `ct_status_read` at `detail`. */
  read(detail: StatusDetail): RawContractStatus;
  /** Closes the fd; idempotent. */
  close(): void;
}

/**
 * An open control file (`<type>/<id>/ctl`, exactly O_WRONLY, close-on-exec). Opening fails with
 * EACCES unless the caller owns the contract or it is inherited by the caller's process contract.
 * Every method throws a ContractError with the errno libcontract returned.
 */
export interface ContractControlHandle {
  /** The contract this control file belongs to. */
  readonly ctid: number;
  /** The contract's type. */
  readonly type: ContractType;
  /** `ct_ctl_adopt`. */
  adopt(): void;
  /** `ct_ctl_abandon`. */
  abandon(): void;
  /**
   * `ct_ctl_abandon` off the JS thread: abandoning a device contract waits for a negotiation
   * under way (ct_barrier_wait_for_release), up to CT_DEV_ACKTIME (60 s). A `close()` meanwhile
   * takes effect when the call ends.
   */
  abandonAsync(): Promise<void>;
  /** `ct_ctl_ack`. */
  ack(evid: bigint): void;
  /** `ct_ctl_nack`. */
  nack(evid: bigint): void;
  /** `ct_ctl_qack`. */
  qack(evid: bigint): void;
  /** `ct_ctl_newct`: asks for a replacement contract with `template`'s terms. */
  newct(evid: bigint, template: ContractTemplateHandle): void;
  /** Closes the fd; idempotent. */
  close(): void;
}

/** Options of {@link ContractBackend.openDeviceNodeAsync}. */
export interface DeviceOpenOptions {
  /** The device template to create a contract under. */
  readonly template?: ContractTemplateHandle;
  /** Open with O_NDELAY (do not wait for the device, e.g. for carrier on a serial line). */
  readonly ndelay?: boolean;
  /** Open with O_NOCTTY (a terminal device does not become the controlling terminal). */
  readonly noctty?: boolean;
}

/** What {@link ContractBackend.openDeviceNodeAsync} resolves to. */
export interface OpenedDeviceNode {
  /** The open node. */
  readonly node: DeviceNodeHandle;
  /** The device contract the open created under the template, if one was given and it did. */
  readonly ctid: number | undefined;
}

/** An open device minor node (the `open(2)` that creates a device contract under a template). */
export interface DeviceNodeHandle {
  /** devfs path of the node, without `/devices`. */
  readonly path: string;
  /** Closes the node; idempotent. */
  close(): void;
}

/**
 * What the `@sysbind/contract` facade needs from an implementation of contract(5). Every call acts
 * as the calling process and, for templates and latest, its calling LWP (the JS main thread);
 * everything is synchronous, as libcontract is, so that activate → spawn → latest → clear can run
 * without yielding. Real children forked while a process template is active become members of
new contracts, as on illumos (a simulated backend documents how it follows them). Failures are thrown as ContractError with the errno, `syscall` and `ctid` or
 * `path` concerned. 64-bit values are bigints.
 */
export interface ContractBackend {
  /** A short name for diagnostics (`'native'`, `'simulator'`). */
  readonly name: string;
  /** The pid this backend acts as. */
  readonly pid: number;
  /** Opens `<type>/template` O_RDWR. */
  openTemplate(type: ContractType): ContractTemplateHandle;
  /** Opens `<type>/latest`: the status of the last contract the calling LWP created (ESRCH if none). */
  openLatest(type: ContractType): ContractStatusHandle;
  /** Opens `all/<ctid>/status` (ENOENT if there is no such visible contract). */
  openStatus(ctid: number): ContractStatusHandle;
  /** Opens `<type>/<ctid>/ctl` O_WRONLY. */
  openControl(ctid: number): ContractControlHandle;
  /** Opens `all/<ctid>/events` (EACCES unless same euid as owner/author or observer privilege). */
  openEvents(ctid: number): ContractEventEndpoint;
  /** Opens `<type>/bundle`. */
  openBundle(type: ContractType): ContractEventEndpoint;
  /** Opens `<type>/pbundle` (creates the process's bundle queue if needed). */
  openProcessBundle(type: ContractType): ContractEventEndpoint;
  /** Opens a device minor node (creating a device contract if a device template is active). */
  openDeviceNode(path: string): DeviceNodeHandle;
  /**
   * Opens a device minor node off the JS thread (the open waits for a negotiation under way on
   * the device, up to CT_DEV_ACKTIME), O_RDONLY plus the flags asked for. With a `template`, the
   * template is activated on the thread that opens (templates and latest are per LWP), so the
   * open creates a device contract, whose id is read from that thread's latest; the template is
   * cleared before the promise settles.
   */
  openDeviceNodeAsync(path: string, options?: DeviceOpenOptions): Promise<OpenedDeviceNode>;
  /** `sigsend(P_CTID, ctid, signal)`. */
  sigsend(ctid: number, signal: number): void;
  /** Optional: releases everything the backend holds (open handles, watches). */
  close?(): void;
}
