// The ContractBackend over Linux: templates, status and control handles, endpoints and sigsend,
// each a thin adapter over the per-thread LinuxContractHost. Only process contracts exist here;
// device contracts are illumos only (ENOTSUP).
import { constants } from 'node:os';
import {
  type ContractBackend,
  type ContractControlHandle,
  type ContractStatusHandle,
  type ContractTemplateHandle,
  type StatusDetail,
  type TemplateTerm,
  type TemplateTermValues,
  ContractError,
  TEMPLATE_TERM_FUNCTIONS,
  templateTermFunctions,
} from '@sysbind/contract-interface';
import { LinuxContractHost, type LinuxContract } from './contract-host.ts';
import { probeLinuxContractHost, unsupportedHostError } from './host.ts';
import { installSpawnHook } from './spawn-hook.ts';
import { installSpawnSyncHook } from './spawn-sync-hook.ts';
import { DEFAULT_TERMS, getTerm, setTerm, type ProcessTerms } from './terms.ts';
import { checkCtid, checkEvid, checkInt, checkSignal, checkTermValue } from './arguments.ts';
import { invalidArgType, invalidArgValue } from '@sysbind/core';

const { errno } = constants;
let host: LinuxContractHost | undefined;

function currentHost(): LinuxContractHost {
  if (host !== undefined) return host;
  const capabilities = probeLinuxContractHost();
  if (!capabilities.supported) throw unsupportedHostError(capabilities);
  host = new LinuxContractHost(capabilities);
  installSpawnHook(host);
  installSpawnSyncHook(host);
  return host;
}

/** This thread's host, if the backend was started here (for the test hooks of ../testing.ts only). */
export function currentLinuxHostIfStarted(): LinuxContractHost | undefined {
  return host;
}

function deviceUnsupported(syscall: string): ContractError {
  return new ContractError(`ENOTSUP: device contracts exist only on illumos, ${syscall}`, {
    code: 'ENOTSUP',
    errno: -errno.ENOTSUP,
    syscall,
  });
}

function badf(syscall: string, ctid?: number): ContractError {
  return ContractError.fromErrno(errno.EBADF, syscall, ctid === undefined ? {} : { ctid });
}

class LinuxTemplate implements ContractTemplateHandle {
  readonly type = 'process' as const;
  private readonly host: LinuxContractHost;
  private readonly terms: ProcessTerms = { ...DEFAULT_TERMS };
  private closed = false;
  constructor(owner: LinuxContractHost) {
    this.host = owner;
  }
  set<Term extends TemplateTerm>(term: Term, value: TemplateTermValues[Term]): void {
    checkTerm(term, 'ct_tmpl_set');
    checkTermValue(term, value);
    if (this.closed) throw badf(TEMPLATE_TERM_FUNCTIONS[term].set);
    setTerm(this.terms, term, value, this.host);
  }
  get<Term extends TemplateTerm>(term: Term): TemplateTermValues[Term] {
    checkTerm(term, 'ct_tmpl_get');
    if (this.closed) throw badf(TEMPLATE_TERM_FUNCTIONS[term].get);
    return getTerm(this.terms, term);
  }
  activate(): void {
    if (this.closed) throw badf('ct_tmpl_activate');
    this.host.active = { ...this.terms };
  }
  clear(): void {
    if (this.closed) throw badf('ct_tmpl_clear');
    this.host.active = undefined;
  }
  create(): number {
    if (this.closed) throw badf('ct_tmpl_create');
    // Process contracts are made by fork only.
    throw ContractError.fromErrno(errno.EINVAL, 'ct_tmpl_create');
  }
  createAsync(): Promise<number> {
    // A throw in the executor rejects the promise.
    return new Promise((resolve) => {
      resolve(this.create());
    });
  }
  close(): void {
    this.closed = true;
  }
  /** @internal Whether close() was called (newct reads a closed template as EBADF). */
  get isClosed(): boolean {
    return this.closed;
  }
}

function statusHandle(owner: LinuxContractHost, contract: LinuxContract): ContractStatusHandle {
  let closed = false;
  owner.reference(contract);
  return {
    ctid: contract.ctid,
    type: 'process',
    read(detail: StatusDetail) {
      // A C int first, as the addon takes it; then ct_status_read's own EINVAL for other levels.
      checkInt(detail, 'detail');
      if (closed) throw badf('ct_status_read', contract.ctid);
      if (![0, 1, 2].includes(detail))
        throw ContractError.fromErrno(errno.EINVAL, 'ct_status_read', { ctid: contract.ctid });
      return owner.status(contract, detail);
    },
    close() {
      if (closed) return;
      closed = true;
      owner.unreference(contract);
    },
  };
}

