import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Aggregator } from '@cdrflow/aggregator';
import type { EmbeddedBus, BusProducer } from '@cdrflow/bus';
import { loadConfig } from '@cdrflow/config';
import { sourceReader } from '@cdrflow/collector';
import { Collector, CollectorState, callerPseudonymiser } from '@cdrflow/collector';
import type { ClickHouseStore } from '@cdrflow/store';
import { openAggregatedStore, type AggregatedStore } from '../support/aggregated-store';
import { tempDir } from '../support/temp-dir';

// One chDB, bus and aggregator for the file (one chDB folder per process);
// every test uses its own source names, so figures never mix.
const root = tempDir('collector');
const log = pino({ level: 'silent' });
const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'queue_log');
const everything = { fromMs: Date.UTC(2020, 0, 1), toMs: Date.UTC(2030, 0, 1) };
let store: ClickHouseStore;
let bus: EmbeddedBus;
let aggregator: Aggregator;
let opened: AggregatedStore;

beforeAll(async () => {
  opened = await openAggregatedStore(root);
  ({ store, bus, aggregator } = opened);
});
afterAll(() => opened.close());

function collector(source: string, producer: BusProducer = bus.producer()): Collector {
  const config = loadConfig({
    file: null,
    env: {},
    dataDir: root,
    fallbackCallerKey: 'collector-test-key-0123456789',
    inline: { sources: [{ name: source, format: 'queue_log' }] },
  });
  const reader = sourceReader(config.sources[0]!, callerPseudonymiser(config.callerKey!));
  return new Collector({
    producer,
    readers: new Map([[source, reader]]),
    state: new CollectorState(join(root, `${source}-state.json`)),
    chunkBytes: 64,
    publishBatchRecords: 3,
    log,
  });
}

async function figures(source: string) {
  await aggregator.drain();
  // Every test's calls are inbound phone calls, so a source has one row.
  const rows = await store.sumCalls(everything, 'source');
  return rows.find((r) => r.group === source)?.acc ?? null;
}

