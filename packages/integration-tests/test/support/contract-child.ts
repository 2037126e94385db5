// Runs a TypeScript driver of test/fixtures in a plain node child process (or worker), so that a
// crash of the addon fails one test instead of killing the test runner, and so that flags such as
// --expose-gc apply. The driver is bundled from the workspace sources with esbuild, except the
// addon package, which the child loads from its build (dist and the compiled .node) as any user
// would; the bundle is written under node_modules/.cache so that resolution finds it.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(packageDir, 'node_modules', '.cache', 'sysbind-contract-drivers');

/** Bundles test/fixtures/`name`.ts into an ESM file and returns its path. */
export async function bundleDriver(name: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const outfile = path.join(cacheDir, `${name}.mjs`);
  await build({
    entryPoints: [path.join(packageDir, 'test', 'fixtures', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@sysbind/source'],
    external: ['@sysbind/contract-interface', '@sysbind/contract-native', '@sysbind/contract-native/*'],
    logLevel: 'silent',
  });
  return outfile;
}

/** How a child process ended, and what it wrote. */
export interface ChildOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with node (and `execArgv`), collecting its output; SIGTERM after `killAfterMs`. */
export function runNode(
  file: string,
  args: readonly string[] = [],
  execArgv: readonly string[] = [],
  killAfterMs?: number,
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgv, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), killAfterMs);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last line of a driver's stdout, parsed as its JSON report (checked by the caller). */
export function reportOf(outcome: ChildOutcome): unknown {
  const lines = outcome.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? 'null');
}
