import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

const repo = join(import.meta.dirname, '..', '..');

/** Resolves once `predicate` holds for the text a stream has produced so far. */
function waitFor(read: () => string, predicate: (text: string) => boolean, what: string, timeoutMs = 60_000) {
  const started = Date.now();
  return new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (predicate(read())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}; output so far:\n${read()}`));
      }
    }, 100);
  });
}

describe('cdrflow run --watch', () => {
  it('reads a file dropped while it runs, prints the table, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir('watch');
    mkdirSync(join(dir, 'inbox'));
    writeFileSync(
      join(dir, 'cdrflow.yaml'),
      'dataDir: data\nsources:\n  - name: pbx\n    format: queue_log\n    inbox: inbox\n    completion: { rule: stable, stableSeconds: 1 }\n',
    );
    const child = spawn(
      process.execPath,
      ['packages/cli/dist/main.js', '--config', join(dir, 'cdrflow.yaml'), 'run', '--watch', '--interval', '1'],
      { cwd: repo, env: { ...process.env, CDRFLOW_CALLER_KEY: 'watch-test-key-0123456789' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await waitFor(
      () => err,
      (t) => t.includes('watching the inboxes'),
      'the watcher to start',
    );
    copyFileSync(join(repo, 'fixtures', 'queue_log', 'day1.log'), join(dir, 'inbox', 'day1.log'));
    await waitFor(
      () => out,
      (t) => /^CSU11 /m.test(t),
      'the table after the drop',
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dir, 'data', 'archive', 'pbx', 'day1.log'))).toBe(true);
    expect(existsSync(join(dir, 'inbox', 'day1.log'))).toBe(false);
  });
});
