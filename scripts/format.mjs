// Formats the TypeScript/JavaScript sources with Prettier and the C and C++ sources with
// clang-format (.prettierrc.json, .clang-format). With --check it only reports files that are not
// formatted and exits non-zero, as CI runs it.
import { spawnSync } from 'node:child_process';

const check = process.argv.includes('--check');
const prettierArgs = [check ? '--check' : '--write', '--log-level=warn', '**/*.{ts,mts,js,mjs,json}'];
const prettier = spawnSync('pnpm', ['exec', 'prettier', ...prettierArgs], { stdio: 'inherit' });
if (prettier.status !== 0) process.exit(prettier.status ?? 1);

const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.c', '*.cc', '*.h'], {
  encoding: 'utf8',
});
const files = listed.stdout.split('\n').filter((file) => file !== '');
if (files.length === 0) process.exit(0);
const args = check ? ['--dry-run', '-Werror', ...files] : ['-i', ...files];
const result = spawnSync('clang-format', args, { stdio: 'inherit' });
if (result.error) {
  console.error(`clang-format could not run (${result.error.message}); scripts/setup.sh installs it`);
  process.exit(1);
}
process.exit(result.status ?? 1);
