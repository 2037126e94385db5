import { defineConfig } from 'vitest/config';

// Every package runs vitest on its sources (the `@sysbind/source` export condition) and writes a
// JSON report that scripts/run-tests.mjs adds up into the closing `N passed, N failed` line.
const conditions = ['@sysbind/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    testTimeout: 20_000,
  },
});
