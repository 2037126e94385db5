// The self-test (issue 12 item 22): the conformance cases that need only real processes, run
// against whatever implements the backend interface (the native addon on illumos, the simulator,
// a Linux backend), with a report to paste into an issue. Each case spawns real children with
// node:child_process under a template and checks what the backend says against what Node itself
// observes of those children (their pids, exit codes and signals). Children are killed by pid
// when a case ends.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import {
  CTD_ALL,
  CTE_INFO,
  CTS_INHERITED,
  CTS_OWNED,
  CT_PR_EV_EMPTY,
  CT_PR_EV_EXIT,
  CT_PR_EV_SIGNAL,
  CT_PR_NOORPHAN,
  isContractError,
  type ContractBackend,
  type ContractEventEndpoint,
  type RawContractEvent,
  type TemplateTermValues,
} from '@sysbind/contract-interface';

/** What a case ended as. */
export type SelfTestStatus = 'pass' | 'fail' | 'skip';

/** One case's outcome. */
export interface SelfTestResult {
  /** The case. */
  readonly name: string;
  /** The kernel functions whose behaviour it checks (illumos-gate). */
  readonly functions: string;
  /** pass, fail, or skip (with the reason in `detail`). */
  readonly status: SelfTestStatus;
  /** What was seen, or why it failed or was skipped. */
  readonly detail: string;
}

/** The outcome of a run. */
export interface SelfTestReport {
  /** The backend's name. */
  readonly backend: string;
  /** Each case, in order. */
  readonly results: readonly SelfTestResult[];
  /** How many passed, failed, were skipped. */
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** The report as text, to paste into an issue. */
  readonly text: string;
}

/** Options of {@link runSelfTest}. */
export interface SelfTestOptions {
  /** How long a case may wait for an event, in milliseconds (default 10,000). */
  readonly timeout?: number;
  /**
   * Makes a contract owned by another process of this process's contract, which then exits
   * without abandoning it, and resolves to its id (the adopt case; skipped without it).
   */
  readonly foreignOwner?: () => Promise<number>;
}

// A case skipped, with its reason.
class Skip extends Error {}

// Holds the children a case spawned, to kill them by pid at its end.
interface CaseContext {
  readonly backend: ContractBackend;
  readonly events: EventCollector;
  readonly children: ChildProcess[];
  readonly timeout: number;
  readonly foreignOwner: (() => Promise<number>) | undefined;
}

// The process bundle's events, by contract, with waiters.
class EventCollector {
  private readonly seen = new Map<number, RawContractEvent[]>();
  private readonly waiters = new Set<() => void>();
  private failure: Error | undefined;

  constructor(endpoint: ContractEventEndpoint) {
    endpoint.listen({
      onEvent: (event) => {
        let list = this.seen.get(event.ctid);
        if (list === undefined) this.seen.set(event.ctid, (list = []));
        list.push(event);
        for (const wake of [...this.waiters]) wake();
      },
      onError: (error) => {
        this.failure = error;
        for (const wake of [...this.waiters]) wake();
      },
    });
    endpoint.ref();
  }

  /** The first event of `ctid` with bit `type`, waiting up to `timeout` ms. */
  next(ctid: number, type: number, timeout: number): Promise<RawContractEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.failure !== undefined) {
          reject(this.failure);
          return true;
        }
        const list = this.seen.get(ctid) ?? [];
        const index = list.findIndex((event) => event.type === type);
        if (index < 0) return false;
        const [event] = list.splice(index, 1);
        if (event !== undefined) resolve(event);
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`no event 0x${type.toString(16)} of contract ${ctid} within ${timeout} ms`));
      }, timeout);
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

