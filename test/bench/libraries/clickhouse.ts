/**
 * Stage 4: ClickHouse insert format. Inserting call rows into `calls` (the
 * store's own migrations, so the table is the real one) through
 * `@clickhouse/client` on chDB, connected as packages/store connects, in a
 * temp data folder of its own (chDB allows one per process).
 *
 * Each case turns the same CallRecords into the insert payload and inserts
 * them in batches (2,000: one Kafka fetch, the aggregator's flush per batch
 * on Kafka; 50,000: `flushMaxRecords` on the embedded bus); building the
 * payload is timed with the insert, because that is what changes with the
 * format. After every run the table's checksum must equal the one the
 * store's own path (JSONEachRow objects) gave.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { CallRecord } from '@cdrflow/schema';
import { MIGRATIONS_DIR, migrate, type Provenance } from '@cdrflow/store';
import { callRow } from '@cdrflow/store';
import {
  check,
  machine,
  markdownTable,
  msSpread,
  num,
  progress,
  rate,
  ratioSpread,
  speedup,
  spread,
  type Case,
  type StageReport,
} from './common';
import { callRecords } from './data';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/** As packages/store/src/connection.ts pins them. */
const SETTINGS = { output_format_json_quote_64bit_integers: 0, async_insert: 0 } as const;

const COLUMNS = [
  'id',
  'contact_id',
  'stint',
  'version',
  'source',
  'channel',
  'direction',
  'queue',
  'service',
  'arrived_at',
  'answered_at',
  'ended_at',
  'wait_ms',
  'talk_ms',
  'outcome',
  'exit_key',
  'caller_key',
  'agent',
  'file',
  'line',
  'consumer_group',
  'src_topic',
  'src_partition',
  'src_offset',
] as const;

function provenance(batch: number): Provenance {
  return { group: 'cdrflow-aggregator', topic: 'cdrflow.calls.v1', partition: batch % 6, nextOffset: 1000 + batch };
}

const q = JSON.stringify;
const jn = (v: string | null) => (v === null ? 'null' : q(v));

/** One JSONEachRow line per call, written by hand (no row object, no generic stringify). */
function jsonLine(c: CallRecord, p: Provenance): string {
  return `{"id":${q(c.id)},"contact_id":${q(c.contactId)},"stint":${c.stint},"version":${c.version},"source":${q(c.source)},"channel":${q(c.channel)},"direction":${q(c.direction)},"queue":${q(c.queue)},"service":${q(c.service)},"arrived_at":${c.arrivedAt},"answered_at":${c.answeredAt ?? 'null'},"ended_at":${c.endedAt ?? 'null'},"wait_ms":${c.waitMs},"talk_ms":${c.talkMs},"outcome":${q(c.outcome)},"exit_key":${jn(c.exitKey)},"caller_key":${jn(c.callerKey)},"agent":${jn(c.agent)},"file":${q(c.file)},"line":${c.line},"consumer_group":${q(p.group)},"src_topic":${q(p.topic)},"src_partition":${p.partition},"src_offset":${p.nextOffset}}`;
}

/** A CSV field: always quoted, quotes doubled. */
function cs(v: string): string {
  return v.indexOf('"') === -1 ? `"${v}"` : `"${v.replaceAll('"', '""')}"`;
}
/** NULL is `\N` unquoted; an empty string stays `""`. */
const cn = (v: string | null) => (v === null ? '\\N' : cs(v));

function csvLine(c: CallRecord, p: Provenance): string {
  return `${cs(c.id)},${cs(c.contactId)},${c.stint},${c.version},${cs(c.source)},${cs(c.channel)},${cs(c.direction)},${cs(c.queue)},${cs(c.service)},${c.arrivedAt},${c.answeredAt ?? '\\N'},${c.endedAt ?? '\\N'},${c.waitMs},${c.talkMs},${cs(c.outcome)},${cn(c.exitKey)},${cn(c.callerKey)},${cn(c.agent)},${cs(c.file)},${c.line},${cs(p.group)},${cs(p.topic)},${p.partition},${p.nextOffset}`;
}

function lines(batch: readonly CallRecord[], p: Provenance, line: (c: CallRecord, p: Provenance) => string): string {
  let out = '';
  for (const c of batch) out += line(c, p) + '\n';
  return out;
}

interface Target {
  client: ClickHouseClient;
  raw: (format: 'CSV' | 'JSONEachRow', values: Buffer) => Promise<unknown>;
}

