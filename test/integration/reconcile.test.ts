import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topicNames } from '@cdrflow/bus';
import { WAIT_BUCKET_COUNT, periodRange, resolveKpiSettings } from '@cdrflow/kpi';
import { encodeRecord } from '@cdrflow/schema';
import { ClickHouseStore, RESTATEMENTS } from '@cdrflow/store';
import { EmbeddedPipeline, reconcileCommands } from '@cdrflow/cli';
import { loadConfig, type Config } from '@cdrflow/config';
import { buildReport } from '@cdrflow/report';
import { createLogger } from '@cdrflow/telemetry';
import { connect } from '@cdrflow/store';
import { callRow } from '@cdrflow/store';
import { definitionChangeNotice } from '@cdrflow/report';
import { call } from '../support/records';
import { FixtureCli, fixturePath, group, writeConfig, type ReportJson } from '../support/fixture-ingest';
import { tempDir } from '../support/temp-dir';

/**
 * `cdrflow reconcile` and `cdrflow restate` over fixtures/queue_log day1.log +
 * day2.log (README: 12 final records on 2024-01-01, Europe/London = UTC in January,
 * and c12 still waiting: 13 calls),
 * ingested by the real CLI (collector → embedded bus → aggregator → chDB).
 * The two commands are run through the Command objects main.ts registers;
 * `report` runs as the real CLI in a child process.
 *
 * The README's records fall in five interval rows (no queue is mapped to a service: service ''):
 *   08:45 housing  c0
 *   09:00 sales    c1, c2, c4/2, c5        09:00 housing  c3, c4, c6
 *   09:15 sales    c7, c10, c12 (queued)   09:15 housing  c9, c11
 */
const DAY = '2024-01-01';
const dir = tempDir('reconcile');
const configFile = writeConfig(dir, 'cdrflow.yaml', { sources: [] });
const cli = new FixtureCli(dir, configFile);
const config: Config = loadConfig({ file: configFile, dataDir: dir, env: {}, fallbackCallerKey: 'reconcile-test-key' });
const AGGREGATOR = { group: 'cdrflow-aggregator', topic: 'cdrflow.calls.v1' };

let store: ClickHouseStore;
let sql: ClickHouseClient;
let beforeCorruption: ReportJson;

/** Runs `cdrflow <args>` through the commands reconcileCommands() gives main.ts; stdout and exit code. */
async function cdrflow(...args: string[]): Promise<{ stdout: string; exitCode: number }> {
  const program = new Command('cdrflow').exitOverride();
  for (const command of reconcileCommands(() => config)) program.addCommand(command);
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout: written.join(''), exitCode };
}

async function rows<T>(query: string): Promise<T[]> {
  return (await sql.query({ query, format: 'JSONEachRow' })).json<T>();
}

/** A wait histogram with `n` in bucket `index` (bounds 5, 10, 15, 20, 30 s … : index 0 = ≤ 5 s, 4 = ≤ 30 s). */
function buckets(index: number, n: number): number[] {
  return Array.from({ length: WAIT_BUCKET_COUNT }, (_, i) => (i === index ? n : 0));
}

const day = periodRange(DAY, DAY, config.reporting);

async function reportNow(shortAbandonSeconds = 0) {
  const settings = resolveKpiSettings({ shortAbandonSeconds });
  return buildReport(store, { period: day, groupBy: 'queue', settings, calendar: config.reporting });
}

beforeAll(async () => {
  const ingest = await cli.ingest(
    [fixturePath('queue_log', 'day1.log'), fixturePath('queue_log', 'day2.log')],
    'queue_log',
    '--source',
    'pbx',
  );
  expect(ingest).toMatchObject({ published: 2, records: 14, rejects: 2 }); // 12 final, c7 answered at the end of day1, c12 queued
  beforeCorruption = await cli.report(DAY, DAY, 'queue');
  store = await ClickHouseStore.open({ target: { kind: 'embedded', path: join(dir, 'chdb') } });
  sql = await connect({ kind: 'embedded', path: join(dir, 'chdb') });
});

afterAll(async () => {
  await sql?.close();
  await store?.close();
});