function controlHandle(owner: LinuxContractHost, contract: LinuxContract): ContractControlHandle {
  let closed = false;
  // An open ctl file holds the contract, as a ctfs vnode does: abandoned and dead, it stays
  // visible (openStatus, openControl's EACCES) until the handle is closed.
  owner.reference(contract);
  const live = (syscall: string): void => {
    if (closed) throw badf(syscall, contract.ctid);
  };
  return {
    ctid: contract.ctid,
    type: 'process',
    adopt() {
      live('ct_ctl_adopt');
      owner.adopt(contract);
    },
    abandon() {
      live('ct_ctl_abandon');
      owner.abandon(contract);
    },
    abandonAsync() {
      // Only device contracts wait for a negotiation; a process contract abandons at once.
      return new Promise<void>((resolve) => {
        live('ct_ctl_abandon');
        owner.abandon(contract);
        resolve();
      });
    },
    ack(evid) {
      const id = checkEvid(evid);
      live('ct_ctl_ack');
      owner.ack(contract, id);
    },
    nack(evid) {
      checkEvid(evid);
      live('ct_ctl_nack');
      // Process contracts never negotiate.
      throw ContractError.fromErrno(errno.ESRCH, 'ct_ctl_nack', { ctid: contract.ctid });
    },
    qack(evid) {
      checkEvid(evid);
      live('ct_ctl_qack');
      throw ContractError.fromErrno(errno.ESRCH, 'ct_ctl_qack', { ctid: contract.ctid });
    },
    newct(evid, template) {
      checkEvid(evid);
      // The replacement's terms come from one of this backend's own templates.
      if (!(template instanceof LinuxTemplate))
        throw invalidArgType('template', 'a process template of this backend', template);
      // libcontract reads the template's fd: a closed one is EBADF.
      if (template.isClosed) throw badf('ct_ctl_newct', contract.ctid);
      live('ct_ctl_newct');
      // A no-op for process contracts, as on illumos.
    },
    close() {
      if (closed) return;
      closed = true;
      owner.unreference(contract);
    },
  };
}

function requireProcess(type: unknown, syscall: string): void {
  if (type === 'process') return;
  if (type === 'device') throw deviceUnsupported(syscall);
  // As the addon's ContractTypeArg: a wrong type first, then a string that names no type.
  if (typeof type !== 'string') throw invalidArgType('type', 'of type string', type);
  throw invalidArgValue('type', type, "must be 'process' or 'device'");
}

// A term names a libcontract function; anything that names none (whatever its type) fails as the
// illumos path fails it: EINVAL from the generic ct_tmpl_set/ct_tmpl_get (see addon-backend.ts).
function checkTerm(term: unknown, syscall: string): void {
  if (templateTermFunctions(term) === undefined) throw ContractError.fromErrno(errno.EINVAL, syscall);
}

/**
 * Process contracts over Linux: cgroup v2 leaves, the process-events connector and a per-owner
 * sentinel (see docs/guides/linux.md). Throws ContractError `ERR_CONTRACT_HOST_UNSUPPORTED`,
 * naming what is missing and how to get it, when this host cannot run it; see
 * probeLinuxContractHost() for the details without an error.
 */
export function createLinuxContractBackend(): ContractBackend {
  const owner = currentHost();
  const lookup = (value: unknown, syscall: string): LinuxContract => {
    const ctid = checkCtid(value);
    const contract = owner.find(ctid);
    if (contract === undefined) throw ContractError.fromErrno(errno.ENOENT, syscall, { ctid });
    return contract;
  };
  return {
    name: 'linux',
    pid: process.pid,
    openTemplate(type) {
      requireProcess(type, 'open');
      return new LinuxTemplate(owner);
    },
    openLatest(type) {
      requireProcess(type, 'open');
      const latest = owner.latest;
      if (latest === undefined) throw ContractError.fromErrno(errno.ESRCH, 'open');
      return statusHandle(owner, latest);
    },
    openStatus(ctid) {
      return statusHandle(owner, lookup(ctid, 'open'));
    },
    openControl(ctid) {
      const contract = lookup(ctid, 'open');
      owner.checkControl(contract);
      return controlHandle(owner, contract);
    },
    openEvents(ctid) {
      const contract = lookup(ctid, 'open');
      if (!owner.mayObserve(contract.path)) throw ContractError.fromErrno(errno.EACCES, 'open', { ctid });
      return owner.openEndpoint('events', contract);
    },
    openBundle(type) {
      requireProcess(type, 'open');
      return owner.openEndpoint('bundle');
    },
    openProcessBundle(type) {
      requireProcess(type, 'open');
      return owner.openEndpoint('pbundle');
    },
    openDeviceNode() {
      throw deviceUnsupported('open');
    },
    openDeviceNodeAsync() {
      return Promise.reject(deviceUnsupported('open'));
    },
    sigsend(ctid, signal) {
      // The ctid is checked before the signal, as the addon checks its arguments in order.
      const id = checkCtid(ctid);
      const number = checkSignal(signal);
      // Linux has signals 1..64 (NSIG 65): sigsend's own range check, before the process set.
      if (number < 0 || number > 64) throw ContractError.fromErrno(errno.EINVAL, 'sigsend', { ctid: id });
      // sigsend(P_CTID) finds no process in a contract that does not exist: ESRCH, as dotoprocs()
      // answers for an empty process set (ENOENT is for opening its ctfs files).
      const contract = owner.find(id);
      if (contract === undefined) throw ContractError.fromErrno(errno.ESRCH, 'sigsend', { ctid: id });
      owner.sigsend(contract, number);
    },
  };
}
