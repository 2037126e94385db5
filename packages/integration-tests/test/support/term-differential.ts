// The template terms of the Linux backend against the simulator, which is the reference: every
// term × representative value (and every pair of them in sequence, since fatal, param and critical
// act on one another) is set on a fresh process template of each backend, and the outcome (the
// error's class, code, errno and syscall, or success) and every term read back afterwards must
// agree. Values that name a contract (transfer) name it by role, each world supplying the ctid
// that plays that role there. Runs as root in the test process and as uid 65534 in a child (the
// fixture linux-terms.ts), the simulated caller getting the privileges the real one has.
import { spawn } from 'node:child_process';
import {
  CT_DEV_EV_OFFLINE,
  CT_DEV_EV_ONLINE,
  CT_PR_ALLEVENT,
  CT_PR_ALLFATAL,
  CT_PR_ALLPARAM,
  CT_PR_EV_CORE,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_HWERR,
  CT_PR_EV_SIGNAL,
  CT_PR_NOORPHAN,
  CT_PR_PGRPONLY,
  CT_PR_SVC_DEFAULT,
  CTD_ALL,
  COMMON_TEMPLATE_TERMS,
  DEVICE_TEMPLATE_TERMS,
  PROCESS_TEMPLATE_TERMS,
  type ContractBackend,
  type ContractTemplateHandle,
  type TemplateTerm,
  type TemplateTermValues,
} from '@sysbind/contract-interface';
import { createLinuxContractBackend } from '@sysbind/contract-native';
import { createContractSimulator, type Privilege } from '@sysbind/testing-fakes';

/** The contracts a transfer value can name, by what they are to the caller. */
export type ContractRole = 'unknown' | 'orphan' | 'own-populated' | 'own-empty';
const ROLES: readonly ContractRole[] = ['unknown', 'orphan', 'own-populated', 'own-empty'];

/** A value of a term as the cases give it: a plain value, or a contract named by its role. */
type CaseValue = TemplateTermValues[TemplateTerm] | { readonly role: ContractRole };

/** One step: a term and the value it is set to. */
export interface TermStep {
  readonly term: TemplateTerm;
  readonly value: CaseValue;
}

/** A backend with the contracts that play each role in its world. */
export interface TermWorld {
  readonly backend: ContractBackend;
  readonly roles: Readonly<Record<ContractRole, number>>;
  close(): Promise<void>;
}

const TERMS: readonly TemplateTerm[] = [...COMMON_TEMPLATE_TERMS, ...PROCESS_TEMPLATE_TERMS, ...DEVICE_TEMPLATE_TERMS];

// Representative values: defaults, boundaries, each rule's accepted and refused cases. Strings are
// measured in UTF-8 bytes by the kernel (ctparam_copyin: at most CT_PARAM_MAX_SIZE with the NUL).
const MAX = 8192;
const VALUES: { readonly [Term in TemplateTerm]: readonly CaseValue[] } = {
  cookie: [0n, 1n, 2n ** 64n - 1n],
  critical: [
    0,
    CT_PR_EV_EMPTY,
    CT_PR_EV_EMPTY | CT_PR_EV_HWERR,
    CT_PR_EV_EMPTY | CT_PR_EV_CORE,
    CT_PR_EV_EMPTY | CT_PR_EV_EXIT,
    CT_PR_ALLEVENT,
    0x40,
  ],
  informative: [0, CT_PR_EV_CORE | CT_PR_EV_SIGNAL, CT_PR_ALLEVENT, 0x40],
  fatal: [0, CT_PR_EV_CORE, CT_PR_EV_HWERR, CT_PR_ALLFATAL, CT_PR_EV_EXIT],
  param: [0, CT_PR_PGRPONLY, CT_PR_NOORPHAN, CT_PR_ALLPARAM, 0x20],
  transfer: [0, ...ROLES.map((role) => ({ role }))],
  svc_fmri: ['svc:/x:default', CT_PR_SVC_DEFAULT, '', 'x'.repeat(MAX - 1), 'x'.repeat(MAX), 'é'.repeat(MAX / 2)],
  svc_aux: ['', 'aux', 'x'.repeat(MAX - 1), 'x'.repeat(MAX), 'é'.repeat(MAX / 2)],
  aset: [CT_DEV_EV_ONLINE, CT_DEV_EV_OFFLINE, CT_PR_PGRPONLY, 0x20],
  minor: ['/pseudo/zero@0:zero', 'not-a-path', 'x'.repeat(MAX)],
  // noneg true is the transfer of contract 1 (CTDP_NONEG = CTPP_SUBSUME, CTDP_NONEG_SET = 1): what
  // contract 1 is differs between the worlds, so that value is checked by that identity instead.
  noneg: [false],
};

