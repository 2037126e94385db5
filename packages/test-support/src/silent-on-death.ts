// A backend wrapper for the tests of issue 12 item 13 (an observer learns that its contract died):
// the observer's endpoint behaves as illumos-gate's does for a destroyed contract, whatever the
// simulator's version. Typed by shape, because this package may depend on no @sysbind package
// (each of them uses it in its tests).

/** What the wrapper changes of an event endpoint (ContractEventEndpoint has this shape). */
interface SilencedEndpoint {
  read(): unknown;
  listen(
    listener: { readonly onEvent: (event: never) => void; readonly onError: (error: Error) => void } | undefined,
  ): void;
}

// A ContractError EIDRM: how the simulator reports a read of a destroyed contract's queue.
function isDeath(error: unknown): boolean {
  return error instanceof Error && error.name === 'ContractError' && (error as { code?: unknown }).code === 'EIDRM';
}

/**
 * `backend` with endpoints that, as illumos-gate's do, neither fail nor wake their listener when
 * their contract is destroyed (contract_destroy drains the queue with cte_queue_drain): reads
 * answer EAGAIN (undefined) instead of EIDRM. Everything else is forwarded.
 */
export function silentOnDeath<Backend extends { openEvents(ctid: number): SilencedEndpoint }>(
  backend: Backend,
): Backend {
  return {
    ...backend,
    openEvents(ctid: number) {
      const endpoint = backend.openEvents(ctid);
      const read = (): unknown => {
        try {
          return endpoint.read();
        } catch (error) {
          if (isDeath(error)) return undefined;
          throw error;
        }
      };
      const listen: SilencedEndpoint['listen'] = (listener) => {
        endpoint.listen(
          listener && {
            onEvent: listener.onEvent,
            onError: (error) => {
              if (!isDeath(error)) listener.onError(error);
            },
          },
        );
      };
      return new Proxy(endpoint, {
        get(target, key) {
          if (key === 'read') return read;
          if (key === 'listen') return listen;
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
}
