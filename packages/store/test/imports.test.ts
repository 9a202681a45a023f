import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/** Each source file of the store and the store files it imports (`./x` → `x.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(SRC).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const imported = [...text.matchAll(/from '\.\/([\w-]+)'/g)].map((m) => `${m[1]}.ts`);
    graph.set(file, imported);
  }
  return graph;
}

/** One import cycle of the graph, as the files around it, or null. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return null;
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    done.add(file);
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe('the store package', () => {
  it('has no import cycle between its files (type imports included)', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(5);
    for (const [file, imported] of graph) {
      for (const target of imported) expect(graph.has(target), `${file} imports ${target}`).toBe(true);
    }
    expect(findCycle(graph)).toBeNull();
  });

  it('finds a cycle when there is one', () => {
    expect(
      findCycle(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['a.ts']],
        ]),
      ),
    ).toEqual(['a.ts', 'b.ts', 'a.ts']);
  });

  it('keeps the store class out of its parts: only index.ts imports clickhouse-store.ts', () => {
    const importers = [...importGraph()].filter(([, imported]) => imported.includes('clickhouse-store.ts'));
    expect(importers.map(([file]) => file)).toEqual(['index.ts']);
  });
});
