// Code under test in the "Testing with @sysbind/testing-fakes" guide: an application function
// that runs a job in a process contract of its own.
// #region run-job
import type { ContractSystem } from '@sysbind/contract';

/** How a job ended, as the job's contract told it. */
export type JobOutcome = 'ok' | 'failed' | 'crashed';

/** Runs `command` in a new process contract and reports how it ended. */
export async function runJob(system: ContractSystem, command: string, args: readonly string[]): Promise<JobOutcome> {
  const { contract } = system.spawn(command, args, {
    template: { critical: ['pr_empty', 'pr_core'], fatal: ['pr_core'], informative: ['pr_exit'] },
    stdio: 'ignore',
  });
  let outcome: JobOutcome = 'ok';
  try {
    for await (const event of contract.events()) {
      if (event.type === 'pr_core') outcome = 'crashed';
      if (event.type === 'pr_exit' && event.exit.exited && event.exit.code !== 0 && outcome === 'ok') {
        outcome = 'failed';
      }
      if (event.critical && !event.acknowledged) contract.ack(event.evid);
      if (event.type === 'pr_empty') break;
    }
    contract.abandon();
  } finally {
    contract.close();
  }
  return outcome;
}
// #endregion run-job
