import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Integration project global setup: the tests spawn the CLI as shipped
 * (packages/cli/dist/main.js), so bring the bundles up to date with the
 * sources first (`npm test` has just built them; a single
 * `npx vitest run <file>` may follow an edit). Builds only what is stale.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: 'inherit',
  });
}