/** Every single step, then every pair of steps. */
export function termCases(): TermStep[][] {
  const steps = TERMS.flatMap((term) => VALUES[term].map((value) => ({ term, value })));
  return [...steps.map((step) => [step]), ...steps.flatMap((first) => steps.map((second) => [first, second]))];
}

/** What one call did, comparable across backends. */
type Outcome = { readonly ok: unknown } | { readonly error: Record<string, unknown> };

function outcome(action: () => unknown): Outcome {
  try {
    const result = action();
    return { ok: typeof result === 'bigint' ? `${result}n` : result };
  } catch (error) {
    const { name, code, errno, syscall } = error as Record<string, unknown>;
    return { error: { class: (error as Error).constructor.name, name, code, errno, syscall } };
  }
}

function resolve(world: TermWorld, value: CaseValue): TemplateTermValues[TemplateTerm] {
  return typeof value === 'object' && 'role' in value ? world.roles[value.role] : value;
}

/** Runs `steps` on a fresh process template of `world`: each step's outcome, then every term read back. */
export function runCase(world: TermWorld, steps: readonly TermStep[]): Record<string, Outcome> {
  const template: ContractTemplateHandle = world.backend.openTemplate('process');
  try {
    const record: Record<string, Outcome> = {};
    steps.forEach((step, index) => {
      record[`set#${index} ${step.term}`] = outcome(() => {
        template.set(step.term, resolve(world, step.value));
      });
    });
    for (const term of TERMS) record[`get ${term}`] = outcome(() => template.get(term));
    return record;
  } finally {
    template.close();
  }
}

/** The transfer outcomes on one backend for noneg true and for transfer 1: the same parameter. */
export function nonegIdentity(world: TermWorld): { noneg: Record<string, Outcome>; transfer: Record<string, Outcome> } {
  const noneg = runCase(world, [{ term: 'noneg', value: true }]);
  const transfer = runCase(world, [{ term: 'transfer', value: 1 }]);
  // The syscall names the function called, which differs by construction.
  const strip = (record: Record<string, Outcome>) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [
        key.replace(/ (noneg|transfer)$/, ''),
        'error' in value ? { error: { ...value.error, syscall: undefined } } : value,
      ]),
    );
  return { noneg: strip(noneg), transfer: strip(transfer) };
}

/** The simulator as a caller with the privileges root has on illumos, or none. */
export function simulatorWorld(privileged: boolean): TermWorld {
  const privileges: Privilege[] = privileged ? ['contract_event', 'contract_identity', 'contract_observer'] : [];
  const sim = createContractSimulator({ privileges, followRealChildren: false });
  const backend = sim.backend();
  const template = backend.openTemplate('process');
  template.activate();
  const fork = (): { pid: number; ctid: number } => {
    const pid = sim.world.fork(sim.self.pid);
    const latest = backend.openLatest('process');
    const ctid = latest.ctid;
    latest.close();
    return { pid, ctid };
  };
  const populated = fork();
  const empty = fork();
  sim.world.exit(empty.pid);
  const orphan = fork();
  const control = backend.openControl(orphan.ctid);
  control.abandon();
  control.close();
  template.clear();
  template.close();
  const unknown = Math.max(...sim.world.ctids()) + 1000;
  return {
    backend,
    roles: { unknown, orphan: orphan.ctid, 'own-populated': populated.ctid, 'own-empty': empty.ctid },
    close() {
      sim.close();
      return Promise.resolve();
    },
  };
}

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The Linux backend with real contracts in each role; `pids` collects every process it starts
 * (the caller kills them by pid in its finally). The unknown ctid is 1: the cgroup2 root's inode,
 * never a contract's.
 */