// Spawns `command` under a process template with `terms`, and returns the child and its contract.
function spawnUnder(
  context: CaseContext,
  terms: Partial<TemplateTermValues>,
  command: string,
  args: readonly string[],
  stdin: 'pipe' | 'ignore' = 'ignore',
): { child: ChildProcess; ctid: number } {
  const template = context.backend.openTemplate('process');
  let child: ChildProcess;
  try {
    for (const [term, value] of Object.entries(terms)) {
      template.set(term as keyof TemplateTermValues, value);
    }
    template.activate();
    try {
      child = spawn(command, args, { stdio: [stdin, 'ignore', 'ignore'] });
    } finally {
      template.clear();
    }
  } finally {
    template.close();
  }
  context.children.push(child);
  if (child.pid === undefined) throw new Error(`${command} could not be spawned`);
  const latest = context.backend.openLatest('process');
  const ctid = latest.ctid;
  latest.close();
  return { child, ctid };
}

function status(context: CaseContext, ctid: number): ReturnType<ReturnType<ContractBackend['openStatus']>['read']> {
  const handle = context.backend.openStatus(ctid);
  try {
    return handle.read(CTD_ALL);
  } finally {
    handle.close();
  }
}

function control<T>(
  context: CaseContext,
  ctid: number,
  use: (handle: ReturnType<ContractBackend['openControl']>) => T,
): T {
  const handle = context.backend.openControl(ctid);
  try {
    return use(handle);
  } finally {
    handle.close();
  }
}

async function exitOf(child: ChildProcess, timeout: number): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => {
      reject(new Error(`pid ${child.pid ?? '?'} did not exit within ${timeout} ms`));
    }, timeout).unref(),
  );
  const [code, signal] = await Promise.race([exited, timer]);
  return { code, signal };
}

interface SelfTestCase {
  readonly name: string;
  readonly functions: string;
  run(context: CaseContext): Promise<string>;
}

