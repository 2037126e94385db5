/**
 * Where in the program a Gridcentric call was made: the stack of the call, without this
 * package's own frames and without Node's internals. Two runs of the same program make the same
 * call from the same place with the same key, whatever the timing of other calls, which is what
 * lets a clone process find "the same call" in its parent's journal (clone-replay.ts) although
 * calls on other paths (answers to network input, timers) interleave differently.
 */
const MAX_FRAMES = 40;

// This file's directory, in the form V8 prints it, to drop the simulator's own frames: they
// differ between the recording and the replaying side, the program's do not.
const OWN_DIRECTORY = new URL('.', import.meta.url).href;
const OWN_PATH = OWN_DIRECTORY.startsWith('file://') ? decodeURIComponent(new URL(OWN_DIRECTORY).pathname) : '';

function isProgramFrame(line: string): boolean {
  if (!line.startsWith('at ')) return false;
  if (line.includes('node:internal') || line.includes('(native)') || line.includes('<anonymous>')) return false;
  if (line.includes(OWN_DIRECTORY) || (OWN_PATH !== '' && line.includes(OWN_PATH))) return false;
  return true;
}

/** The call site of the Gridcentric call being made now, as a string key. */
export function captureCallSite(): string {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = MAX_FRAMES;
  const stack = new Error('call site').stack ?? '';
  Error.stackTraceLimit = saved;
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter(isProgramFrame)
    .join('\n');
}