export async function linuxWorld(pids: Set<number>): Promise<TermWorld> {
  const backend = createLinuxContractBackend();
  const template = backend.openTemplate('process');
  const contracts: number[] = [];
  const start = (command: string): number => {
    template.activate();
    try {
      const child = spawn('sh', ['-c', command], { stdio: 'ignore' });
      if (child.pid !== undefined) pids.add(child.pid);
    } finally {
      template.clear();
    }
    const latest = backend.openLatest('process');
    contracts.push(latest.ctid);
    latest.close();
    return contracts.at(-1) ?? 0;
  };
  const members = (ctid: number): number[] => {
    const status = backend.openStatus(ctid);
    try {
      const read = status.read(CTD_ALL);
      return 'members' in read ? [...read.members] : [];
    } finally {
      status.close();
    }
  };
  const populated = start('exec sleep 60');
  const empty = start('exit 0');
  const orphan = start('exec sleep 60');
  template.close();
  await until(() => members(empty).length === 0);
  const control = backend.openControl(orphan);
  control.abandon();
  control.close();
  return {
    backend,
    roles: { unknown: 1, orphan, 'own-populated': populated, 'own-empty': empty },
    async close() {
      for (const ctid of contracts) {
        try {
          backend.sigsend(ctid, 9);
        } catch {
          // gone already
        }
      }
      await until(() =>
        contracts.every((ctid) => {
          try {
            return members(ctid).length === 0;
          } catch {
            return true;
          }
        }),
      );
      for (const ctid of [populated, empty]) {
        try {
          const control = backend.openControl(ctid);
          control.abandon();
          control.close();
        } catch {
          // gone already
        }
      }
    },
  };
}

/** A documented difference: the fidelity table's "INHERIT, REGENT, transfer" row. */
function regentUnavailable(steps: readonly TermStep[], index: number, reference: Outcome, linux: Outcome): boolean {
  const step = steps[index];
  return (
    step?.term === 'transfer' &&
    'ok' in reference &&
    'error' in linux &&
    linux.error['code'] === 'ENOTSUP' &&
    resolveRole(step.value) !== undefined
  );
}

function resolveRole(value: CaseValue): ContractRole | undefined {
  return typeof value === 'object' && 'role' in value ? value.role : undefined;
}

function describe(value: CaseValue): string {
  if (typeof value === 'string' && value.length > 20) return `<${value.length} × ${value[0] ?? ''}>`;
  return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
}

// Long strings read back are shortened in a report (they were compared whole).
function brief(result: Outcome): Outcome {
  return 'ok' in result && typeof result.ok === 'string' && result.ok.length > 40
    ? { ok: `${result.ok.slice(0, 20)}… (${result.ok.length} chars)` }
    : result;
}

/** One disagreement between the Linux backend and the simulator. */
export interface TermMismatch {
  readonly steps: string;
  readonly key: string;
  readonly simulator: Outcome;
  readonly linux: Outcome;
}

/**
 * Runs every case on both worlds; returns the disagreements, and how many cases ran and how many
 * met the documented regent difference (a subsume the simulator accepts is ENOTSUP on Linux, after
 * which the transfer term is not compared).
 */
export function compareWorlds(
  reference: TermWorld,
  linux: TermWorld,
): { cases: number; regent: number; mismatches: TermMismatch[] } {
  const mismatches: TermMismatch[] = [];
  let regent = 0;
  const cases = termCases();
  for (const steps of cases) {
    const expected = runCase(reference, steps);
    const actual = runCase(linux, steps);
    let diverged = false;
    for (let index = 0; index < steps.length; index++) {
      const key = Object.keys(expected)[index] ?? '';
      if (regentUnavailable(steps, index, expected[key] as Outcome, actual[key] as Outcome)) {
        diverged = true;
        regent++;
      }
    }
    for (const key of Object.keys(expected)) {
      if (diverged && /^(set#\d+ transfer|get transfer|get noneg)$/.test(key)) continue;
      const want = JSON.stringify(expected[key]);
      const got = JSON.stringify(actual[key]);
      if (want !== got) {
        mismatches.push({
          steps: steps.map(({ term, value }) => `${term}=${describe(value)}`).join(', '),
          key,
          simulator: brief(expected[key] as Outcome),
          linux: brief(actual[key] as Outcome),
        });
      }
    }
  }
  return { cases: cases.length, regent, mismatches };
}
