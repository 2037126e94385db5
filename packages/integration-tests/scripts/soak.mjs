// The soak tests on their own (pnpm run soak), with their counts from the environment or the
// full ones of the notes: 10,000 concurrent contracts losing no critical event, and 100,000
// lifecycles on each backend leaving the heap and the fd count flat. Raise the SYSBIND_SOAK_*
// variables to soak longer. Prints each run's figures.
import { spawnSync } from 'node:child_process';

const run = spawnSync('pnpm', ['exec', 'vitest', 'run', 'test/soak-critical.test.ts', 'test/soak-lifecycles.test.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    SYSBIND_SOAK_CONTRACTS: process.env.SYSBIND_SOAK_CONTRACTS ?? '10000',
    SYSBIND_SOAK_LIFECYCLES: process.env.SYSBIND_SOAK_LIFECYCLES ?? '100000',
    SYSBIND_SOAK_NATIVE_LIFECYCLES: process.env.SYSBIND_SOAK_NATIVE_LIFECYCLES ?? '100000',
    SYSBIND_SOAK_LINUX_LIFECYCLES: process.env.SYSBIND_SOAK_LINUX_LIFECYCLES ?? '5000',
  },
});
process.exitCode = run.status ?? 1;