/**
 * `build` makes the payload from the records (timed apart as "build");
 * `send` hands it to the client or chDB ("insert": for objects this includes
 * the client's own JSON.stringify of each row).
 */
interface Inserter {
  name: string;
  build(batch: readonly CallRecord[], p: Provenance): unknown;
  send(t: Target, payload: unknown): Promise<void>;
}

const INSERTERS: Inserter[] = [
  {
    name: 'JSONEachRow objects, `client.insert` (the store today)',
    build: (batch, p) => batch.map((c) => callRow(c, p)),
    send: async (t, rows) => {
      await t.client.insert({ table: 'calls', values: rows as Record<string, unknown>[], format: 'JSONEachRow' });
    },
  },
  {
    name: 'JSONEachRow lines built by hand, one string, `client.exec`',
    build: (batch, p) => lines(batch, p, jsonLine),
    send: async (t, body) => {
      const r = await t.client.exec({
        query: `INSERT INTO calls (${COLUMNS.join(', ')}) FORMAT JSONEachRow`,
        values: Readable.from([body as string], { objectMode: false }),
      });
      r.stream.destroy();
    },
  },
  {
    name: 'CSV string, `client.insert` (stream)',
    build: (batch, p) => lines(batch, p, csvLine),
    send: async (t, body) => {
      await t.client.insert({
        table: 'calls',
        columns: [...COLUMNS],
        values: Readable.from([body as string], { objectMode: false }),
        format: 'CSV',
      });
    },
  },
  {
    name: 'CSV Buffer, `client.insert` (stream)',
    build: (batch, p) => Buffer.from(lines(batch, p, csvLine)),
    send: async (t, body) => {
      await t.client.insert({
        table: 'calls',
        columns: [...COLUMNS],
        values: Readable.from([body as Buffer], { objectMode: false }),
        format: 'CSV',
      });
    },
  },
  {
    name: 'CSV Buffer, chDB `connection.chdb.rawInsert` (embedded only)',
    build: (batch, p) => Buffer.from(lines(batch, p, csvLine)),
    send: async (t, body) => {
      await t.raw('CSV', body as Buffer);
    },
  },
  {
    name: 'JSONEachRow Buffer, chDB `connection.chdb.rawInsert` (embedded only)',
    build: (batch, p) => Buffer.from(lines(batch, p, jsonLine)),
    send: async (t, body) => {
      await t.raw('JSONEachRow', body as Buffer);
    },
  },
];

