// A small supervisor in the spirit of ctrun(1): it runs a command in a process contract of its
// own, reports what the contract says (exits, fatal signals, core dumps, hardware errors),
// restarts the command after a fatal event, and on Ctrl-C stops the whole process tree.
//
//   node examples/supervisor.mjs [--restarts N] -- command [args...]
import { fileURLToPath } from 'node:url';
import { describeContractSystem, openContractSystem } from './systems.mjs';

// Fatal events are critical (so they are queued until acknowledged) and kill the rest of the tree.
const template = {
  critical: ['pr_empty', 'pr_core', 'pr_signal', 'pr_hwerr'],
  informative: ['pr_exit'],
  fatal: ['pr_core', 'pr_signal', 'pr_hwerr'],
  params: ['noorphan'],
};
const fatalEvents = new Set(['pr_core', 'pr_signal', 'pr_hwerr']);

function describe(event) {
  switch (event.type) {
    case 'pr_exit':
      return event.exit.exited
        ? `pid ${event.pid} exited with status ${event.exit.code}`
        : `pid ${event.pid} was killed by ${event.exit.signalName ?? `signal ${event.exit.signal}`}`;
    case 'pr_signal':
      return `pid ${event.pid} received fatal signal ${event.signal}${event.sender === undefined ? '' : ` from pid ${event.sender}`}`;
    case 'pr_core':
      return `pid ${event.pid} dumped core${event.coreFiles.process ? ` (${event.coreFiles.process})` : ''}`;
    case 'pr_hwerr':
      return `pid ${event.pid} was killed by a hardware error`;
    case 'pr_empty':
      return `contract emptied (last member pid ${event.pid})`;
    default:
      return event.type;
  }
}

/**
 * Runs `command` under supervision until it ends without a fatal event, `restarts` restarts are
 * used up, or `signal` aborts. Resolves to what happened in each run.
 */
export async function supervise(
  system,
  command,
  args,
  { restarts = 3, signal, log = console.log, stdio = 'inherit' } = {},
) {
  const runs = [];
  for (;;) {
    const { child, contract } = system.spawn(command, args, { template, stdio });
    log(`[supervisor] run ${runs.length + 1}: pid ${child.pid} in contract ${contract.id}`);
    const stop = () => contract.signal('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    const run = { ctid: contract.id, events: [], fatal: undefined };
    for await (const event of contract.events()) {
      log(`[supervisor]   ${describe(event)}`);
      run.events.push(event.type);
      if (event.critical && !event.acknowledged) contract.ack(event.evid);
      if (fatalEvents.has(event.type)) run.fatal ??= event.type;
      if (event.type === 'pr_empty') break;
    }
    signal?.removeEventListener('abort', stop);
    contract.abandon();
    contract.close();
    runs.push(run);
    if (signal?.aborted) {
      log('[supervisor] stopped on request; the process tree is gone');
      return runs;
    }
    if (run.fatal === undefined) {
      log('[supervisor] the command ended without a fatal event; done');
      return runs;
    }
    if (runs.length > restarts) {
      log(`[supervisor] giving up after ${restarts} restarts`);
      return runs;
    }
    log(`[supervisor] restarting after ${run.fatal}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [] : argv.slice(0, separator);
  const [command, ...args] = separator === -1 ? argv : argv.slice(separator + 1);
  if (command === undefined) {
    console.error('usage: node examples/supervisor.mjs [--restarts N] -- command [args...]');
    process.exit(2);
  }
  const restartsAt = own.indexOf('--restarts');
  const restarts = restartsAt === -1 ? 3 : Number(own[restartsAt + 1]);
  const opened = openContractSystem();
  const { system, close } = opened;
  console.log(`[supervisor] ${describeContractSystem(opened)}`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  await supervise(system, command, args, { restarts, signal: controller.signal });
  close();
}
