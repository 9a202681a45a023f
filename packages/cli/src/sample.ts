import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The built-in sample's config and its default data folder (under the working directory). */
export const SAMPLE_CONFIG = join(REPO, 'fixtures', 'sample', 'cdrflow.yaml');
export const SAMPLE_DATA_DIR = resolve('.cdrflow', 'sample');
/**
 * The sample is synthetic, so its pseudonymisation key may be public; a real
 * deployment must set CDRFLOW_CALLER_KEY (loadConfig refuses to run without one).
 */
export const SAMPLE_CALLER_KEY = 'cdrflow-sample-demo-key-not-secret';

/**
 * Writes the seeded sample exports into the inboxes, once: after the first run
 * they sit in the archive, and a marker keeps a second run from dropping them
 * again (which would be skipped as duplicates anyway, but wastes a minute).
 */
export async function ensureSampleExports(dataDir: string): Promise<boolean> {
  const marker = join(dataDir, 'sample-generated');
  if (existsSync(marker)) return false;
  // A literal path, so the build bundles the generator into the CLI (no TypeScript at run time).
  const sample = await import('../../../fixtures/sample/generate');
  await sample.generateSample(join(dataDir, 'inbox'));
  writeFileSync(marker, new Date().toISOString());
  return true;
}
