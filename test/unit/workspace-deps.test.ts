import { readFileSync, readdirSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries between workspace packages, mechanically: every package a
 * workspace's src imports (another @cdrflow package or a library) is declared
 * in that workspace's package.json, so each builds and installs on its own
 * declarations; no package imports a service (only packages/cli, the
 * composition root, starts them); and no relative import reaches into
 * another workspace's folder around those declarations.
 */
const repo = join(import.meta.dirname, '..', '..');
const SERVICES_DIR = 'services';

interface Workspace {
  dir: string;
  name: string;
  declared: Set<string>;
}

const workspaces: Workspace[] = ['packages', SERVICES_DIR].flatMap((group) =>
  readdirSync(join(repo, group), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = join(group, e.name);
      const manifest = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
      };
      const declared = new Set(
        [manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies].flatMap((deps) =>
          Object.keys(deps ?? {}),
        ),
      );
      return { dir, name: manifest.name, declared };
    }),
);
const services = new Set(workspaces.filter((w) => w.dir.startsWith(`${SERVICES_DIR}${sep}`)).map((w) => w.name));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, type-only and dynamic `import('…')` included. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(repo, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** What each workspace's src imports: package name → the files that import it, and relative imports that leave it. */
const usage = workspaces.map((w) => {
  const packages = new Map<string, string[]>();
  const escapes: string[] = [];
  for (const file of sourceFiles(join(w.dir, 'src'))) {
    for (const s of specifiers(file)) {
      if (s.startsWith('.')) {
        const target = relative(repo, resolve(repo, dirname(file), s));
        const into = workspaces.find((o) => o !== w && (target + sep).startsWith(o.dir + sep));
        if (into !== undefined) escapes.push(`${file} imports ${s} (inside ${into.name})`);
        continue;
      }
      if (isBuiltin(s)) continue;
      const name = packageOf(s);
      packages.set(name, [...(packages.get(name) ?? []), file]);
    }
  }
  return { workspace: w, packages, escapes };
});

describe('workspace package boundaries', () => {
  it('finds the workspaces and their imports', () => {
    expect(workspaces.map((w) => w.name)).toEqual(
      expect.arrayContaining(['@cdrflow/cli', '@cdrflow/kpi', '@cdrflow/collector', '@cdrflow/aggregator']),
    );
    expect(usage.find((u) => u.workspace.name === '@cdrflow/kpi')?.packages.has('@cdrflow/schema')).toBe(true);
  });

  for (const { workspace, packages } of usage) {
    it(`${workspace.name} declares every package its src imports`, () => {
      const undeclared = [...packages]
        .filter(([name]) => !workspace.declared.has(name) && name !== workspace.name)
        .map(([name, files]) => `${name} (imported by ${[...new Set(files)].join(', ')})`);
      expect(undeclared, `add to ${join(workspace.dir, 'package.json')} dependencies`).toEqual([]);
    });
  }

  it('no package imports a service; only packages/cli, the composition root, may', () => {
    const offending = usage
      .filter(({ workspace }) => workspace.dir.startsWith(`packages${sep}`) && workspace.name !== '@cdrflow/cli')
      .flatMap(({ workspace, packages }) =>
        [...packages.keys()].filter((name) => services.has(name)).map((name) => `${workspace.name} → ${name}`),
      );
    expect(offending).toEqual([]);
  });

  it('no relative import reaches into another workspace', () => {
    expect(usage.flatMap((u) => u.escapes)).toEqual([]);
  });
});
