import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@cdrflow/store';
import { fixturePath, repo, writeConfig } from '../support/fixture-ingest';
import { tempDir } from '../support/temp-dir';

/**
 * No caller number is stored or sent, rejects included: the privacy fixtures
 * (fixtures/privacy/README.md: every reject reason of every format, each row
 * carrying 07700 900123, 07700 900456 or +44 7700 900789) go through the real
 * CLI (collector → embedded bus → aggregator → chDB); then every file the bus
 * and the collector wrote, and every String column of every ClickHouse table,
 * are searched for any written form of the numbers.
 */
const KNOWN_NUMBER = /7700\s?900\s?(123|456|789)/;
const run = promisify(execFile);
const dir = tempDir('privacy');
const dataDir = join(dir, 'data');
const options = JSON.parse(readFileSync(fixturePath('privacy', 'options.json'), 'utf8')) as Record<string, unknown>;
const configFile = writeConfig(dir, 'cdrflow.yaml', {
  sources: [
    { name: 'ql', format: 'queue_log', queueLog: { zone: 'UTC' } },
    { name: 'qldb', format: 'queue_log_db', queueLog: { zone: 'UTC' } },
    { name: 'cdr', format: 'cdr_csv', cdr: options.cdr },
    { name: 'vendor', format: 'mapped', mapped: options.mapped },
  ],
});

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['packages/cli/dist/main.js', '--data', dataDir, ...args], {
    cwd: repo,
    env: {
      ...process.env,
      CDRFLOW_CALLER_KEY: 'privacy-test-key-0123456789',
      CDRFLOW_CONFIG: configFile,
      CDRFLOW_DATA_DIR: '',
      CLICKHOUSE_URL: '',
    },
  });
  return stdout;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let rejectsIngested = 0;

beforeAll(async () => {
  for (const [file, format] of [
    ['queue_log', 'queue_log --source ql'],
    ['queue_log_db.csv', 'queue_log_db --source qldb'],
    ['Master.csv', 'cdr_csv --source cdr'],
    ['calls.csv', 'mapped:vendor'],
  ] as const) {
    const out = await cli('ingest', fixturePath('privacy', file), '--format', ...format.split(' '));
    rejectsIngested += Number(/(\d+) rejected rows/.exec(out)?.[1] ?? NaN);
  }
}, 120_000);

describe('no caller number is stored or sent (fixtures/privacy)', () => {
  it('every reject of the four files was ingested: 10 + 7 + 10 + 10 (README tables)', () => {
    expect(rejectsIngested).toBe(37);
  });

  it('the embedded bus logs and the collector state hold none of the numbers', () => {
    const written = filesUnder(dataDir).filter((f) => !f.includes(`${join(dataDir, 'chdb')}`));
    expect(written.some((f) => f.includes(join(dataDir, 'bus')))).toBe(true);
    const hits = written.filter((f) => KNOWN_NUMBER.test(readFileSync(f, 'latin1')));
    expect(hits).toEqual([]);
  });

  it('no String column of any ClickHouse table holds one', async () => {
    const client = await connect({ kind: 'embedded', path: join(dataDir, 'chdb') });
    try {
      const columns = await client
        .query({
          query: `SELECT table, name FROM system.columns
                  WHERE database = currentDatabase() AND type LIKE '%String%'
                    AND table IN (SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View')`,
          format: 'JSONEachRow',
        })
        .then((r) => r.json<{ table: string; name: string }>());
      expect(columns.map((c) => `${c.table}.${c.name}`)).toEqual(
        expect.arrayContaining(['rejects.raw', 'rejects.detail', 'calls.queue']),
      );
      const hits: string[] = [];
      for (const { table, name } of columns) {
        const rows = await client
          .query({
            query: `SELECT toString(\`${name}\`) AS v FROM \`${table}\` WHERE match(toString(\`${name}\`), '7700\\\\s?900\\\\s?(123|456|789)')`,
            format: 'JSONEachRow',
          })
          .then((r) => r.json<{ v: string }>());
        for (const row of rows) hits.push(`${table}.${name}: ${row.v}`);
      }
      const [stored] = await client
        .query({
          query: "SELECT count() AS n, countIf(position(raw, '***') > 0) AS masked FROM rejects",
          format: 'JSONEachRow',
        })
        .then((r) => r.json<{ n: number; masked: number }>());
      expect(hits).toEqual([]);
      // The search ran over the rows it was meant for: every reject is stored, and they were masked, not dropped.
      expect(stored?.n).toBe(37);
      expect(stored?.masked).toBeGreaterThan(30);
    } finally {
      await client.close();
    }
  });
});
