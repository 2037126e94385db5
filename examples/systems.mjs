// Where the demos get their systems: the real ones when this machine has them, otherwise the
// simulators of @sysbind/testing-fakes (which follow real child processes for contracts).
import { createContractSystem, isContractError } from '@sysbind/contract';
import { createGridcentric, isGridcentricError } from '@sysbind/gridcentric';
import { createContractSimulator, openSimulatedGuest } from '@sysbind/testing-fakes';

/**
 * A contract system: native on illumos, the real Linux backend (cgroup v2) on a Linux host that
 * allows it (root, or a delegated cgroup), simulated elsewhere. `kind` says which, and `reason`
 * why the real one could not be used.
 */
export function openContractSystem() {
  let reason;
  if (process.platform === 'sunos' || process.platform === 'linux') {
    const system = createContractSystem();
    try {
      const kind = system.backend.name === 'linux' ? 'linux' : 'native';
      return { system, simulated: false, kind, reason, close: () => system.close() };
    } catch (error) {
      system.close();
      if (!isContractError(error)) throw error;
      reason = error.message;
    }
  }
  const sim = createContractSimulator();
  const system = createContractSystem({ backend: sim.backend() });
  return {
    system,
    simulated: true,
    kind: 'simulated',
    reason,
    close: () => {
      system.close();
      sim.close();
    },
  };
}

/** One line saying which contract(5) the demos run on, and why not the real one. */
export function describeContractSystem({ kind, reason }) {
  if (kind === 'linux') return 'contract(5) on Linux: cgroup v2 and the process-events connector (real process trees)';
  if (kind === 'native') return 'contract(5): native (libcontract)';
  return (
    'contract(5): simulated by @sysbind/testing-fakes, following direct children only' +
    (reason === undefined ? '' : `; the real backend is unavailable here:\n${reason}`)
  );
}

// Each simulated VM gets its own loopback address (127.N.x.y, x.y the vmid), so that every VM can
// serve on the same port as on a real cluster; N is drawn per run so that two runs on one machine
// do not meet. Linux routes the whole of 127.0.0.0/8 to the loopback interface.
const loopbackNet = 2 + Math.floor(Math.random() * 250);
const loopbackIp = (vmid) => `127.${loopbackNet}.${(vmid >> 8) & 255}.${vmid & 255}`;

/**
 * A Gridcentric client: native on a Gridcentric guest, otherwise a simulated cluster whose clones
 * are processes (this program, run again: see openSimulatedGuest), on real time. The same call
 * answers in the master and in every clone, so a program opens its client the same way in both.
 */
export function openGridcentric(options = {}) {
  const native = createGridcentric();
  try {
    native.check();
    return { gc: native, simulated: false, close: () => native.close() };
  } catch (error) {
    if (!isGridcentricError(error, 'ERR_UNSUPPORTED_PLATFORM')) throw error;
  }
  const guest = openSimulatedGuest({
    clock: 'real',
    bootDelay: 40,
    capacity: 16,
    ipForVmid: loopbackIp,
    ...options,
  });
  const gc = createGridcentric({ backend: guest.backend });
  return {
    gc,
    simulated: true,
    guest,
    close: async () => {
      await gc.close();
      await guest.close();
    },
  };
}
