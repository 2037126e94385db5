// Node's spawn_sync binding: the one call spawnSync, execSync and execFileSync all end in. Its
// object is the one node:child_process holds, so a wrapper on its `spawn` (spawn-sync-hook.ts)
// sees every synchronous spawn of the thread.
/** The options node:child_process passes to the binding (the part this hook reads or rewrites). */
export interface SpawnSyncOptions {
  file: string;
  args: string[];
  cwd?: string;
  envPairs?: string[];
  uid?: number;
  gid?: number;
}

/** What the binding returns (pid 0 when no process was made). */
export interface SpawnSyncResult {
  pid?: number;
  status?: number | null;
  signal?: string | null;
}

/** The binding's one function the hook wraps. */
export interface SpawnSyncBinding {
  spawn: (this: unknown, options: SpawnSyncOptions) => SpawnSyncResult;
}

/** The spawn_sync binding, or why this Node does not give it. */
export function spawnSyncBinding(): SpawnSyncBinding | string {
  try {
    // process.binding is documentation-deprecated (DEP0111) but is the only way to this binding;
    // under the permission model it throws, and the hook is then unavailable (and says so).
    const binding = (process as unknown as { binding(name: string): unknown }).binding('spawn_sync') as
      Partial<SpawnSyncBinding> | undefined;
    if (typeof binding?.spawn !== 'function') return "this Node has no spawn_sync binding with a 'spawn' function";
    return binding as SpawnSyncBinding;
  } catch (error) {
    return `process.binding('spawn_sync') is refused here (${(error as Error).message})`;
  }
}

/** Why synchronous children cannot be followed into contracts here, or undefined when they can. */
export function spawnSyncUnavailable(): string | undefined {
  const binding = spawnSyncBinding();
  return typeof binding === 'string' ? binding : undefined;
}
