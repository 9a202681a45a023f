import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder per test file: chDB allows one data folder per process. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cdrflow-${prefix}-`));
}
