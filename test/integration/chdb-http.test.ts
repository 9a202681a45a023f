import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { addCall, emptyCallAccumulator } from '@cdrflow/kpi';
import type { CallRecord } from '@cdrflow/schema';
import { ClickHouseStore, MIGRATIONS_DIR, loadMigrations, type PartitionFlush } from '@cdrflow/store';
import { startChdbHttpProcess, type ChdbHttpProcess } from '../support/chdb-http';
import { call } from '../support/records';
import { tempDir } from '../support/temp-dir';

/**
 * infra/local/chdb-http.ts: the ClickHouse HTTP interface over the real chDB
 * engine, in its own process, driven by the unmodified @clickhouse/client and
 * by cdrflow's ClickHouseStore. This test process holds a second chDB folder (the
 * embedded store the results are compared with).
 */
const repo = join(import.meta.dirname, '..', '..');
let shim: ChdbHttpProcess;
let client: ClickHouseClient;

beforeAll(async () => {
  shim = await startChdbHttpProcess(tempDir('chdb-http'));
  client = createClient({ url: shim.url, log: { level: ClickHouseLogLevel.OFF } }); // errors are asserted, not logged
});
afterAll(async () => {
  await client?.close();
  expect(await shim?.stop(), shim?.output()).toBe(0);
});

