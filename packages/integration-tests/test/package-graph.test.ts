// The package graph documented in docs/guides/architecture.md is the only one allowed: every edge
// of every package.json (runtime: dependencies and peerDependencies; tests and builds:
// devDependencies besides the workspace tooling) must appear in the table between the
// `package-graph` markers, and every documented package must exist.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const TOOLING = new Set(['@sysbind/tsconfig', '@sysbind/test-support']);

interface DocumentedPackage {
  readonly runtime: ReadonlySet<string>;
  readonly development: ReadonlySet<string>;
  /** "every `@sysbind` package" in the tests column. */
  readonly anyWorkspaceForTests: boolean;
}

function documentedGraph(): Map<string, DocumentedPackage> {
  const guide = readFileSync(path.join(root, 'docs/guides/architecture.md'), 'utf8');
  const start = guide.indexOf('<!-- package-graph -->');
  const end = guide.indexOf('<!-- /package-graph -->');
  if (start === -1 || end === -1) throw new Error('architecture.md has no package-graph table');
  const names = (cell: string): Set<string> => new Set([...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''));
  const graph = new Map<string, DocumentedPackage>();
  for (const line of guide.slice(start, end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | package | runtime | tests and builds |  → ['', package, runtime, tests, '']
    if (cells.length !== 5 || !cells[1]?.startsWith('`@sysbind/')) continue;
    const [name] = names(cells[1]);
    if (name === undefined) continue;
    graph.set(name, {
      runtime: names(cells[2] ?? ''),
      development: names(cells[3] ?? ''),
      anyWorkspaceForTests: (cells[3] ?? '').includes('every `@sysbind` package'),
    });
  }
  return graph;
}

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

function manifests(): Manifest[] {
  const folders = [...readdirSync(path.join(root, 'packages')).map((name) => path.join('packages', name)), 'examples'];
  return folders.map((folder) => JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8')) as Manifest);
}

describe('the package graph of docs/guides/architecture.md', () => {
  const graph = documentedGraph();
  const all = manifests();

  it('documents every package of the workspace, and no other', () => {
    expect([...graph.keys()].sort()).toEqual(all.map((manifest) => manifest.name).sort());
  });

  it.each(all.map((manifest) => [manifest.name, manifest] as const))(
    '%s has only documented edges',
    (name, manifest) => {
      const documented = graph.get(name);
      expect(documented, `${name} is not in the table`).toBeDefined();
      if (documented === undefined) return;
      const runtime = Object.keys({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
        ...manifest.optionalDependencies,
      });
      const undocumentedRuntime = runtime.filter((dependency) => !documented.runtime.has(dependency));
      expect(undocumentedRuntime, `${name}: runtime edges missing from the table`).toEqual([]);
      const development = Object.keys(manifest.devDependencies ?? {}).filter(
        (dependency) => !TOOLING.has(dependency) && !runtime.includes(dependency),
      );
      const undocumentedDevelopment = development.filter(
        (dependency) =>
          !documented.development.has(dependency) &&
          !(documented.anyWorkspaceForTests && dependency.startsWith('@sysbind/')),
      );
      expect(undocumentedDevelopment, `${name}: test and build edges missing from the table`).toEqual([]);
    },
  );

  it('keeps native packages and build tools out of what the fakes and the interfaces pull', () => {
    const forbidden = /-native$|^cmake-js$|^node-gyp$|^@sysbind\/contract$|^@sysbind\/gridcentric$/;
    for (const name of [
      '@sysbind/testing-fakes',
      '@sysbind/contract-interface',
      '@sysbind/gridcentric-interface',
      '@sysbind/core',
    ]) {
      const runtime = [...(graph.get(name)?.runtime ?? [])];
      expect(
        runtime.filter((dependency) => forbidden.test(dependency)),
        name,
      ).toEqual([]);
    }
  });
});
