import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { FixtureCli, fixturePath, repo, scenario, writeConfig } from '../support/fixture-ingest';
import { tempDir } from '../support/temp-dir';

/**
 * The README's "Using it on your own exports" commands, run as written
 * against the README's own configuration (its "Configuration" YAML block):
 * both are read from README.md here, so the test fails when the README
 * drifts. Only the export paths are replaced, by fixtures of the same
 * formats: the README's queue_log glob by fixtures/queue_log/day{1,2}.log,
 * its Master.csv by fixtures/cdr_csv/queue-calls-18.csv, written with
 * cdr.conf.sample's settings (loguniqueid, loguserfield: 18 columns).
 */
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, end < 0 ? undefined : end);
}

function fenced(text: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text);
  if (m?.[1] === undefined) throw new Error(`no \`\`\`${lang} block`);
  return m[1];
}

const EXPORTS: Record<string, string[]> = {
  '/var/log/asterisk/queue_log*': [fixturePath('queue_log', 'day1.log'), fixturePath('queue_log', 'day2.log')],
  'exports/Master.csv': [fixturePath('cdr_csv', 'queue-calls-18.csv')],
};

/** Each `npx cdrflow …` line of the block, as arguments (comments cut, export paths replaced). */
function readmeCommands(): string[][] {
  return fenced(section('Using it on your own exports'), 'sh')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx cdrflow '))
    .map((l) =>
      l
        .slice('npx cdrflow '.length)
        .split(/\s+/)
        .flatMap((a) => EXPORTS[a] ?? [a]),
    );
}

/** Calls in the CDR file, counted independently of cdrflow: distinct uniqueid (column 17) read by csv-parse. */
function cdrCalls(file: string): number {
  const rows = parseCsv(readFileSync(file, 'utf8'), { relax_column_count: true });
  return new Set(rows.map((r) => r[16])).size;
}

const run = scenario(async () => {
  const dir = tempDir('readme-ingest');
  const config = parseYaml(fenced(section('Configuration'), 'yaml')) as Record<string, unknown>;
  const cli = new FixtureCli(dir, writeConfig(dir, 'cdrflow.yaml', { ...config, dataDir: join(dir, 'data') }));
  const results = [];
  for (const args of readmeCommands()) results.push({ args, ...(await cli.attempt(args)) });
  return { cli, results };
});

describe("README: the own-exports commands against the README's configuration", () => {
  let results: Awaited<ReturnType<typeof run>>['results'];
  beforeAll(async () => {
    ({ results } = await run());
  }, 600_000);

  it('runs every command of the block, and each succeeds', () => {
    expect(results.map((r) => r.args[0])).toEqual([
      'ingest',
      'ingest',
      'report',
      'report',
      'report',
      'rejects',
      '--help',
    ]);
    for (const r of results)
      expect({ args: r.args.join(' '), code: r.code, stderr: r.code === 0 ? '' : r.stderr }).toEqual({
        args: r.args.join(' '),
        code: 0,
        stderr: '',
      });
  });

  it('reads the queue_log as the one configured queue_log source, and says so', () => {
    const q = results[0]!;
    expect(q.stderr).toContain('read as the configured queue_log source "pbx", with its settings');
    // fixtures/queue_log/README.md: day1.log + day2.log give 14 records and 2 rejects.
    expect(q.stdout).toContain('2 files ingested as source "pbx": 14 records, 2 rejected rows');
    // fixtures/queue_log/README.md: day1 line 7 (c0) is the one close rebuilt without its ENTERQUEUE.
    expect(q.stdout).toContain('1 calls rebuilt from a close without its ENTERQUEUE');
  });

  it('reads the stock 18-column Master.csv as the configured source "cdr", rejecting no row', () => {
    const c = results[1]!;
    expect(c.stderr).toContain(
      'read as the configured cdr_csv source "cdr", with its settings (--zone from the command line)',
    );
    const calls = cdrCalls(EXPORTS['exports/Master.csv']![0]!);
    expect(c.stdout).toContain(`1 files ingested as source "cdr": ${calls} records, 0 rejected rows`);
  });
});

describe('ingest: no traps', () => {
  const master = fixturePath('cdr_csv', 'queue-calls-18.csv');
  const day1 = fixturePath('queue_log', 'day1.log');

  it('reads the same bytes again under another source, says so, and skips a re-read under the same one', async () => {
    const { cli } = await run();
    const other = await cli.attempt(['ingest', day1, '--format', 'queue_log', '--source', 'pbx-test']);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('1 files ingested as source "pbx-test"');
    expect(other.stderr).toContain(`${day1}: read as source "pbx-test"; the same content was ingested before as "pbx"`);
    const again = await cli.attempt(['ingest', day1, '--format', 'queue_log', '--source', 'pbx-test']);
    expect(again.stdout).toContain('0 files ingested as source "pbx-test": 0 records');
    expect(again.stderr).toContain(`${day1}: skipped, already ingested as source "pbx-test"`);
  }, 300_000);

  it('asks for --source when several sources of the format are configured', async () => {
    const dir = tempDir('ingest-several');
    const cdr = (name: string) => ({ name, format: 'cdr_csv' });
    const cli = new FixtureCli(dir, writeConfig(dir, 'two.yaml', { sources: [cdr('east'), cdr('west')] }));
    const out = await cli.attempt(['ingest', master, '--format', 'cdr_csv']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('2 cdr_csv sources are configured (east, west): say which with --source <name>');
  }, 300_000);

  it('refuses a CDR file whose columns fit no row, records nothing, and reads it once the layout is right', async () => {
    const dir = tempDir('ingest-layout');
    const cli = new FixtureCli(dir, writeConfig(dir, 'none.yaml', {}));
    const wrong = await cli.attempt(['ingest', master, '--format', 'cdr_csv', '--columns', '21']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no cdr_csv source is configured: read as source "cdr-csv" with columns');
    expect(wrong.stderr).toContain(`${master}: its first 10 rows have 18 columns, but source "cdr-csv" expects 21 (`);
    const right = await cli.attempt(['ingest', master, '--format', 'cdr_csv', '--columns', '18']);
    expect(right.code).toBe(0);
    expect(right.stdout).toContain(
      `1 files ingested as source "cdr-csv": ${cdrCalls(master)} records, 0 rejected rows`,
    );
    // Not a queue_log: no rebuilt line.
    expect(right.stdout).not.toContain('rebuilt');
  }, 300_000);
});