const cases: readonly SelfTestCase[] = [
  {
    name: 'spawn under a template, events with their payloads, status, ack',
    functions: 'contract_process_fork, contract_process_exit, contract_status_common, contract_ack',
    async run(context) {
      const cookie = 0x5e1f7e57n;
      const { child, ctid } = spawnUnder(
        context,
        { cookie, critical: CT_PR_EV_EMPTY, informative: CT_PR_EV_EXIT },
        'sh',
        ['-c', 'read line; exit 3'],
        'pipe',
      );
      const before = status(context, ctid);
      expect(before.type === 'process', `type ${before.type}`);
      expect(before.state === CTS_OWNED, `state ${before.state}, expected owned`);
      expect(before.holder === context.backend.pid, `holder ${before.holder}, expected ${context.backend.pid}`);
      expect(before.cookie === cookie, `cookie ${before.cookie}`);
      expect(before.members?.includes(child.pid ?? -1) === true, `members ${String(before.members)} lack ${child.pid}`);
      child.stdin?.end('go\n');
      const exit = await context.events.next(ctid, CT_PR_EV_EXIT, context.timeout);
      const empty = await context.events.next(ctid, CT_PR_EV_EMPTY, context.timeout);
      const node = await exitOf(child, context.timeout);
      expect(node.code === 3, `Node saw exit ${String(node.code)}`);
      expect(exit.pid === child.pid, `pr_exit pid ${exit.pid}`);
      expect(exit.exitStatus === 3 << 8, `pr_exit wait status ${exit.exitStatus}, expected ${3 << 8}`);
      expect((exit.flags & CTE_INFO) !== 0, 'pr_exit not informative');
      expect(empty.pid === child.pid, `pr_empty pid ${empty.pid}`);
      expect((empty.flags & CTE_INFO) === 0, 'pr_empty not critical');
      const unacked = status(context, ctid).nevents;
      expect(unacked === 1, `nevents ${unacked} before the ack, expected 1`);
      control(context, ctid, (handle) => {
        handle.ack(empty.evid);
      });
      const acked = status(context, ctid).nevents;
      expect(acked === 0, `nevents ${acked} after the ack`);
      control(context, ctid, (handle) => {
        handle.abandon();
      });
      return `contract ${ctid}: holder ${before.holder}, member ${child.pid}, pr_exit status 0x${exit.exitStatus?.toString(16)}, pr_empty acked`;
    },
  },
  {
    name: 'sigsend to every member, then ESRCH; abandon',
    functions: 'sigsend(P_CTID), contract_abandon',
    async run(context) {
      const { child, ctid } = spawnUnder(context, { critical: CT_PR_EV_EMPTY, informative: CT_PR_EV_EXIT }, 'sleep', [
        '30',
      ]);
      context.backend.sigsend(ctid, constants.signals.SIGTERM);
      const exit = await context.events.next(ctid, CT_PR_EV_EXIT, context.timeout);
      await context.events.next(ctid, CT_PR_EV_EMPTY, context.timeout);
      const node = await exitOf(child, context.timeout);
      expect(node.signal === 'SIGTERM', `Node saw ${String(node.signal ?? node.code)}`);
      expect(((exit.exitStatus ?? 0) & 0x7f) === constants.signals.SIGTERM, `pr_exit wait status ${exit.exitStatus}`);
      let again: unknown;
      try {
        context.backend.sigsend(ctid, constants.signals.SIGTERM);
      } catch (error) {
        again = error;
      }
      expect(isContractError(again, 'ESRCH'), `sigsend to an empty contract: ${String(again)}`);
      control(context, ctid, (handle) => {
        handle.abandon();
      });
      let gone: unknown;
      try {
        status(context, ctid);
      } catch (error) {
        gone = error;
      }
      expect(gone === undefined || isContractError(gone, 'ENOENT'), `status after abandon: ${String(gone)}`);
      return `contract ${ctid}: SIGTERM reached pid ${child.pid}; then ESRCH; abandoned`;
    },
  },
  {
    name: 'observe through the contract’s events file',
    functions: 'ctfs_ev_open, cte_publish',
    async run(context) {
      const { child, ctid } = spawnUnder(
        context,
        { critical: CT_PR_EV_EMPTY, informative: CT_PR_EV_EXIT },
        'sh',
        ['-c', 'read line; exit 0'],
        'pipe',
      );
      const endpoint = context.backend.openEvents(ctid);
      try {
        const observed = new EventCollector(endpoint);
        child.stdin?.end('go\n');
        const exit = await observed.next(ctid, CT_PR_EV_EXIT, context.timeout);
        expect(exit.pid === child.pid, `observed pr_exit pid ${exit.pid}`);
        await context.events.next(ctid, CT_PR_EV_EMPTY, context.timeout);
      } finally {
        endpoint.close();
      }
      control(context, ctid, (handle) => {
        handle.abandon();
      });
      return `contract ${ctid}: the observer saw pr_exit of pid ${child.pid}`;
    },
  },
  {
    name: 'adopt an inherited contract',
    functions: 'contract_exit (CT_PR_INHERIT to a regent), contract_adopt',
    async run(context) {
      // A contract is inherited when its owner exits without abandoning it (an explicit abandon
      // orphans it), so this needs another process of this one's process contract to own one.
      if (context.foreignOwner === undefined) {
        throw new Skip('needs a contract left by another process of this contract (options.foreignOwner)');
      }
      const ctid = await context.foreignOwner();
      const inherited = status(context, ctid);
      if (inherited.state !== CTS_INHERITED) {
        throw new Skip(
          `the contract's owner exited and it is in state ${inherited.state}, not inherited: this process's own contract is no regent (CT_PR_REGENT)`,
        );
      }
      control(context, ctid, (handle) => {
        handle.adopt();
      });
      const adopted = status(context, ctid);
      expect(adopted.state === CTS_OWNED, `state ${adopted.state} after adopt`);
      expect(adopted.holder === context.backend.pid, `holder ${adopted.holder} after adopt`);
      context.backend.sigsend(ctid, constants.signals.SIGKILL);
      control(context, ctid, (handle) => {
        handle.abandon();
      });
      return `contract ${ctid}: inherited by regent ${inherited.holder}, adopted`;
    },
  },
  {
    name: 'NOORPHAN: abandoning kills the members',
    functions: 'contract_abandon → contract_process_abandon (CT_PR_NOORPHAN)',
    async run(context) {
      const { child, ctid } = spawnUnder(context, { param: CT_PR_NOORPHAN }, 'sleep', ['30']);
      control(context, ctid, (handle) => {
        handle.abandon();
      });
      const node = await exitOf(child, context.timeout);
      expect(node.signal === 'SIGKILL', `Node saw ${String(node.signal ?? node.code)}, expected SIGKILL`);
      return `contract ${ctid}: pid ${child.pid} was killed by SIGKILL on abandon`;
    },
  },
  {
    name: 'a fatal signal from outside the contract',
    functions: 'contract_process_sig (CT_PR_EV_SIGNAL), contract_process_kill (fatal set)',
    async run(context) {
      const { child, ctid } = spawnUnder(
        context,
        { fatal: CT_PR_EV_SIGNAL, critical: CT_PR_EV_SIGNAL | CT_PR_EV_EMPTY },
        'sleep',
        ['30'],
      );
      // The sender must be neither the holder nor a member: a kill(1) outside any template.
      await new Promise<void>((resolve, reject) => {
        execFile('kill', ['-TERM', String(child.pid)], (error: Error | null) => {
          if (error === null) resolve();
          else reject(error);
        });
      });
      const signal = await context.events.next(ctid, CT_PR_EV_SIGNAL, context.timeout);
      await context.events.next(ctid, CT_PR_EV_EMPTY, context.timeout);
      const node = await exitOf(child, context.timeout);
      expect(node.signal === 'SIGTERM' || node.signal === 'SIGKILL', `Node saw ${String(node.signal ?? node.code)}`);
      expect(signal.pid === child.pid, `pr_signal pid ${signal.pid}`);
      expect(signal.signal === constants.signals.SIGTERM, `pr_signal signal ${signal.signal}`);
      control(context, ctid, (handle) => {
        handle.abandon();
      });
      return `contract ${ctid}: pr_signal ${signal.signal} for pid ${child.pid}${signal.sender === undefined ? '' : ` from pid ${signal.sender}`}, then pr_empty`;
    },
  },
];

