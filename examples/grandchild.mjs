// A command that double-forks a daemon (setsid, reparented to init) and exits at once: the usual
// way a process escapes child_process and process groups. A process contract keeps holding it:
// the demo shows it among the members, then signals the contract and watches it die.
import { readFileSync } from 'node:fs';

const DAEMON = 'sh -c "setsid sleep 30 </dev/null >/dev/null 2>&1 & echo \\$!"';

// The event's name: `type` where the facade gives the name there, else `name`.
const nameOf = (event) => (typeof event.type === 'string' ? event.type : event.name);

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Runs the escaping command in a contract on `system`; `kind` is openContractSystem()'s. */
export async function followGrandchild(system, kind, log = console.log) {
  const { child, contract } = system.spawn('sh', ['-c', DAEMON], {
    template: { informative: ['pr_fork', 'pr_exit'] },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events = [];
  const empty = new Promise((resolve) => {
    contract.on('event', (event) => {
      events.push(event);
      if (nameOf(event) === 'pr_empty') resolve();
    });
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  await new Promise((resolve) => child.stdout.on('end', resolve));
  await new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve()));
  const daemon = Number(text.trim());
  log(`  the shell (pid ${child.pid}) exited; its grandchild pid ${daemon} now has parent ${parentOf(daemon)}`);
  const status = contract.status();
  const held = status.members.includes(daemon);
  log(`  contract ${contract.id} members: [${status.members.join(', ')}]${held ? ' (the grandchild is held)' : ''}`);
  if (held) {
    contract.signal('SIGTERM');
    await empty;
    const exit = events.find((event) => nameOf(event) === 'pr_exit' && event.pid === daemon);
    log(
      `  signalled the contract: grandchild ${daemon} ${exit?.exit?.signaled ? `killed by ${exit.exit.signalName}` : 'exited'}; contract emptied`,
    );
  } else {
    log(`  the ${kind} backend does not follow grandchildren: it is killed by pid instead`);
    process.kill(daemon, 'SIGKILL');
  }
  contract.abandon();
  contract.close();
  return { daemon, held };
}
