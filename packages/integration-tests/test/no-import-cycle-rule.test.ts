// The lint rule sysbind/no-import-cycle (scripts/eslint/no-import-cycle.mjs) on files written to a
// scratch folder: it reads the imported files from disk, so the cases are real files, not strings.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Linter, type Rule } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The rule is plain JavaScript beside the lint config; its shape is ESLint's rule module.
const { default: rule } = (await import(
  new URL('../../../scripts/eslint/no-import-cycle.mjs', import.meta.url).href
)) as { default: Rule.RuleModule };

const folder = mkdtempSync(path.join(tmpdir(), 'import-cycle-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function cycleMessages(file: string, text: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: folder });
  const config = [
    {
      files: ['**/*.mjs'],
      plugins: { sysbind: { rules: { 'no-import-cycle': rule } } },
      rules: { 'sysbind/no-import-cycle': 'error' as const },
    },
  ];
  return linter.verify(text, config, { filename: file }).map((message) => message.message);
}

describe('sysbind/no-import-cycle', () => {
  it('reports a cycle through `export … from` and a bare import', () => {
    const a = write('cycle/a.mjs', "export { b } from './b.mjs';\n");
    write('cycle/b.mjs', "import './a.mjs';\nexport const b = 1;\n");
    expect(cycleMessages(a, "export { b } from './b.mjs';\n")).toEqual([expect.stringMatching(/^import cycle: /)]);
  });

  it('does not read a URL to a folder in a declaration as an import (it crashed with EISDIR)', () => {
    mkdirSync(path.join(folder, 'url/native'), { recursive: true });
    const text = "export const dir = new URL('./native', import.meta.url);\n";
    const file = write('url/dirs.mjs', text);
    expect(cycleMessages(file, text)).toEqual([]);
  });

  it('passes a chain without a cycle', () => {
    const text = "import { d } from './d.mjs';\nexport const c = d;\n";
    const c = write('chain/c.mjs', text);
    write('chain/d.mjs', 'export const d = 1;\n');
    expect(cycleMessages(c, text)).toEqual([]);
  });
});