/**
 * Runs the self-test cases against the backend `createBackend` makes (called once; the backend
 * is closed at the end). Never throws for a failing case: each becomes a result.
 */
export async function runSelfTest(
  createBackend: () => ContractBackend,
  options: SelfTestOptions = {},
): Promise<SelfTestReport> {
  const timeout = options.timeout ?? 10_000;
  const backend = createBackend();
  const results: SelfTestResult[] = [];
  // The process bundle is opened before the first fork: that is where held contracts report.
  const pbundle = backend.openProcessBundle('process');
  try {
    const events = new EventCollector(pbundle);
    for (const testCase of cases) {
      const context: CaseContext = { backend, events, children: [], timeout, foreignOwner: options.foreignOwner };
      let status: SelfTestStatus = 'pass';
      let detail: string;
      try {
        detail = await testCase.run(context);
      } catch (error) {
        status = error instanceof Skip ? 'skip' : 'fail';
        detail = error instanceof Error ? error.message : String(error);
      } finally {
        for (const child of context.children) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
      }
      results.push({ name: testCase.name, functions: testCase.functions, status, detail });
    }
  } finally {
    pbundle.close();
    backend.close?.();
  }
  const passed = results.filter((result) => result.status === 'pass').length;
  const failed = results.filter((result) => result.status === 'fail').length;
  const skipped = results.length - passed - failed;
  return { backend: backend.name, results, passed, failed, skipped, text: formatReport(backend.name, results) };
}

function formatReport(backend: string, results: readonly SelfTestResult[]): string {
  const lines = [
    '### @sysbind/contract-native self-test',
    '',
    `- backend: ${backend}`,
    `- platform: ${process.platform} ${process.arch}, Node.js ${process.version}`,
    `- date: ${new Date().toISOString()}`,
    '',
    '| result | case | illumos-gate | detail |',
    '| --- | --- | --- | --- |',
    ...results.map(
      (result) =>
        `| ${result.status.toUpperCase()} | ${result.name} | ${result.functions} | ${result.detail.replaceAll('|', '\\|')} |`,
    ),
    '',
    `${results.filter((result) => result.status === 'pass').length} passed, ` +
      `${results.filter((result) => result.status === 'fail').length} failed, ` +
      `${results.filter((result) => result.status === 'skip').length} skipped`,
  ];
  return lines.join('\n');
}
