import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';

// What EventEmitter lets a listener be found by: the function itself, or a wrapper whose
// `listener` property names it (removeListener, listeners() and once() rely on this).
/** A listener function, as EventEmitter takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
export type ContractListener = (...args: any[]) => void;
type Wrapped = ContractListener & { listener: ContractListener };

// The events EventEmitter raises about its own listeners run in the caller's context already.
const OWN_EVENTS = new Set<string | symbol>(['newListener', 'removeListener']);

/**
 * An EventEmitter whose listeners run in the async context (AsyncLocalStorage stores, async hooks
 * execution resource) of the code that added them, wherever the event comes from: a uv_poll
 * callback, the simulator's microtask, another contract's routing. EventEmitterAsyncResource runs
 * every listener in the context of the emitter's creation; subscriptions made later, elsewhere,
 * get their own here. `removeListener(name, fn)`, `listeners()` and `once()` work with the
 * original functions.
 */
export class SubscriberContextEmitter extends EventEmitter {
  override on(eventName: string | symbol, listener: ContractListener): this {
    return super.on(eventName, bindToCaller(eventName, listener));
  }

  override addListener(eventName: string | symbol, listener: ContractListener): this {
    return super.addListener(eventName, bindToCaller(eventName, listener));
  }

  override prependListener(eventName: string | symbol, listener: ContractListener): this {
    return super.prependListener(eventName, bindToCaller(eventName, listener));
  }

  override once(eventName: string | symbol, listener: ContractListener): this {
    return super.on(eventName, this.onceWrapper(eventName, listener));
  }

  override prependOnceListener(eventName: string | symbol, listener: ContractListener): this {
    return super.prependListener(eventName, this.onceWrapper(eventName, listener));
  }

  private onceWrapper(eventName: string | symbol, listener: ContractListener): Wrapped {
    if (typeof listener !== 'function') return listener;
    const bound = OWN_EVENTS.has(eventName) ? listener : AsyncResource.bind(listener);
    let fired = false;
    const wrapper = ((...args: unknown[]) => {
      if (fired) return;
      fired = true;
      this.removeListener(eventName, wrapper);
      bound.apply(this, args);
    }) as Wrapped;
    wrapper.listener = listener;
    return wrapper;
  }
}

function bindToCaller(eventName: string | symbol, listener: ContractListener): ContractListener {
  // EventEmitter itself rejects what is not a function, with Node's own error.
  if (typeof listener !== 'function' || OWN_EVENTS.has(eventName)) return listener;
  const bound = AsyncResource.bind(listener) as Wrapped;
  bound.listener = listener;
  return bound;
}
