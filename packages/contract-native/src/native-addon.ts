// The surface of the compiled addon (native/binding), as TypeScript sees it. The binding mirrors
// libcontract one function per method; handles that already have the shape of the backend
// interface (status files, event endpoints, device nodes) are handed out as they are.
import type { AddonBase } from '@sysbind/core';
import type { ContractType, SimulatedLibcontract, TEMPLATE_TERM_FUNCTIONS } from '@sysbind/contract-interface';
import type {
  ContractControlHandle,
  ContractEventEndpoint,
  ContractStatusHandle,
  ContractTemplateHandle,
  DeviceNodeHandle,
} from '@sysbind/contract-interface';

// What a binding method returns for a libcontract function with this C-shaped result: nothing for
// a plain errno return, the out-parameter's value otherwise (failures are thrown).
type Unwrapped<Result> = [Extract<Result, { readonly value: unknown }>] extends [never]
  ? undefined
  : Extract<Result, { readonly value: unknown }>['value'];

// The names TEMPLATE_TERM_FUNCTIONS lists: the setters, getters and the one clear function.
type TermTable = (typeof TEMPLATE_TERM_FUNCTIONS)[keyof typeof TEMPLATE_TERM_FUNCTIONS];
type TermFunctionName = TermTable['set'] | TermTable['get'] | Extract<TermTable, { clear: unknown }>['clear'];

/** The term functions of libcontract as the binding exposes them: the same names, without the fd. */
type TermFunctionsOfLibcontract = {
  [Name in TermFunctionName]: SimulatedLibcontract[Name] extends (fd: number, ...args: infer Args) => infer Result
    ? (...args: Args) => Unwrapped<Result>
    : never;
};

/**
 * The binding's template-term methods, written out for the reference documentation; the checks
 * below keep them identical to the ones derived from the one declaration of libcontract.
 */
export interface NativeTemplateTermFunctions {
  /** `ct_tmpl_set_cookie`. */
  ct_tmpl_set_cookie(value: bigint): undefined;
  /** `ct_tmpl_get_cookie`. */
  ct_tmpl_get_cookie(): bigint;
  /** `ct_tmpl_set_critical`. */
  ct_tmpl_set_critical(value: number): undefined;
  /** `ct_tmpl_get_critical`. */
  ct_tmpl_get_critical(): number;
  /** `ct_tmpl_set_informative`. */
  ct_tmpl_set_informative(value: number): undefined;
  /** `ct_tmpl_get_informative`. */
  ct_tmpl_get_informative(): number;
  /** `ct_pr_tmpl_set_transfer`. */
  ct_pr_tmpl_set_transfer(value: number): undefined;
  /** `ct_pr_tmpl_get_transfer`. */
  ct_pr_tmpl_get_transfer(): number;
  /** `ct_pr_tmpl_set_fatal`. */
  ct_pr_tmpl_set_fatal(value: number): undefined;
  /** `ct_pr_tmpl_get_fatal`. */
  ct_pr_tmpl_get_fatal(): number;
  /** `ct_pr_tmpl_set_param`. */
  ct_pr_tmpl_set_param(value: number): undefined;
  /** `ct_pr_tmpl_get_param`. */
  ct_pr_tmpl_get_param(): number;
  /** `ct_pr_tmpl_set_svc_fmri`. */
  ct_pr_tmpl_set_svc_fmri(value: string): undefined;
  /** `ct_pr_tmpl_get_svc_fmri`. */
  ct_pr_tmpl_get_svc_fmri(): string;
  /** `ct_pr_tmpl_set_svc_aux`. */
  ct_pr_tmpl_set_svc_aux(value: string): undefined;
  /** `ct_pr_tmpl_get_svc_aux`. */
  ct_pr_tmpl_get_svc_aux(): string;
  /** `ct_dev_tmpl_set_aset`. */
  ct_dev_tmpl_set_aset(value: number): undefined;
  /** `ct_dev_tmpl_get_aset`. */
  ct_dev_tmpl_get_aset(): number;
  /** `ct_dev_tmpl_set_minor`. */
  ct_dev_tmpl_set_minor(value: string): undefined;
  /** `ct_dev_tmpl_get_minor`. */
  ct_dev_tmpl_get_minor(): string;
  /** `ct_dev_tmpl_set_noneg`. */
  ct_dev_tmpl_set_noneg(): undefined;
  /** `ct_dev_tmpl_clear_noneg`. */
  ct_dev_tmpl_clear_noneg(): undefined;
  /** `ct_dev_tmpl_get_noneg`: 1 or 0. */
  ct_dev_tmpl_get_noneg(): number;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time: a term function added to or changed in SimulatedLibcontract must be mirrored here.
type Assert<Condition extends true> = Condition;
type _TermFunctionsMatchLibcontract = Assert<Same<NativeTemplateTermFunctions, TermFunctionsOfLibcontract>>;

/** An open `<type>/template` fd: the ct_tmpl_* functions, with the term functions by name. */
export interface NativeTemplate extends NativeTemplateTermFunctions, Omit<ContractTemplateHandle, 'set' | 'get'> {}

/** An open `<type>/<ctid>/ctl` fd: the ct_ctl_* functions, as the backend interface has them. */
export interface NativeControl extends Omit<ContractControlHandle, 'newct'> {
  /** `ct_ctl_newct` with another template's fd. */
  newct(evid: bigint, template: NativeTemplate): void;
}

/** What every build of the addon exports before any binding is wired up. */
export type ContractAddonBase = AddonBase;

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