describe('the ClickHouse HTTP shim over chDB', () => {
  it('answers ping, command, insert, exec and query in the requested format, with query ids echoed', async () => {
    expect(await client.ping()).toEqual({ success: true });
    await client.command({ query: 'CREATE TABLE basics (id UInt64, name String) ENGINE = MergeTree ORDER BY id' });
    const inserted = await client.insert({
      table: 'basics',
      values: [
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 }, // chDB's default is 1, whose summary counts nothing
    });
    expect(inserted.summary?.written_rows).toBe('2');
    await client.insert({ table: 'basics', values: [], format: 'JSONEachRow' });

    const rs = await client.query({
      query: 'SELECT * FROM basics ORDER BY id',
      format: 'JSON',
      query_id: 'q-basics-1',
    });
    expect(rs.query_id).toBe('q-basics-1');
    expect(rs.response_headers['x-clickhouse-query-id']).toBe('q-basics-1');
    expect(rs.response_headers['x-clickhouse-format']).toBe('JSON');
    const json = await rs.json<{ id: number; name: string }>();
    expect(json.meta).toEqual([
      { name: 'id', type: 'UInt64' },
      { name: 'name', type: 'String' },
    ]);
    expect(json.data).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
    const csv = await client.query({ query: 'SELECT * FROM basics ORDER BY id', format: 'CSVWithNames' });
    expect(await csv.text()).toBe('"id","name"\n1,"one"\n2,"two"\n');

    const exec = await client.exec({ query: 'SELECT count() FROM basics FORMAT TabSeparated' });
    const chunks: Buffer[] = [];
    for await (const chunk of exec.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('2\n');

    await client.command({ query: 'DELETE FROM basics WHERE id = {id:UInt64}', query_params: { id: 1 } });
    const left = await client.query({ query: 'SELECT name FROM basics', format: 'JSONEachRow' });
    expect(await left.json()).toEqual([{ name: 'two' }]);
  });

  it('binds query parameters with the engine: strings and Array(String) with quotes, backslashes, tabs and newlines', async () => {
    const awkward = ["o'brien", 'back\\slash', 'tab\there', 'new\nline', '{x:String}', ''];
    const rs = await client.query({
      query: `SELECT {s:String} AS s, {n:UInt32} + 1 AS n, {ids:Array(String)} AS ids, {missing:Nullable(String)} AS missing,
                     {t:DateTime64(3, 'UTC')} AS t`,
      query_params: {
        s: awkward.join('|'),
        n: 41,
        ids: awkward,
        missing: null,
        t: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
      },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { s: awkward.join('|'), n: 42, ids: awkward, missing: null, t: '2024-01-02 03:04:05.678' },
    ]);
    // 10k ids go in the URL (the client's default), far beyond max_query_size as SQL text
    const ids = Array.from({ length: 10_000 }, (_, i) => `pbx:/var/spool/asterisk/queue_log-2024-${i}:${i}'`);
    const big = await client.query({
      query: 'SELECT length({ids:Array(String)}) AS n, {ids:Array(String)}[10000] AS last',
      query_params: { ids },
      format: 'JSONEachRow',
    });
    expect(await big.json()).toEqual([{ n: 10_000, last: ids[9_999] }]);
  });

  it('applies URL settings to their own request only', async () => {
    const quoted = await client.query({
      query: 'SELECT toUInt64(7) AS n',
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    });
    expect(await quoted.json()).toEqual([{ n: '7' }]);
    const plain = await client.query({ query: 'SELECT toUInt64(7) AS n', format: 'JSONEachRow' });
    expect(await plain.json()).toEqual([{ n: 7 }]); // chDB's default, not the previous request's
    const asyncInsert = await client.query({
      query: "SELECT getSetting('async_insert') AS a",
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
    expect(await asyncInsert.json()).toEqual([{ a: false }]);
  });

  it('turns an SQL error into a ClickHouseError with its code and type, and keeps serving', async () => {
    const failed = await client.query({ query: 'SELECT nope', format: 'JSONEachRow' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ClickHouseError);
    expect(failed).toMatchObject({ code: '47', type: 'UNKNOWN_IDENTIFIER' });
    expect((failed as Error).message).toContain('Unknown expression identifier `nope`');

    const badInsert = await client
      .insert({ table: 'no_such_table', values: [{ a: 1 }], format: 'JSONEachRow' })
      .catch((e: unknown) => e);
    expect(badInsert).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });

    const badSetting = await client
      .command({ query: 'SELECT 1', clickhouse_settings: { no_such_setting: 1 } })
      .catch((e: unknown) => e);
    expect(badSetting).toMatchObject({ code: '115', type: 'UNKNOWN_SETTING' });

    const ok = await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
    expect(await ok.json()).toEqual([{ one: 1 }]);
  });

  it('honours the database of the connection', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS other' });
    const other = createClient({ url: shim.url, database: 'other' });
    try {
      await other.command({ query: 'CREATE TABLE here (x UInt8) ENGINE = Memory' });
      const rs = await other.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
      expect(await rs.json()).toEqual([{ db: 'other' }]);
    } finally {
      await other.close();
    }
    const rs = await client.query({
      query:
        "SELECT currentDatabase() AS db, count() AS n FROM system.tables WHERE database = 'other' AND name = 'here'",
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ db: 'default', n: 1 }]);
  });

  it('two client processes writing and reading concurrently lose and mix nothing', async () => {
    await client.command({
      query: 'CREATE TABLE concurrent (writer String, n UInt32, v UInt64) ENGINE = MergeTree ORDER BY (writer, n)',
    });
    const writer = `
      import { createClient } from '@clickhouse/client';
      const client = createClient({ url: process.env.URL });
      const w = process.env.WRITER;
      for (let batch = 0; batch < 40; batch++) {
        const values = Array.from({ length: 250 }, (_, i) => ({ writer: w, n: batch * 250 + i, v: (batch * 250 + i) * 2 }));
        await client.insert({ table: 'concurrent', values, format: 'JSONEachRow' });
        const rs = await client.query({ query: 'SELECT count() AS n FROM concurrent WHERE writer = {w:String}', query_params: { w }, format: 'JSONEachRow' });
        const [{ n }] = await rs.json();
        if (n !== (batch + 1) * 250) { console.error('read', n, 'after batch', batch); process.exit(1); }
      }
      await client.close();`;
    const run = (name: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', writer], {
          cwd: repo,
          env: { ...process.env, URL: shim.url, WRITER: name },
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const results = await Promise.all([run('a'), run('b')]);
    for (const r of results) expect(r.code, r.out).toBe(0);
    const rs = await client.query({
      query: `SELECT writer, count() AS rows, uniqExact(n) AS distinct, sum(v) AS total
              FROM concurrent GROUP BY writer ORDER BY writer`,
      format: 'JSONEachRow',
    });
    const total = 2 * ((9_999 * 10_000) / 2); // Σ 2n for n < 10000
    expect(await rs.json()).toEqual([
      { writer: 'a', rows: 10_000, distinct: 10_000, total },
      { writer: 'b', rows: 10_000, distinct: 10_000, total },
    ]);
  });
});

describe('ClickHouseStore over the shim', () => {
  const group = 'g-shim';
  const topic = 'calls.v1';
  const range = { fromMs: Date.UTC(2020, 0, 1), toMs: Date.UTC(2021, 0, 1) };
  const committedCalls = [
    ...Array.from({ length: 3_000 }, (_, i) =>
      call({ id: `pbx:${i}`, waitMs: 1_000 * (i % 50), outcome: i % 10 === 0 ? 'abandoned' : 'answered' }),
    ),
    call({ id: "pbx:o'brien\\01" }),
  ];
  const crashedCalls = Array.from({ length: 10 }, (_, i) => call({ id: `pbx:crashed-${i}` }));

  function flush(partition: number, nextOffset: number, calls: CallRecord[]): PartitionFlush {
    const acc = emptyCallAccumulator();
    for (const c of calls) addCall(acc, c);
    return {
      provenance: { group, topic, partition, nextOffset },
      calls,
      surveys: [],
      agentTimes: [],
      rejects: [],
      intervalDeltas: [
        {
          intervalStartMs: Date.UTC(2020, 5, 1, 9, 0, 0),
          source: 'pbx',
          channel: 'phone',
          direction: 'inbound',
          queue: 'housing',
          service: 'Housing',
          acc,
        },
      ],
      surveyDeltas: [],
    };
  }

  /** The aggregator's store calls: a committed flush, a flush that crashed before its offsets, the restart's cleanup. */
  async function scenario(store: ClickHouseStore) {
    const allIds = [...committedCalls, ...crashedCalls].map((c) => c.id).concat('pbx:unknown');
    const committed = flush(0, 100, committedCalls);
    await store.writeRows([committed]);
    await store.commitOffsets([committed]);
    await store.writeRows([flush(1, 50, crashedCalls)]);
    const offsets = [...(await store.committedOffsets(group, topic))];
    const sums = await store.sumCalls(range);
    const byQueue = await store.sumCalls(range, 'queue');
    const latestBefore = [...(await store.latestCalls(allIds)).values()].sort((a, b) => a.id.localeCompare(b.id));
    const discarded = await store.discardUncommitted(group, topic, 1, 0);
    const discardedAgain = await store.discardUncommitted(group, topic, 0, 100);
    const latestAfter = (await store.latestCalls(allIds)).size;
    return { offsets, sums, byQueue, latestBefore, discarded, discardedAgain, latestAfter };
  }

  it('applies every migration, and the exactly-once calls give the figures of embedded chDB', async () => {
    const server = await ClickHouseStore.open({ target: { kind: 'server', url: shim.url, database: 'default' } });
    let overShim: Awaited<ReturnType<typeof scenario>>;
    try {
      const migrations = await client.query({
        query: 'SELECT name FROM schema_migrations ORDER BY name',
        format: 'JSONEachRow',
      });
      expect((await migrations.json<{ name: string }>()).map((m) => m.name)).toEqual(
        loadMigrations(MIGRATIONS_DIR).map((m) => m.name),
      );
      overShim = await scenario(server);
    } finally {
      await server.close();
    }
    // opening again applies nothing and sees the data
    const reopened = await ClickHouseStore.open({ target: { kind: 'server', url: shim.url, database: 'default' } });
    try {
      expect((await reopened.committedOffsets(group, topic)).get(0)).toBe(100);
    } finally {
      await reopened.close();
    }

    const embedded = await ClickHouseStore.open({ target: { kind: 'embedded', path: tempDir('chdb-http-embedded') } });
    let inProcess: Awaited<ReturnType<typeof scenario>>;
    try {
      inProcess = await scenario(embedded);
    } finally {
      await embedded.close();
    }

    expect(overShim).toEqual(inProcess);
    const answered = committedCalls.filter((c) => c.outcome === 'answered');
    expect(overShim.offsets).toEqual([[0, 100]]);
    expect(overShim.sums).toHaveLength(1);
    expect(overShim.sums[0]).toMatchObject({
      channel: 'phone',
      direction: 'inbound',
      group: '',
      acc: {
        contacts: 3_001,
        answered: answered.length,
        abandoned: 300,
        waitAnsweredMs: answered.reduce((n, c) => n + c.waitMs, 0),
        waitAllMs: committedCalls.reduce((n, c) => n + c.waitMs, 0),
        maxWaitMs: 60_000, // o'brien (the default 60 s wait)
      },
    });
    expect(overShim.byQueue.map((r) => r.group)).toEqual(['housing']);
    expect(overShim.latestBefore).toHaveLength(3_011);
    expect(overShim.latestBefore.find((c) => c.id === "pbx:o'brien\\01")).toMatchObject({ version: 1, waitMs: 60_000 });
    expect(overShim.discarded.sort()).toEqual(['calls', 'interval_stats']);
    expect(overShim.discardedAgain).toEqual([]);
    expect(overShim.latestAfter).toBe(3_001);
  });
});
