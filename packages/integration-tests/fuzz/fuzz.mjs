// Fuzzer of both native addons (sim flavor: raw exports and native backends) and both facades
// (with their compat entries), over the testing-fakes simulators. Imports the BUILT packages: run
// the workspace build first.
//
//   node fuzz/fuzz.mjs [--calls N] [--seed S] [--chunk C] [--jobs J] [--first F] [--trace]
//
// The calls run in child processes of --chunk calls each (--jobs at a time), so that a native
// crash or a hang ends one child and is reported with its seed instead of taking the run down.
// A chunk replays alone: `--seed S --first F --calls C` runs exactly the calls F..F+C-1 of the
// run with seed S; --trace prints every call as it is made (the last one printed before a crash
// is the culprit). The last line reads `fuzz: N calls, N crashes, N findings`; the exit status is
// non-zero if either count is.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CHUNK_TIMEOUT_MS = 300_000;
/** After its last call, a chunk must end by itself: nothing of ours may keep its loop alive. */
const EXIT_GRACE_MS = 15_000;

const { values: options } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    chunk: { type: 'string', default: '50000' },
    jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    first: { type: 'string', default: '0' },
    trace: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
  },
});

const calls = Number(options.calls);
const first = Number(options.first);
const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(options.seed) >>> 0;

if (options.child) {
  await runAsChild();
} else {
  await supervise();
}

async function runAsChild() {
  const { runChunk } = await import('./run-chunk.mjs');
  const report = await runChunk({ seed, first, count: calls, trace: options.trace });
  process.stdout.write(`${JSON.stringify({ report })}\n`);
  // No process.exit(): the supervisor checks that the loop empties by itself.
  const lingering = setTimeout(() => {
    const handles = process
      .getActiveResourcesInfo()
      .filter((name) => name !== 'Timeout')
      .join(', ');
    process.stderr.write(`fuzz chunk ${first}: still alive after its last call; active: ${handles}\n`);
  }, EXIT_GRACE_MS / 2);
  lingering.unref();
}

async function supervise() {
  const chunkSize = Number(options.chunk);
  const jobs = Math.max(1, Number(options.jobs));
  console.log(`fuzz: seed ${seed}, ${calls} calls from call ${first}, chunks of ${chunkSize}, ${jobs} at a time`);
  const chunks = [];
  for (let start = first; start < first + calls; start += chunkSize) {
    chunks.push({ start, count: Math.min(chunkSize, first + calls - start) });
  }
  const started = Date.now();
  const totals = { calls: 0, crashes: 0, findings: 0, outcomes: {} };
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      const result = await runChild(chunk.start, chunk.count, options.trace);
      totals.calls += chunk.count;
      judge(chunk, result, totals);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, chunks.length) }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const outcomes = Object.entries(totals.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([name, number]) => `${name} ${number}`)
    .join(', ');
  console.log(`fuzz: outcomes: ${outcomes}`);
  console.log(`fuzz: seed ${seed}, ${seconds} s`);
  console.log(`fuzz: ${totals.calls} calls, ${totals.crashes} crashes, ${totals.findings} findings`);
  process.exitCode = totals.crashes + totals.findings === 0 ? 0 : 1;
}

function judge(chunk, result, totals) {
  const replay = `node fuzz/fuzz.mjs --seed ${seed} --first ${chunk.start} --calls ${chunk.count}`;
  const report = result.report;
  if (report !== undefined) {
    for (const [name, number] of Object.entries(report.outcomes)) {
      totals.outcomes[name] = (totals.outcomes[name] ?? 0) + number;
    }
    totals.findings += report.findingCount;
    for (const finding of report.findings) {
      console.log(
        `FINDING (${finding.kind}) seed ${seed}, ${finding.description}\n  ${finding.detail}\n  replay: ${replay}`,
      );
    }
  }
  if (result.signal !== null || (report === undefined && !result.timedOut)) {
    totals.crashes++;
    console.log(
      `CRASH seed ${seed}, chunk of calls ${chunk.start}..${chunk.start + chunk.count - 1}: ` +
        `${result.signal ?? `exit ${result.code}`}\n${tail(result.stderr)}\n  replay with --trace to see the last call: ${replay} --trace`,
    );
  } else if (result.timedOut) {
    totals.findings++;
    console.log(
      `FINDING (hang) seed ${seed}, chunk of calls ${chunk.start}..: ${report === undefined ? 'the calls did not finish' : 'the process did not exit after its last call'} in time\n${tail(result.stderr)}\n  replay: ${replay} --trace`,
    );
  } else if (result.code !== 0) {
    totals.findings++;
    console.log(`FINDING (exit ${result.code}) seed ${seed}, chunk ${chunk.start}\n${tail(result.stderr)}`);
  }
}

function tail(text) {
  return text.split('\n').slice(-30).join('\n');
}

function runChild(start, count, trace) {
  return new Promise((resolve) => {
    const args = [
      '--expose-gc',
      fileURLToPath(import.meta.url),
      '--child',
      '--seed',
      String(seed),
      '--first',
      String(start),
      '--calls',
      String(count),
      ...(trace ? ['--trace'] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let exitDeadline;
    child.stdout.setEncoding('utf8').on('data', (data) => {
      stdout += data;
      // The report is out: from now on the child only has to let its loop empty.
      if (exitDeadline === undefined && stdout.includes('\n')) {
        exitDeadline = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, EXIT_GRACE_MS);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (data) => {
      // --trace output can be huge: keep the end, which is what tells.
      stderr = (stderr + data).slice(-200_000);
    });
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CHUNK_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(exitDeadline);
      let report;
      try {
        report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '').report;
      } catch {
        report = undefined;
      }
      resolve({ code, signal: timedOut ? null : signal, stderr, report, timedOut });
    });
  });
}
