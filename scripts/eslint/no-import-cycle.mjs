// ESLint rule: no file may reach itself through relative imports (`import`, `import type`,
// `export … from`). Type-only cycles count too: they tie two files' meanings together as much as
// value cycles do, and they turn into value cycles with the next edit. Imports of other packages
// are not followed; the package graph has its own test (integration-tests/test/package-graph).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// `… from '<spec>'` or a bare `import '<spec>'`; an `=` before the string means a declaration such
// as `export const dir = new URL('../native', import.meta.url)`, which imports nothing.
const SPECIFIER = /(?:^|[\n;])\s*(?:(?:import|export)\b[^'"`;=]*?\bfrom\s*|import\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const edges = new Map();

function relativeImports(file) {
  let found = edges.get(file);
  if (found !== undefined) return found;
  found = [];
  if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) found.push(path.resolve(path.dirname(file), match[1]));
  }
  edges.set(file, found);
  return found;
}

// The shortest path of imports from `start` back to `start`, or undefined.
function cycleFrom(start) {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of relativeImports(file)) {
      if (next === start) {
        const chain = [start];
        for (let at = file; at !== start; at = previous.get(at)) chain.splice(1, 0, at);
        return chain;
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid import cycles between files' },
    schema: [],
    messages: { cycle: 'import cycle: {{chain}}' },
  },
  create(context) {
    const file = context.filename;
    // Each run starts from the files as they are on disk now.
    edges.delete(file);
    return {
      'Program:exit'(program) {
        const chain = cycleFrom(file);
        if (chain === undefined) return;
        const next = chain[1];
        const names = [...chain, file].map(
          (member) => path.relative(path.dirname(file), member) || path.basename(file),
        );
        const declaration = program.body.find(
          (node) =>
            (node.type === 'ImportDeclaration' ||
              node.type === 'ExportNamedDeclaration' ||
              node.type === 'ExportAllDeclaration') &&
            typeof node.source?.value === 'string' &&
            path.resolve(path.dirname(file), node.source.value) === next,
        );
        context.report({ node: declaration ?? program, messageId: 'cycle', data: { chain: names.join(' → ') } });
      },
    };
  },
};
