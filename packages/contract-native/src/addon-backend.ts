// The ContractBackend over a loaded addon, shared by both flavors: the system build
// (createNativeContractBackend) and the simulator build (createSimulatedNativeBackend). It only
// translates between the backend interface and the binding's one-method-per-function surface;
// every rule lives in libcontract (or in the simulator standing in for it).
import type {
  ContractBackend,
  ContractControlHandle,
  ContractTemplateHandle,
  TemplateTerm,
  TemplateTermValues,
} from '@sysbind/contract-interface';
import type { ContractType } from '@sysbind/contract-interface';
import { ContractError, templateTermFunctions, type TemplateFunctionName } from '@sysbind/contract-interface';
import { invalidArgType } from '@sysbind/core';
import type { NativeContractAddon, NativeControl, NativeTemplate } from './native-addon.ts';

/** How a backend over an addon presents itself, and what runs before it touches the system. */
export interface AddonBackendOptions {
  /** The backend's name. */
  readonly name: string;
  /** The pid it acts as. */
  readonly pid: number;
  /** Called before every open and sigsend (the sim flavor points the addon at its simulator). */
  readonly beforeSystemCall?: () => void;
}

interface Closable {
  close(): void;
}

const EINVAL = 22;

/** A ContractBackend whose every call goes to `addon`. */
export function createAddonBackend(addon: NativeContractAddon, options: AddonBackendOptions): ContractBackend {
  const enter = options.beforeSystemCall ?? (() => undefined);
  // Weak, so that handles the application forgets can still be collected (their finalizers
  // close the fds); close() reaches whichever are still alive.
  const live = new Set<WeakRef<Closable>>();
  const forget = new FinalizationRegistry<WeakRef<Closable>>((reference) => live.delete(reference));
  const templates = new WeakMap<ContractTemplateHandle, NativeTemplate>();

  function track<Handle extends Closable>(handle: Handle): Handle {
    const reference = new WeakRef<Closable>(handle);
    live.add(reference);
    forget.register(handle, reference);
    return handle;
  }

  function template(native: NativeTemplate): ContractTemplateHandle {
    const handle: ContractTemplateHandle = {
      type: native.type,
      set: (term, value) => {
        setTerm(native, term, value);
      },
      get: (term) => getTerm(native, term),
      activate: () => {
        native.activate();
      },
      clear: () => {
        native.clear();
      },
      create: () => native.create(),
      createAsync: () => native.createAsync(),
      close: () => {
        native.close();
      },
    };
    templates.set(handle, native);
    return track(handle);
  }

  function control(native: NativeControl): ContractControlHandle {
    return track({
      ctid: native.ctid,
      type: native.type,
      adopt: () => {
        native.adopt();
      },
      abandon: () => {
        native.abandon();
      },
      abandonAsync: () => native.abandonAsync(),
      ack: (evid) => {
        native.ack(evid);
      },
      nack: (evid) => {
        native.nack(evid);
      },
      qack: (evid) => {
        native.qack(evid);
      },
      newct: (evid, other) => {
        // A template of another backend has no fd here: the binding rejects it with a TypeError.
        native.newct(evid, templates.get(other) ?? (other as unknown as NativeTemplate));
      },
      close: () => {
        native.close();
      },
    });
  }

  return {
    name: options.name,
    pid: options.pid,
    openTemplate(type: ContractType) {
      enter();
      return template(addon.openTemplate(type));
    },
    openLatest(type) {
      enter();
      return track(addon.openLatest(type));
    },
    openStatus(ctid) {
      enter();
      return track(addon.openStatus(ctid));
    },
    openControl(ctid) {
      enter();
      return control(addon.openControl(ctid));
    },
    openEvents(ctid) {
      enter();
      return track(addon.openEvents(ctid));
    },
    openBundle(type) {
      enter();
      return track(addon.openBundle(type));
    },
    openProcessBundle(type) {
      enter();
      return track(addon.openProcessBundle(type));
    },
    openDeviceNode(path) {
      enter();
      return track(addon.openDeviceNode(path));
    },
    async openDeviceNodeAsync(path, options = {}) {
      enter();
      const template = options.template === undefined ? undefined : templates.get(options.template);
      if (options.template !== undefined && template === undefined) {
        // A template of another backend has no fd here.
        throw invalidArgType('options.template', 'a template handle of this backend', options.template);
      }
      const flags = (options.ndelay === true ? 1 : 0) | (options.noctty === true ? 2 : 0);
      const opened = await addon.openDeviceNodeAsync(path, flags, template);
      return { node: track(opened.node), ctid: opened.ctid };
    },
    sigsend(ctid, signal) {
      enter();
      addon.sigsend(ctid, signal);
    },
    close() {
      for (const reference of [...live]) {
        live.delete(reference);
        reference.deref()?.close();
      }
    },
  };
}

// Both directions follow TEMPLATE_TERM_FUNCTIONS: the binding's methods carry libcontract's names.
function setTerm<Term extends TemplateTerm>(native: NativeTemplate, term: Term, value: TemplateTermValues[Term]): void {
  const functions = templateTermFunctions(term);
  if (functions === undefined) throw ContractError.fromErrno(EINVAL, 'ct_tmpl_set');
  const call = (name: TemplateFunctionName, ...args: unknown[]): unknown =>
    (native as unknown as Record<string, (...values: unknown[]) => unknown>)[name]?.(...args);
  if (functions.clear !== undefined) {
    // noneg: set or clear, each a function of its own.
    if (typeof value !== 'boolean') throw invalidArgType('value', 'of type boolean', value);
    call(value ? functions.set : functions.clear);
    return;
  }
  call(functions.set, value);
}

function getTerm<Term extends TemplateTerm>(native: NativeTemplate, term: Term): TemplateTermValues[Term] {
  const functions = templateTermFunctions(term);
  if (functions === undefined) throw ContractError.fromErrno(EINVAL, 'ct_tmpl_get');
  const read = (native as unknown as Record<string, () => unknown>)[functions.get];
  const value = read?.call(native);
  // ct_dev_tmpl_get_noneg answers 1 or 0; the backend interface speaks booleans.
  return (functions.clear !== undefined ? value === 1 : value) as TemplateTermValues[Term];
}