describe('reconcile and restate', () => {
  it('finds interval_stats clean after ingest: 96 intervals, 5 interval rows, 13 calls', async () => {
    expect(beforeCorruption.total).toMatchObject({ offered: 13, answered: 6, abandoned: 2 }); // README totals
    const { stdout, exitCode } = await cdrflow('reconcile', '--from', DAY, '--to', DAY);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(
      'Reconciled 2024-01-01..2024-01-01 (Europe/London): 96 intervals checked (5 interval rows), 13 calls read: no differences.\n',
    );
  });

  it('reports exactly the corrupted fields of a bogus committed delta, and exits 1', async () => {
    // Committed with the aggregator's own provenance (its partition's committed
    // offset), as a double write would be: a second c10 (abandoned after 2 s) at
    // 09:15 sales, and a phantom answered call (30 s wait, 60 s talk) at 10:00 housing.
    const [committed] = await rows<{ partition: number; next_offset: number }>(
      `SELECT partition, next_offset FROM committed_offsets
       WHERE consumer_group = '${AGGREGATOR.group}' AND topic = '${AGGREGATOR.topic}' AND next_offset > 0
       ORDER BY partition LIMIT 1`,
    );
    const provenance = {
      consumer_group: AGGREGATOR.group,
      src_topic: AGGREGATOR.topic,
      src_partition: committed!.partition,
      src_offset: committed!.next_offset,
    };
    const key = { source: 'pbx', channel: 'phone', direction: 'inbound' };
    await sql.insert({
      table: 'interval_stats',
      format: 'JSONEachRow',
      values: [
        {
          interval_start: '2024-01-01 09:15:00',
          ...key,
          queue: 'sales',
          service: '',
          contacts: 1,
          abandoned: 1,
          wait_all_ms: 2_000,
          answered_wait_buckets: buckets(0, 0),
          abandoned_wait_buckets: buckets(0, 1),
          ...provenance,
        },
        {
          interval_start: '2024-01-01 10:00:00',
          ...key,
          queue: 'housing',
          service: '',
          contacts: 1,
          answered: 1,
          wait_answered_ms: 30_000,
          wait_all_ms: 30_000,
          talk_ms: 60_000,
          answered_wait_buckets: buckets(4, 1),
          abandoned_wait_buckets: buckets(0, 0),
          ...provenance,
        },
      ],
    });
    // The corruption is in the reports: 13 + 2 offered, 6 + 1 answered, 2 + 1 abandoned.
    expect((await reportNow()).total).toMatchObject({ offered: 15, answered: 7, abandoned: 3 });

    const { stdout, exitCode } = await cdrflow('reconcile', '--from', DAY, '--to', DAY, '--format', 'json');
    expect(exitCode).toBe(1);
    const result = JSON.parse(stdout) as { intervals: number; rows: number; calls: number; differences: unknown[] };
    expect(result).toMatchObject({ intervals: 96, rows: 6, calls: 13 });
    const at = (time: string, queue: string) => ({
      intervalStartMs: Date.parse(`2024-01-01T${time}:00Z`),
      ...key,
      queue,
      service: '',
    });
    expect(result.differences).toEqual([
      // 09:15 sales holds c7 (answered, 90 s), c10 (abandoned, 2 s) and c12 (queued, no wait): 3 contacts, Σ wait 92 s.
      { ...at('09:15', 'sales'), field: 'contacts', stored: 4, recomputed: 3 },
      { ...at('09:15', 'sales'), field: 'abandoned', stored: 2, recomputed: 1 },
      { ...at('09:15', 'sales'), field: 'waitAllMs', stored: 94_000, recomputed: 92_000 },
      { ...at('09:15', 'sales'), field: 'abandonedWaitBuckets[≤ 5 s]', stored: 2, recomputed: 1 },
      // 10:00 housing has no call at all.
      { ...at('10:00', 'housing'), field: 'contacts', stored: 1, recomputed: 0 },
      { ...at('10:00', 'housing'), field: 'answered', stored: 1, recomputed: 0 },
      { ...at('10:00', 'housing'), field: 'waitAnsweredMs', stored: 30_000, recomputed: 0 },
      { ...at('10:00', 'housing'), field: 'waitAllMs', stored: 30_000, recomputed: 0 },
      { ...at('10:00', 'housing'), field: 'talkMs', stored: 60_000, recomputed: 0 },
      { ...at('10:00', 'housing'), field: 'answeredWaitBuckets[≤ 30 s]', stored: 1, recomputed: 0 },
    ]);

    const table = await cdrflow('reconcile', '--from', DAY, '--to', DAY);
    expect(table.exitCode).toBe(1);
    expect(table.stdout).toMatch(
      /\n2024-01-01 09:15 \+00:00 +pbx +phone +inbound +sales +\(unmapped\) +contacts +4 +3\n/,
    );
    expect(table.stdout).toContain(
      'Reconciled 2024-01-01..2024-01-01 (Europe/London): 96 intervals checked (6 interval rows), 13 calls read: 10 differences in 2 interval rows.\n',
    );
    expect(table.stdout).toContain('`cdrflow restate --from 2024-01-01 --to 2024-01-01`');
  });

  it('restates the range as one committed correction, after which reconcile is clean', async () => {
    const { stdout, exitCode } = await cdrflow('restate', '--from', DAY, '--to', DAY);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(
      /^Restated 2024-01-01\.\.2024-01-01 \(Europe\/London\) from 13 calls: 2 interval rows corrected \(10 fields\) by restatement 1,/,
    );
    expect(stdout).toContain(
      'After restating: Reconciled 2024-01-01..2024-01-01 (Europe/London): 96 intervals checked (6 interval rows), 13 calls read: no differences.',
    );
    // The correction is two signed rows (−1 contact each, −1 abandoned) and a committed offsets row.
    expect(
      await rows(
        `SELECT toString(interval_start) AS at, queue, contacts, answered, abandoned, wait_all_ms, src_offset
         FROM interval_stats WHERE consumer_group = '${RESTATEMENTS.group}' ORDER BY interval_start`,
      ),
    ).toEqual([
      {
        at: '2024-01-01 09:15:00',
        queue: 'sales',
        contacts: -1,
        answered: 0,
        abandoned: -1,
        wait_all_ms: -2000,
        src_offset: 1,
      },
      {
        at: '2024-01-01 10:00:00',
        queue: 'housing',
        contacts: -1,
        answered: -1,
        abandoned: 0,
        wait_all_ms: -30000,
        src_offset: 1,
      },
    ]);
    expect(
      await rows(
        `SELECT topic, partition, next_offset FROM committed_offsets WHERE consumer_group = '${RESTATEMENTS.group}'`,
      ),
    ).toEqual([{ topic: RESTATEMENTS.topic, partition: 0, next_offset: 1 }]);
    expect((await cdrflow('reconcile', '--from', DAY, '--to', DAY)).exitCode).toBe(0);
    expect((await reportNow()).total).toMatchObject({ offered: 13, answered: 6, abandoned: 2 });
  });

  it('keeps the restatement when an aggregator (re)starts and discards its uncommitted rows', async () => {
    const pipeline = await EmbeddedPipeline.open(config, createLogger('silent'));
    await pipeline.aggregator.drain();
    await pipeline.close();
    const [restated] = await rows<{ n: number }>(
      `SELECT count() AS n FROM interval_stats WHERE consumer_group = '${RESTATEMENTS.group}'`,
    );
    expect(restated?.n).toBe(2);
    expect((await cdrflow('reconcile', '--from', DAY, '--to', DAY)).exitCode).toBe(0);
  });

  it('ignores a restatement that never committed, and the next restate deletes it', async () => {
    // A restate that died after its rows and before its offsets row: offset 2 > committed 1.
    await sql.insert({
      table: 'interval_stats',
      format: 'JSONEachRow',
      values: [
        {
          interval_start: '2024-01-01 09:00:00',
          source: 'pbx',
          channel: 'phone',
          direction: 'inbound',
          queue: 'sales',
          service: '',
          contacts: 5,
          answered_wait_buckets: buckets(0, 0),
          abandoned_wait_buckets: buckets(0, 0),
          consumer_group: RESTATEMENTS.group,
          src_topic: RESTATEMENTS.topic,
          src_partition: RESTATEMENTS.partition,
          src_offset: 2,
        },
      ],
    });
    expect((await cdrflow('reconcile', '--from', DAY, '--to', DAY)).exitCode).toBe(0);
    expect((await reportNow()).total.offered).toBe(13);
    const { stdout, exitCode } = await cdrflow('restate', '--from', DAY, '--to', DAY);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(
      'Nothing to restate in 2024-01-01..2024-01-01: 96 intervals checked (6 interval rows), 13 calls read, and interval_stats already agrees with them.\n',
    );
    const [left] = await rows<{ n: number }>(
      `SELECT count() AS n FROM interval_stats WHERE consumer_group = '${RESTATEMENTS.group}' AND src_offset = 2`,
    );
    expect(left?.n).toBe(0);
  });

  it('gives the pre-corruption figures through `cdrflow report` again', async () => {
    await store.close();
    await sql.close();
    try {
      const after = await cli.report(DAY, DAY, 'queue');
      expect(after.total).toEqual(beforeCorruption.total);
      expect(after.groups).toEqual(beforeCorruption.groups);
      expect(group(after, 'phone', 'sales')).toMatchObject({ offered: 7, answered: 3, abandoned: 2 }); // README, c12 waiting
    } finally {
      store = await ClickHouseStore.open({ target: { kind: 'embedded', path: join(dir, 'chdb') } });
      sql = await connect({ kind: 'embedded', path: join(dir, 'chdb') });
    }
  });

  it('rejects a range whose end is before its start', async () => {
    await expect(cdrflow('reconcile', '--from', '2024-01-02', '--to', DAY)).rejects.toThrow(/is after to/);
  });
});

