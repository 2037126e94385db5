// The illumos_contract 1.0.3 API (set_template, clear_template, create, latest, adopt, observe),
// over the facade, plus useBackend(). The bugs of the original are fixed; the migration guide
// lists them. Errors keep the original's convention: a positive errno (compat/errors.ts).
import { constants } from 'node:os';
import { ContractError, type ContractBackend, type ContractType } from '@sysbind/contract-interface';
import { CompatContract } from './compat/contract.ts';
import { compatErrors, toCompatError } from './compat/errors.ts';
import { convertTemplate } from './compat/template.ts';
import type { Contract } from './contract.ts';
import { createContractSystem, type ActiveTemplate, type ContractSystem } from './system.ts';
import type { ContractTemplate } from './template.ts';
import { validateContractType, validateCtid } from './validate.ts';

export { CompatContract as Contract } from './compat/contract.ts';
export type { CompatEvent, CompatEventFlags, CompatStatus } from './compat/shapes.ts';
export type { ContractListener } from './subscriber-context.ts';

let backend: ContractBackend | undefined;
let system: ContractSystem | undefined;
const active = new Map<ContractType, { readonly template: ContractTemplate; readonly handle: ActiveTemplate }>();
const wrappers = new WeakMap<Contract, CompatContract>();
let lastType: ContractType | undefined;

function currentSystem(): ContractSystem {
  system ??= createContractSystem(backend === undefined ? {} : { backend });
  return system;
}

function wrap(contract: Contract): CompatContract {
  let wrapper = wrappers.get(contract);
  if (wrapper === undefined) {
    wrapper = new CompatContract(contract, (type) => active.get(type)?.template);
    wrappers.set(contract, wrapper);
  }
  return wrapper;
}

/**
 * Makes the module use `backend` (for tests: `createContractSimulator().backend()` from
 * @sysbind/testing-fakes); `undefined` goes back to the native default. Clears active templates
 * and closes everything opened through the previous backend.
 */
export function useBackend(next: ContractBackend | undefined): void {
  clear_template();
  system?.close();
  system = undefined;
  backend = next;
  lastType = undefined;
}

/**
 * Activates a template (replacing the active one of the same type only; a device template no
 * longer replaces a process template).
 */
export function set_template(template: Record<string, unknown>): void {
  compatErrors(() => {
    const converted = convertTemplate(template);
    const type = converted.type ?? 'process';
    const handle = currentSystem().activateTemplate(converted);
    active.get(type)?.handle.clear();
    active.set(type, { template: converted, handle });
    lastType = type;
  });
}

/** Removes every active template. */
export function clear_template(): void {
  compatErrors(() => {
    try {
      for (const { handle } of active.values()) handle.clear();
    } finally {
      active.clear();
    }
  });
}

/**
 * ct_tmpl_create from the active device template; fetch the contract with latest('device') (or
 * latest(), which defaults to the type of the last template set).
 */
export function create(): void {
  compatErrors(() => {
    const device = active.get('device');
    if (device !== undefined) {
      // Blocking, as the original's was (callers read latest() right after, and latest is per
      // thread); createAsync() does not block.
      currentSystem()
        .createDeviceContractBlocking(device.template as ContractTemplate & { type: 'device' })
        .unref();
      return;
    }
    if (active.has('process')) throw ContractError.fromErrno(constants.errno.EINVAL, 'ct_tmpl_create');
    throw new ContractError('no contract template has been activated', { code: 'ERR_NO_ACTIVE_TEMPLATE' });
  });
}

/**
 * New: ct_tmpl_create from the active device template off the JS thread (the creation waits for
 * a negotiation under way on the device, up to 60 s); resolves to the contract. latest() does not
 * name it (it was created on another thread).
 */
export async function createAsync(): Promise<CompatContract> {
  const device = active.get('device');
  if (device === undefined) {
    throw toCompatError(
      active.has('process')
        ? ContractError.fromErrno(constants.errno.EINVAL, 'ct_tmpl_create')
        : new ContractError('no contract template has been activated', { code: 'ERR_NO_ACTIVE_TEMPLATE' }),
    );
  }
  try {
    const contract = await currentSystem().createDeviceContract(
      device.template as ContractTemplate & { type: 'device' },
    );
    return wrap(contract.unref());
  } catch (error) {
    throw toCompatError(error);
  }
}

/**
 * The contract this thread created last. `type` (new, optional) defaults to the type of the last
 * template set, else `'process'`; the original required a prior set_template.
 */
export function latest(type?: ContractType): CompatContract {
  return compatErrors(() => wrap(currentSystem().latest(validateContractType(type ?? lastType ?? 'process'))));
}

/** Adopts an inherited contract. */
export function adopt(ctid: number): CompatContract {
  return compatErrors(() => wrap(currentSystem().adopt(validateCtid(ctid))));
}

/** Observes a contract without adopting it. */
export function observe(ctid: number): CompatContract {
  return compatErrors(() => wrap(currentSystem().observe(validateCtid(ctid))));
}
