// The surface of the compiled addon (native/binding), as TypeScript sees it. The binding mirrors
// libcontract one function per method; handles that already have the shape of the backend
// interface (status files, event endpoints, device nodes) are handed out as they are.
import type { ContractAddonBase } from './addon.ts';
import type { ContractType } from '@sysbind/contract-interface';
import type { ContractEventEndpoint, ContractStatusHandle, DeviceNodeHandle } from '@sysbind/contract-interface';

/** An open `<type>/template` fd: one method per libcontract template function. */
export interface NativeTemplate {
  /** The template's contract type. */
  readonly type: ContractType;
  /** `ct_tmpl_set_cookie`. */
  setCookie(cookie: bigint): void;
  /** `ct_tmpl_get_cookie`. */
  getCookie(): bigint;
  /** `ct_tmpl_set_critical`. */
  setCritical(events: number): void;
  /** `ct_tmpl_get_critical`. */
  getCritical(): number;
  /** `ct_tmpl_set_informative`. */
  setInformative(events: number): void;
  /** `ct_tmpl_get_informative`. */
  getInformative(): number;
  /** `ct_pr_tmpl_set_transfer`. */
  setTransfer(ctid: number): void;
  /** `ct_pr_tmpl_get_transfer`. */
  getTransfer(): number;
  /** `ct_pr_tmpl_set_fatal`. */
  setFatal(events: number): void;
  /** `ct_pr_tmpl_get_fatal`. */
  getFatal(): number;
  /** `ct_pr_tmpl_set_param`. */
  setParam(params: number): void;
  /** `ct_pr_tmpl_get_param`. */
  getParam(): number;
  /** `ct_pr_tmpl_set_svc_fmri`. */
  setSvcFmri(fmri: string): void;
  /** `ct_pr_tmpl_get_svc_fmri`. */
  getSvcFmri(): string;
  /** `ct_pr_tmpl_set_svc_aux`. */
  setSvcAux(aux: string): void;
  /** `ct_pr_tmpl_get_svc_aux`. */
  getSvcAux(): string;
  /** `ct_dev_tmpl_set_aset`. */
  setAset(aset: number): void;
  /** `ct_dev_tmpl_get_aset`. */
  getAset(): number;
  /** `ct_dev_tmpl_set_minor`. */
  setMinor(minor: string): void;
  /** `ct_dev_tmpl_get_minor`. */
  getMinor(): string;
  /** `ct_dev_tmpl_set_noneg`. */
  setNoneg(): void;
  /** `ct_dev_tmpl_clear_noneg`. */
  clearNoneg(): void;
  /** `ct_dev_tmpl_get_noneg`: 1 or 0. */
  getNoneg(): number;
  /** `ct_tmpl_activate`. */
  activate(): void;
  /** `ct_tmpl_clear`. */
  clear(): void;
  /** `ct_tmpl_create`. */
  create(): number;
  /** `ct_tmpl_create` on a thread-pool thread (the sim flavor: later, on the JS thread). */
  createAsync(): Promise<number>;
  /** Closes the fd; idempotent. */
  close(): void;
}

/** An open `<type>/<ctid>/ctl` fd: the ct_ctl_* functions. */
export interface NativeControl {
  /** The contract. */
  readonly ctid: number;
  /** Its type. */
  readonly type: ContractType;
  /** `ct_ctl_adopt`. */
  adopt(): void;
  /** `ct_ctl_abandon`. */
  abandon(): void;
  /** `ct_ctl_abandon` on a thread-pool thread (the sim flavor: later, on the JS thread). */
  abandonAsync(): Promise<void>;
  /** `ct_ctl_ack`. */
  ack(evid: bigint): void;
  /** `ct_ctl_nack`. */
  nack(evid: bigint): void;
  /** `ct_ctl_qack`. */
  qack(evid: bigint): void;
  /** `ct_ctl_newct` with another template's fd. */
  newct(evid: bigint, template: NativeTemplate): void;
  /** Closes the fd; idempotent. */
  close(): void;
}

/** What the addon exports, in both flavors. */
export interface NativeContractAddon extends ContractAddonBase {
  /** Opens `<type>/template` (O_RDWR). */
  openTemplate(type: ContractType): NativeTemplate;
  /** Opens `<type>/latest` (O_RDONLY). */
  openLatest(type: ContractType): ContractStatusHandle;
  /** Opens `all/<ctid>/status` (O_RDONLY). */
  openStatus(ctid: number): ContractStatusHandle;
  /** Opens `<type>/<ctid>/ctl` (O_WRONLY). */
  openControl(ctid: number): NativeControl;
  /** Opens `all/<ctid>/events` (O_RDONLY|O_NONBLOCK). */
  openEvents(ctid: number): ContractEventEndpoint;
  /** Opens `<type>/bundle` (O_RDONLY|O_NONBLOCK). */
  openBundle(type: ContractType): ContractEventEndpoint;
  /** Opens `<type>/pbundle` (O_RDONLY|O_NONBLOCK). */
  openProcessBundle(type: ContractType): ContractEventEndpoint;
  /** Opens `/devices<path>` (O_RDONLY). */
  openDeviceNode(path: string): DeviceNodeHandle;
  /**
   * Opens `/devices<path>` (O_RDONLY, plus O_NDELAY for flag 1 and O_NOCTTY for flag 2) on a
   * thread-pool thread, with `template` activated on that thread around the open.
   */
  openDeviceNodeAsync(
    path: string,
    flags: number,
    template: NativeTemplate | undefined,
  ): Promise<{ readonly node: DeviceNodeHandle; readonly ctid: number | undefined }>;
  /** `sigsend(P_CTID, ctid, signal)`. */
  sigsend(ctid: number, signal: number): void;
}
