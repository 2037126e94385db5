// Where the Linux backend and the simulator are expected to differ, each difference named by the
// row of the fidelity table in docs/guides/linux.md that says so (or, for the one the simulator
// causes, the limit docs/guides/contract-simulation.md states). Everything else must match.

/**
 * The fidelity row excusing a difference in `op`'s outcomes, or undefined. `world` is the Linux
 * run's (slots and contracts are numbered alike on both sides).
 */
export function excusedBy(op, simulator, linux) {
  switch (op.kind) {
    case 'openTemplate':
    case 'openLatest':
      if (op.type.label === `'device'`) return 'device contracts';
      break;
    case 'openEndpoint':
      if (op.which !== 'openEvents' && op.argument.label === `'device'`) return 'device contracts';
      break;
    case 'set':
      if (op.term !== undefined && ['aset', 'minor', 'noneg'].includes(op.term)) return 'device contracts';
      if (op.term === 'transfer') return 'INHERIT, REGENT, `transfer`';
      break;
    case 'openControl':
      // Linux lets the same user (or root) open the ctl of an orphan to adopt it; illumos only
      // that of an inherited contract.
      if (/EACCES open/.test(simulator) && /^ok handle/.test(linux)) return 'adopt';
      break;
    case 'sigsend':
      // Linux has 64 signals; illumos has more real-time ones (a number above 64 is EINVAL here).
      if (/EINVAL sigsend/.test(linux) && /ESRCH sigsend|^ok/.test(simulator)) return 'sigsend(P_CTID)';
      break;
    case 'spawn':
      if (op.signal !== undefined && /EINVAL sigsend/.test(linux)) return 'sigsend(P_CTID)';
      break;
    default:
      break;
  }
  // A contract made without an FMRI: illumos copies the creator's own contract's (the simulator's
  // self runs in an SMF-like one); on Linux the creator is in no contract, so there is none.
  if (withoutFmri(simulator) === withoutFmri(linux) && simulator !== linux) return 'svc FMRI, aux, creator';
  return undefined;
}

function withoutFmri(outcome) {
  return outcome.replace(/"svcFmri":"[^"]*"/g, '"svcFmri":…');
}

/** The row that makes a slot's later outcomes differ once `op` filled it differently, if any. */
export function taintOf(op) {
  // Regents and transfers (CT_PR_INHERIT, CT_PR_REGENT, a transfer, noneg = the same id): the
  // simulator subsumes or inherits contracts that Linux leaves alone.
  if (op.kind === 'set' && regentTerm(op)) return 'INHERIT, REGENT, `transfer`';
  if ((op.kind === 'openTemplate' || op.kind === 'openLatest') && op.type.label === `'device'`)
    return 'device contracts';
  if (op.kind === 'openEndpoint' && op.which === 'openBundle') return 'observe, bundle';
  if (op.kind === 'openEndpoint' && op.which !== 'openEvents' && op.argument.label === `'device'`)
    return 'device contracts';
  return undefined;
}

/** The pool a slot-bound op works on. */
export function poolOf(op) {
  switch (op.kind) {
    case 'openTemplate':
    case 'set':
    case 'get':
    case 'template method':
      return 'template';
    case 'openLatest':
    case 'openStatus':
    case 'status':
      return 'status';
    case 'openControl':
    case 'control':
      return 'control';
    case 'openEndpoint':
    case 'endpoint':
      return 'endpoint';
    default:
      return undefined;
  }
}

/** A set that asks for a transfer or for regent/inherit parameters (whatever value it ends up being). */
function regentTerm(op) {
  if (op.term === 'transfer' || op.term === 'noneg') return true;
  if (op.term !== 'param' && op.term !== 'aset') return false;
  const value = op.value.make();
  return typeof value !== 'number' || (value & 0x11) !== 0;
}

/**
 * A thrown value's own error (a revoked proxy, a trap or getter of a hostile value): one side
 * touched the value before failing, the other refused it untouched. Neither is the backend's doing.
 */
export function valuesOwnError(outcome) {
  return /^TypeError( \||$)|FuzzSentinel|threw non-Error/.test(outcome);
}

/**
 * A ctid a hostile value happened to make small: the simulated system holds contracts of its own
 * there (its init and service contracts, ctid 1 and up), which no Linux registry has.
 */
export function environmentCtid(op) {
  for (const choice of [op.ctid, op.argument]) {
    if (choice === undefined || choice.own !== undefined || typeof choice.make !== 'function') continue;
    const value = choice.make();
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value < 100) return true;
  }
  return false;
}
