// A backend wrapper for item 13 tests: the observer's endpoint behaves as illumos-gate's does for a
// destroyed contract, whatever the simulator's version.
import { isContractError, type ContractBackend } from '@sysbind/contract-interface';

// As illumos-gate has it whatever the simulator's version: a destroyed contract's endpoint neither
// fails nor wakes its listener, and reads answer EAGAIN (undefined).
export function silentOnDeath(backend: ContractBackend): ContractBackend {
  const silent = (error: unknown): boolean => isContractError(error, 'EIDRM');
  return {
    ...backend,
    openEvents(ctid) {
      const endpoint = backend.openEvents(ctid);
      return {
        kind: endpoint.kind,
        type: endpoint.type,
        ctid: endpoint.ctid,
        read: () => {
          try {
            return endpoint.read();
          } catch (error) {
            if (silent(error)) return undefined;
            throw error;
          }
        },
        readCritical: () => endpoint.readCritical(),
        reset: () => {
          endpoint.reset();
        },
        reliable: () => {
          endpoint.reliable();
        },
        listen: (listener) => {
          endpoint.listen(
            listener === undefined
              ? undefined
              : {
                  onEvent: listener.onEvent,
                  onError: (error) => {
                    if (!silent(error)) listener.onError(error);
                  },
                },
          );
        },
        ref: () => {
          endpoint.ref();
        },
        unref: () => {
          endpoint.unref();
        },
        close: () => {
          endpoint.close();
        },
      };
    },
  };
}
