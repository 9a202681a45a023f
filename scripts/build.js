#!/usr/bin/env node
// @ts-check
/**
 * Builds what cdrflow ships: one ESM bundle per entry point, run by plain
 * `node` (docs/decisions.md §32).
 *
 *   packages/cli/src/main.ts        → packages/cli/dist/main.js       (`cdrflow`, `npm start`, the image)
 *   services/<name>/src/main.ts     → services/<name>/dist/main.js    (each service that has a main.ts)
 *
 * The @cdrflow/* workspace code (TypeScript) is inlined; every other package
 * stays an import resolved from node_modules at run time (chDB's native
 * engine, kafkajs, pino, …), and Node's built-ins are left alone. Each bundle
 * sits at the same depth as its source, so `new URL('../../../…',
 * import.meta.url)` in inlined code (store migrations, the sample config)
 * lands on the same repository paths as it does from src.
 *
 *   node scripts/build.js             # always
 *   node scripts/build.js --if-stale  # only when a source is newer than a bundle (npm start, the tests)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const repo = join(import.meta.dirname, '..');

/** Entry points: the CLI, and every service with a main.ts. */
function entries() {
  const found = [join('packages', 'cli')];
  for (const name of readdirSync(join(repo, 'services')).sort()) {
    if (existsSync(join(repo, 'services', name, 'src', 'main.ts'))) found.push(join('services', name));
  }
  return found;
}

/** Inline the workspace's own packages; leave every other bare import to node_modules. */
/** @type {import('esbuild').Plugin} */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@cdrflow/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** Newest modification time (ms) of the TypeScript files under `dir` (0 if none), skipping node_modules and dist. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Modification time (ms) of a file, 0 if there is none. */
const mtime = (/** @type {string} */ path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/**
 * Whether a bundle is missing or older than what goes into it: the sources
 * and package.json of every workspace package and service, the sample
 * generator, the tsconfigs and this script.
 */
function stale(/** @type {string[]} */ dirs) {
  const bundles = dirs.map((dir) => join(repo, dir, 'dist', 'main.js'));
  if (!bundles.every((b) => existsSync(b))) return true;
  const built = Math.min(...bundles.map(mtime));
  const workspaces = ['packages', 'services'].flatMap((group) =>
    readdirSync(join(repo, group)).map((name) => join(repo, group, name)),
  );
  const files = [
    ...workspaces.flatMap((w) => [join(w, 'package.json'), join(w, 'tsconfig.json')]),
    join(repo, 'tsconfig.base.json'),
    join(repo, 'tsconfig.json'),
    join(repo, 'scripts', 'build.js'),
  ];
  const sourceDirs = [...workspaces.map((w) => join(w, 'src')), join(repo, 'fixtures', 'sample')].filter((d) =>
    existsSync(d),
  );
  return files.some((f) => mtime(f) > built) || sourceDirs.some((d) => newestSource(d) > built);
}

const started = performance.now();
const dirs = entries();
if (process.argv.includes('--if-stale') && !stale(dirs)) process.exit(0);
const { build } = await import('esbuild');
try {
  await Promise.all(
    dirs.map((dir) =>
      build({
        absWorkingDir: repo,
        entryPoints: [join(dir, 'src', 'main.ts')],
        outfile: join(dir, 'dist', 'main.js'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: true,
        // As tsx ran it: functions and classes keep their names (error types in logs, stack traces).
        keepNames: true,
        plugins: [externalDependencies],
        logLevel: 'warning',
      }),
    ),
  );
} catch (e) {
  // esbuild has printed its errors with file and line; the stack adds nothing.
  if (Array.isArray(/** @type {{ errors?: unknown }} */ (e).errors)) process.exit(1);
  throw e;
}
const ms = Math.round(performance.now() - started);
process.stderr.write(
  `built ${dirs.map((d) => relative(repo, join(repo, d, 'dist', 'main.js'))).join(', ')} in ${ms} ms\n`,
);