async function checksum(client: ClickHouseClient): Promise<string> {
  const rs = await client.query({
    query: `SELECT count() AS n, toString(sum(cityHash64(${COLUMNS.join(', ')}))) AS h FROM calls`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number; h: string }>();
  return `${row?.n}:${row?.h}`;
}

export async function clickhouseStage(options: { calls: number; rounds: number }): Promise<StageReport> {
  const setupLine = machine();
  progress(`[clickhouse] generating ${num(options.calls)} call records`);
  const records = callRecords(options.calls);
  const dir = mkdtempSync(join(tmpdir(), 'cdrflow-bench-chdb-'));
  const connection = createChdbConnection({ path: join(dir, 'db') });
  const client = createClient({ connection: connection as unknown as ClientConnection, clickhouse_settings: SETTINGS });
  const target: Target = {
    client,
    raw: (format, values) =>
      connection.chdb.rawInsert({ table: 'calls', columns: [...COLUMNS], values, format, settings: SETTINGS }),
  };
  try {
    await migrate(client, MIGRATIONS_DIR);
    const truncate = () => client.command({ query: 'TRUNCATE TABLE calls' }).then(() => undefined);

    // The engine's floor: the same rows as a CSV file, read by the engine itself.
    const csvFile = join(dir, 'calls.csv');
    const csvBytes = Buffer.from(lines(records, provenance(0), csvLine));
    writeFileSync(csvFile, csvBytes);

    // The reference checksum: the store's own path, batch provenance as the cases use it.
    /** Inserts every record in batches; returns [build ms, insert ms]. */
    const insertAll = async (ins: Inserter, size: number): Promise<[number, number]> => {
      let buildMs = 0;
      let sendMs = 0;
      for (let i = 0, b = 0; i < records.length; i += size, b++) {
        const t0 = performance.now();
        const payload = ins.build(records.slice(i, i + size), provenance(b));
        const t1 = performance.now();
        await ins.send(target, payload);
        sendMs += performance.now() - t1;
        buildMs += t1 - t0;
      }
      return [buildMs, sendMs];
    };
    const sums = new Map<number, string>();
    for (const size of [2_000, 50_000]) {
      await truncate();
      await insertAll(INSERTERS[0]!, size);
      sums.set(size, await checksum(client));
    }
    const floorSum = async () => {
      await truncate();
      await client.command({
        query: `INSERT INTO calls (${COLUMNS.join(', ')}) SELECT * FROM file('${csvFile}', 'CSV')`,
      });
      return checksum(client);
    };
    const floorReference = await floorSum();
    check(floorReference.startsWith(`${options.calls}:`), `file() floor inserted ${floorReference}`);

    const split = new Map<string, { build: number[]; send: number[] }>();
    const cases: Case<string>[] = [];
    for (const size of [2_000, 50_000]) {
      for (const ins of INSERTERS) {
        const name = `${ins.name}, batches of ${num(size)}`;
        split.set(name, { build: [], send: [] });
        cases.push({
          name,
          run: async () => {
            const [buildMs, sendMs] = await insertAll(ins, size);
            split.get(name)!.build.push(buildMs);
            split.get(name)!.send.push(sendMs);
            return String(size);
          },
        });
      }
    }
    cases.push({
      name: "engine floor: `INSERT … SELECT * FROM file('calls.csv', 'CSV')`, one statement",
      run: async () => {
        await client.command({
          query: `INSERT INTO calls (${COLUMNS.join(', ')}) SELECT * FROM file('${csvFile}', 'CSV')`,
        });
        return 'floor';
      },
    });

    await truncate();
    progress(
      `[clickhouse] ${cases.length} cases, ${options.rounds} rounds (checksum + truncate after each, not timed)`,
    );
    // Timed: the insert alone; the checksum and the truncate after it are not.
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < cases.length; k++) {
        const i = (k + round) % cases.length;
        const c = cases[i]!;
        const t0 = performance.now();
        const r = await c.run();
        const ms = performance.now() - t0;
        times.get(c.name)!.push(ms);
        const sum = await checksum(client);
        const want = r === 'floor' ? floorReference : sums.get(Number(r))!;
        check(sum === want, `${c.name}: table checksum ${sum}, expected ${want}`);
        await truncate();
        progress(`  round ${round + 1}/${options.rounds} ${c.name}: ${ms.toFixed(0)} ms`);
      }
    }

    const rowsOut: string[][] = [];
    for (const size of [2_000, 50_000]) {
      const base = times.get(`${INSERTERS[0]!.name}, batches of ${num(size)}`)!;
      for (const c of cases.filter(
        (x) => x.name.endsWith(`batches of ${num(size)}`) || (size === 50_000 && x.name.startsWith('engine floor')),
      )) {
        const ms = times.get(c.name)!;
        const s = spread(ms);
        const parts = split.get(c.name);
        rowsOut.push([
          c.name,
          parts === undefined ? '–' : `${num(spread(parts.build).median)} / ${num(spread(parts.send).median)}`,
          msSpread(s),
          rate(options.calls, s.median),
          ratioSpread(speedup(base, ms)),
        ]);
      }
    }
    return {
      stage: 'clickhouse',
      title: 'ClickHouse insert format: `calls` on chDB through @clickhouse/client',
      command: `npx tsx test/bench/libraries.ts clickhouse${options.calls === 1_000_000 ? '' : ` --calls ${options.calls}`}`,
      setup: [
        `${num(options.calls)} call rows (24 columns, the \`calls\` table from infra/clickhouse migrations, ReplacingMergeTree), chdb 3.4 through @clickhouse/client 1.23 with createChdbConnection and the store's settings, temp data folder`,
        `each run: build the payload from the same CallRecords and insert it batch by batch; the table's count and cityHash64 sum are checked equal to the store's own path after every run; truncate between runs (not timed)`,
        `the floor reads the same rows from a CSV file already written (${num(csvBytes.length / 1e6, 0)} MB), in one statement`,
        `${options.rounds} rounds, case order rotated, no warm-up round; ratio = the store's path (JSONEachRow objects) at the same batch size ÷ the case, per round; ${setupLine}`,
      ],
      tables: [
        markdownTable(
          [
            'case',
            'build / insert ms (median)',
            'total ms median (min–max)',
            'rows/s',
            'speed ÷ store today, median (min–max)',
          ],
          rowsOut,
        ),
      ],
      notes: [],
    };
  } finally {
    await client.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
