#!/usr/bin/env node
// `npx @sysbind/contract-native selftest [--json] [--timeout ms]`: runs the self-test against the
// native addon (illumos) and prints the report to paste into an issue. Exit status 0 when no case
// failed. Other backends run the same cases through runSelfTest (@sysbind/contract-native/selftest).
import { parseArgs } from 'node:util';
import { createNativeContractBackend } from './native-backend.ts';
import { runSelfTest } from './selftest.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'boolean', default: false }, timeout: { type: 'string', default: '10000' } },
});
if (positionals[0] !== 'selftest') {
  process.stderr.write('usage: contract-native selftest [--json] [--timeout ms]\n');
  process.exit(2);
}
// No top-level await: the build also makes a CommonJS twin of this file.
runSelfTest(createNativeContractBackend, { timeout: Number(values.timeout) }).then(
  (report) => {
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${report.text}\n`);
    process.exitCode = report.failed === 0 ? 0 : 1;
  },
  (error: unknown) => {
    process.stderr.write(`contract-native selftest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