describe('a changed definition restates every period from stored counts', () => {
  it('moves abandoned by exactly the short abandons, and says so once', async () => {
    const notice = (shortAbandonSeconds: number) =>
      definitionChangeNotice(store, resolveKpiSettings({ shortAbandonSeconds }), config.reporting);
    const rowsBefore = await rows<{ n: number }>('SELECT count() AS n FROM interval_stats');

    const off = await reportNow(0);
    expect(await notice(0)).toBeNull(); // the first report on this store: nothing to compare with
    expect(off.total).toMatchObject({ offered: 13, abandoned: 2, shortAbandons: 0 });

    // README: the abandons are c2 (55 s) and c10 (2 s), both sales; within 10 s: c10 only.
    const ten = await reportNow(10);
    expect(await notice(10)).toBe(
      'Definitions changed since the last report (shortAbandonSeconds 0 → 10): every period is restated from stored counts; nothing stored was rewritten.',
    );
    expect(ten.total).toMatchObject({ offered: 12, abandoned: 1, shortAbandons: 1 });
    expect(off.total.abandoned - ten.total.abandoned).toBe(1);
    const queue = (name: string) => ten.groups.find((g) => g.channel === 'phone' && g.group === name)?.figures;
    expect(queue('sales')).toMatchObject({ offered: 6, abandoned: 1, shortAbandons: 1 });
    expect(queue('housing')).toMatchObject({ offered: 6, abandoned: 0, shortAbandons: 0 });

    expect(await notice(10)).toBeNull(); // said once
    expect(await notice(0)).toBe(
      'Definitions changed since the last report (shortAbandonSeconds 10 → 0): every period is restated from stored counts; nothing stored was rewritten.',
    );
    // Nothing was rewritten: interval_stats has the same rows.
    expect(await rows<{ n: number }>('SELECT count() AS n FROM interval_stats')).toEqual(rowsBefore);
  });
});