/** Writes a queue_log file of answered calls `<prefix><n>`, one a minute, each waiting 10 s and talking 30 s. */
function answeredCalls(path: string, prefix: string, ids: number[]): void {
  const base = 1_704_099_600; // 2024-01-01 09:00:00 UTC
  const lines = ids.flatMap((n) => {
    const t = base + n * 60;
    return [
      `${t}|${prefix}${n}|sales|NONE|ENTERQUEUE||01632960${String(n).padStart(3, '0')}|1`,
      `${t + 10}|${prefix}${n}|sales|SIP/2001|CONNECT|10|${prefix}${n}.b|2`,
      `${t + 40}|${prefix}${n}|sales|SIP/2001|COMPLETECALLER|10|30|1`,
    ];
  });
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('collector on the embedded pipeline', () => {
  it('skips a file dropped again under another name, and archives both', async () => {
    const inbox = join(root, 'inbox-redrop');
    const archive = join(root, 'archive-redrop');
    mkdirSync(inbox, { recursive: true });
    answeredCalls(join(inbox, 'queue_log-1'), 'r', [1, 2, 3]);
    copyFileSync(join(inbox, 'queue_log-1'), join(inbox, 'queue_log-1-again'));
    const c = collector('redrop');
    const outcomes = [];
    for (const file of Collector.listFiles(inbox)) outcomes.push(await c.collectFile('redrop', file, archive));
    expect(outcomes.map((o) => o.status)).toEqual(['published', 'duplicate']);
    expect(await figures('redrop')).toMatchObject({ contacts: 3, answered: 3, waitAnsweredMs: 30_000 });
    expect(existsSync(join(archive, 'queue_log-1'))).toBe(true);
    expect(existsSync(join(archive, 'duplicates', 'queue_log-1-again'))).toBe(true);
    expect(Collector.listFiles(inbox)).toEqual([]);
  });

  it('counts calls in an overlapping re-export once', async () => {
    const dir = join(root, 'overlap');
    mkdirSync(dir, { recursive: true });
    answeredCalls(join(dir, 'export-1'), 'o', [1, 2, 3]);
    answeredCalls(join(dir, 'export-2'), 'o', [2, 3, 4, 5]); // 2 and 3 again, different bytes
    const c = collector('overlap');
    await c.collectFile('overlap', join(dir, 'export-1'));
    const second = await c.collectFile('overlap', join(dir, 'export-2'));
    // distinct calls 1..5 = 5, each waited 10 s
    expect(await figures('overlap')).toMatchObject({ contacts: 5, answered: 5, waitAnsweredMs: 50_000 });
    // The 3 lines of each of calls 2 and 3 are absorbed and counted, not rejected one by one.
    expect(second).toMatchObject({ status: 'published', rejects: 0, repeatedLines: 6 });
    expect((await store.listRejects({ source: 'overlap', limit: 10 })).total).toBe(0);
  });

  it('after a failure mid-file, leaves the file in the inbox and a restart counts it exactly once', async () => {
    const inbox = join(root, 'inbox-crash');
    const archive = join(root, 'archive-crash');
    mkdirSync(inbox, { recursive: true });
    answeredCalls(
      join(inbox, 'queue_log-big'),
      'k',
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    // The bus accepts two batches (6 records: with 64-byte chunks each call's states, queued, answered and
    // final, are emitted as their lines are read, so they cover 3 calls), then the process "dies".
    let sends = 0;
    const dying: BusProducer = {
      partitionOf: (topic, key) => bus.producer().partitionOf(topic, key),
      send: (topic, messages) => {
        sends += 1;
        if (sends > 2) return Promise.reject(new Error('simulated crash mid-file'));
        return bus.producer().send(topic, messages);
      },
    };
    await expect(collector('crash', dying).collectFile('crash', join(inbox, 'queue_log-big'), archive)).rejects.toThrow(
      /simulated crash/,
    );
    expect(Collector.listFiles(inbox)).toHaveLength(1);
    expect((await figures('crash'))?.contacts).toBe(3);

    const restarted = collector('crash'); // a new process: state reloaded from disk
    await restarted.collectFile('crash', join(inbox, 'queue_log-big'), archive);
    // 40 calls, each counted once though 6 were published twice
    expect(await figures('crash')).toMatchObject({ contacts: 40, answered: 40, waitAnsweredMs: 400_000 });
    expect(Collector.listFiles(inbox)).toEqual([]);
  });

  it('carries an open call across rotated files and across collector restarts', async () => {
    // day1 ends with c7 connected but not completed; day2 completes it (fixtures/queue_log/README.md).
    const first = collector('rotation');
    await first.collectFile('rotation', join(fixtures, 'day1.log'));
    const second = collector('rotation'); // restart between the files
    await second.collectFile('rotation', join(fixtures, 'day2.log'));
    // 12 closed stints (README "Records (12)") and c12 still waiting; sales answered c1, c4/2, c7 and housing c0, c3, c9 = 6
    expect(await figures('rotation')).toMatchObject({ contacts: 13, answered: 6 });
    const state = JSON.parse(readFileSync(join(root, 'rotation-state.json'), 'utf8')) as {
      sessions: Record<string, { calls: unknown[] }>;
    };
    expect(JSON.stringify(state)).not.toContain('01632'); // no caller number is kept in the state
  });

  it('gives the same figures when the rotated files arrive in the wrong order', async () => {
    const ordered = collector('ordered');
    await ordered.collectFile('ordered', join(fixtures, 'day1.log'));
    await ordered.collectFile('ordered', join(fixtures, 'day2.log'));
    const reversed = collector('reversed');
    await reversed.collectFile('reversed', join(fixtures, 'day2.log'));
    await reversed.collectFile('reversed', join(fixtures, 'day1.log'));
    const inOrder = await figures('ordered');
    expect(inOrder).toMatchObject({ contacts: 13, answered: 6 }); // 12 closed and c12 waiting
    expect(await figures('reversed')).toEqual(inOrder);
  });
});
