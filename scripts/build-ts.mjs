// Builds the TypeScript package in the current directory: ESM and declarations with tsc, then a
// CommonJS twin of that output with esbuild, so `import` and `require()` each get their own files
// and types (dist/cjs carries {"type":"commonjs"}, which makes its .d.ts files CommonJS too).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { transform } from 'esbuild';

const require = createRequire(import.meta.url);
await rm('dist', { recursive: true, force: true });
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    stdio: 'inherit',
  });
} catch {
  process.exit(1); // tsc has printed the diagnostics
}

const esmDir = path.resolve('dist/esm');
const cjsDir = path.resolve('dist/cjs');
const importMetaShim = 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;';

for (const entry of await readdir(esmDir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const from = path.join(entry.parentPath, entry.name);
  const to = path.join(cjsDir, path.relative(esmDir, from));
  await mkdir(path.dirname(to), { recursive: true });
  if (entry.name.endsWith('.d.ts') || entry.name.endsWith('.d.ts.map')) {
    await copyFile(from, to);
  } else if (entry.name.endsWith('.js')) {
    const source = await readFile(from, 'utf8');
    const usesImportMeta = source.includes('import.meta');
    const { code } = await transform(source, {
      format: 'cjs',
      loader: 'js',
      target: 'node20',
      define: usesImportMeta ? { 'import.meta.url': '__importMetaUrl' } : {},
      banner: usesImportMeta ? importMetaShim : '',
    });
    await writeFile(to, code);
  }
}
await writeFile(path.join(cjsDir, 'package.json'), '{\n  "type": "commonjs"\n}\n');
