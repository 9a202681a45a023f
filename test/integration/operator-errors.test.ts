import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath, repo, writeConfig } from '../support/fixture-ingest';
import { tempDir } from '../support/temp-dir';
import { waitUntil } from '../support/services';

/**
 * What a person sees when they get something wrong or run two things at once,
 * through the real CLI (packages/cli/dist/main.js) on chDB: a sentence that
 * names the problem, and everything that can still be done is done.
 */
const dir = tempDir('operator');
const dataDir = join(dir, 'data');
const configFile = writeConfig(dir, 'cdrflow.yaml', {
  sources: [{ name: 'pbx', format: 'queue_log', inbox: join(dir, 'inbox') }],
});
mkdirSync(join(dir, 'inbox'));
const env = {
  ...process.env,
  CDRFLOW_CALLER_KEY: 'operator-test-key-0123456789',
  CDRFLOW_CONFIG: configFile,
  CDRFLOW_DATA_DIR: '',
  CLICKHOUSE_URL: '',
};

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['packages/cli/dist/main.js', '--data', dataDir, ...args],
      { cwd: repo, env },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

/** The `partial` field of `report --format json`. */
const partialOf = (out: Exit): unknown => (JSON.parse(out.stdout) as { partial: unknown }).partial;

const REPORT = ['report', '--from', '2024-01-01', '--to', '2024-01-02', '--format', 'json'];
const held: Array<{ kill: (signal: NodeJS.Signals) => boolean }> = [];
afterAll(() => held.forEach((p) => p.kill('SIGKILL')));

describe('operator errors are sentences', () => {
  it('a missing path is named in one line, the other paths are ingested, and the exit code says so', async () => {
    const missing = join(dir, 'no-such-queue_log');
    const out = await cli(
      'ingest',
      fixturePath('queue_log', 'day1.log'),
      missing,
      '--format',
      'queue_log',
      '--source',
      'pbx',
    );
    expect(out.stderr).toContain(`cdrflow: ${missing} does not exist; skipped (the other paths are read)`);
    expect(out.stderr).toContain('1 of 2 paths did not exist (named above); the other 1 were ingested.');
    expect(out.stderr).not.toContain('ENOENT');
    expect(out.stdout).toMatch(/^1 files ingested as source "pbx": [1-9]\d* records/);
    expect(out.code).toBe(1);
    // The ingest ended cleanly, so a report carries no warning.
    const report = await cli(...REPORT);
    expect(JSON.parse(report.stdout)).toMatchObject({ partial: null });
  }, 120_000);

  it('a second process on the data folder is told who holds it; a lock left by a killed process is taken over', async () => {
    const watcher = spawn(
      process.execPath,
      ['packages/cli/dist/main.js', '--data', dataDir, 'run', '--watch', '--interval', '1'],
      {
        cwd: repo,
        env,
        stdio: 'ignore',
      },
    );
    held.push(watcher);
    const lock = join(dataDir, 'chdb.lock');
    await waitUntil(
      () => existsSync(lock) && readFileSync(lock, 'utf8').includes(`"pid":${watcher.pid}`),
      'the watcher to hold the folder',
    );
    const second = await cli(...REPORT);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(
      new RegExp(
        `The data folder ${dataDir} is in use by process ${watcher.pid} \\(cdrflow --data \\S+ run --watch --interval 1\\) since \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );
    expect(second.stderr).not.toMatch(/Cannot lock file|status/);
    watcher.kill('SIGKILL');
    await new Promise((resolve) => watcher.once('exit', resolve));
    // The lock file still names the killed process; the next command takes the folder over.
    expect(existsSync(lock)).toBe(true);
    const after = await cli(...REPORT);
    expect(after.code, after.stderr).toBe(0);
  }, 120_000);

  it('a report says its figures are partial while an ingest is writing, and that the last ingest did not finish after a crash', async () => {
    const marker = join(dataDir, 'ingest-running.json');
    // The marker an ingest writes at its start and removes only after its last flush; here one held by a
    // live process (this test's) and then one left by a process that is gone (a crash leaves it the same way).
    writeFileSync(
      marker,
      JSON.stringify({ pid: process.pid, command: 'cdrflow ingest big.log', since: '2026-01-01T00:00:00.000Z' }),
    );
    const running = await cli(...REPORT);
    expect(partialOf(running)).toBe(
      `Figures are partial: an ingest (process ${process.pid}, cdrflow ingest big.log) has been writing this data folder since 2026-01-01T00:00:00.000Z and has not finished.`,
    );
    const table = await cli('report', '--from', '2024-01-01', '--to', '2024-01-02');
    // Under the title, above the table.
    expect(table.stdout.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^cdrflow — call handling KPIs/),
      '',
      expect.stringMatching(/^Warning: Figures are partial: an ingest/),
    ]);
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(
      marker,
      JSON.stringify({ pid: gone.pid, command: 'cdrflow ingest big.log', since: '2026-01-01T00:00:00.000Z' }),
    );
    const crashed = await cli(...REPORT);
    expect(partialOf(crashed)).toBe(
      `The last ingest (process ${gone.pid}, cdrflow ingest big.log, started 2026-01-01T00:00:00.000Z) did not finish, so figures may be partial: run it again (files already read are skipped, and nothing is counted twice).`,
    );
  }, 120_000);
});