describe('a call corrected into another interval', () => {
  // moved:a arrives 2024-01-02 09:00 (answered, 20 s), then version 2 moves it to
  // 2024-01-03 10:00 (abandoned, 50 s): the aggregator retracts v1 with a −1 row.
  // moved:b stays at 2024-01-02 09:05 (answered, 60 s wait by default).
  const a1 = call({ id: 'moved:a', version: 1, arrivedAt: Date.UTC(2024, 0, 2, 9, 0), waitMs: 20_000 });
  const a2 = call({
    id: 'moved:a',
    version: 2,
    arrivedAt: Date.UTC(2024, 0, 3, 10, 0),
    waitMs: 50_000,
    outcome: 'abandoned',
  });
  const b = call({ id: 'moved:b', arrivedAt: Date.UTC(2024, 0, 2, 9, 5) });

  beforeAll(async () => {
    const pipeline = await EmbeddedPipeline.open(config, createLogger('silent'));
    try {
      for (const batch of [[a1, b], [a2]]) {
        await pipeline.bus.producer().send(
          topicNames(config.bus.topicNamespace).calls,
          batch.map((c) => ({ key: c.id, value: encodeRecord(c) })),
        );
        await pipeline.aggregator.drain();
      }
    } finally {
      await pipeline.close();
    }
  });

  it('counts its latest version only, in the interval it moved to', async () => {
    const both = await cdrflow('reconcile', '--from', '2024-01-02', '--to', '2024-01-03');
    expect(both).toEqual({
      exitCode: 0,
      stdout:
        'Reconciled 2024-01-02..2024-01-03 (Europe/London): 192 intervals checked (2 interval rows), 2 calls read: no differences.\n',
    });
    // 2 January alone: moved:b only; moved:a's v1 arrived that day but its latest version did not.
    const second = await cdrflow('reconcile', '--from', '2024-01-02', '--to', '2024-01-02');
    expect(second.stdout).toBe(
      'Reconciled 2024-01-02..2024-01-02 (Europe/London): 96 intervals checked (1 interval row), 1 call read: no differences.\n',
    );
  });

  it('does not read a version whose flush never committed', async () => {
    const [committed] = await rows<{ partition: number; next_offset: number }>(
      `SELECT partition, next_offset FROM committed_offsets
       WHERE consumer_group = '${AGGREGATOR.group}' AND topic = '${AGGREGATOR.topic}' ORDER BY partition LIMIT 1`,
    );
    // Version 3 of moved:a back on 2 January, written by a flush that died before its offsets row.
    await sql.insert({
      table: 'calls',
      format: 'JSONEachRow',
      values: [
        {
          ...callRow(call({ id: 'moved:a', version: 3, arrivedAt: Date.UTC(2024, 0, 2, 9, 10) }), {
            group: AGGREGATOR.group,
            topic: AGGREGATOR.topic,
            partition: committed!.partition,
            nextOffset: committed!.next_offset + 1_000,
          }),
        },
      ],
    });
    const second = await cdrflow('reconcile', '--from', '2024-01-02', '--to', '2024-01-02', '--format', 'json');
    expect(JSON.parse(second.stdout)).toMatchObject({ calls: 1, rows: 1, differences: [] });
    expect(second.exitCode).toBe(0);
  });
});
