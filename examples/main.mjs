// The project's main job: both demos, on the real systems where this machine has them and on the
// simulators of @sysbind/testing-fakes elsewhere.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScriptedLoad } from './chat-load.mjs';
import { supervise } from './supervisor.mjs';
import { describeContractSystem, openContractSystem } from './systems.mjs';
import { followGrandchild } from './grandchild.mjs';

console.log('== 1. a supervised worker under a process contract');
const opened = openContractSystem();
const { system, close } = opened;
console.log(describeContractSystem(opened));
// A worker that crashes twice (SIGSEGV) before it finishes its job; the count survives restarts.
const scratch = mkdtempSync(path.join(tmpdir(), 'sysbind-demo-'));
const counter = path.join(scratch, 'runs');
const worker =
  `n=$(cat "${counter}" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "${counter}"; ` +
  `echo "  worker: run $n starting"; sleep 0.1; if [ $n -lt 3 ]; then kill -SEGV $$; fi; echo "  worker: job done"; exit 0`;
const runs = await supervise(system, 'sh', ['-c', worker], { restarts: 3 });
console.log('\n== 1b. a double-forked, setsid grandchild stays in the contract');
await followGrandchild(system, opened.kind);
close();
rmSync(scratch, { recursive: true, force: true });
console.log(`supervisor: ${runs.length} runs, fatal events: ${runs.map((run) => run.fatal ?? 'none').join(', ')}`);

console.log('\n== 2. the autoscaling chat cluster');
// The chat runs as a program of its own (the master VM); off a Gridcentric guest each clone it
// makes is a process: the chat program again, where clone() returned 0.
const { rooms, stats, final } = await runScriptedLoad();
const peak = Math.max(...stats.map((entry) => entry.clones));
console.log(
  `chat: ${rooms.length} rooms served by clones; the cluster grew to ${peak} clone(s) and shrank back; ` +
    `${final.ended} clone exit(s) reported; ${final.tickets} ticket(s) left`,
);
