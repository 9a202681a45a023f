import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Aggregator } from '@cdrflow/aggregator';
import { EmbeddedBus, TOPICS, consumedTopics, topicSpecs } from '@cdrflow/bus';
import { encodeRecord, type CallRecord } from '@cdrflow/schema';
import { ClickHouseStore, StoreError } from '@cdrflow/store';
import { call } from '../support/records';
import { tempDir } from '../support/temp-dir';

// One chDB folder for this file (one per process); each test uses its own
// source name so their figures never mix.
let store: ClickHouseStore;
const log = pino({ level: 'silent' });
const range = { fromMs: Date.UTC(2020, 0, 1), toMs: Date.UTC(2021, 0, 1) };

beforeAll(async () => {
  store = await ClickHouseStore.open({ target: { kind: 'embedded', path: tempDir('agg-chdb') } });
});
afterAll(async () => {
  await store.close();
});

async function newBus(): Promise<EmbeddedBus> {
  const bus = new EmbeddedBus({ dir: tempDir('agg-bus'), maxBatchMessages: 3 });
  await bus.ensureTopics(topicSpecs(2));
  return bus;
}

async function publish(bus: EmbeddedBus, calls: CallRecord[]): Promise<void> {
  await bus.producer().send(
    TOPICS.calls,
    calls.map((c) => ({ key: c.id, value: encodeRecord(c) })),
  );
}

function aggregator(bus: EmbeddedBus, group: string, flushMaxRecords = 1000, logger = log): Aggregator {
  return new Aggregator({
    store,
    consumer: bus.consumer({ groupId: group, topics: consumedTopics() }),
    settings: { groupId: group, flushMaxRecords, flushIntervalMs: 60_000, maxRetryDelayMs: 20 },
    log: logger,
  });
}

async function totalsFor(source: string) {
  const rows = await store.sumCalls(range, 'source');
  return rows.find((r) => r.group === source)?.acc;
}

describe('Aggregator on chDB', () => {
  it('counts each id once, keeps the newest version, and retracts the version it replaces', async () => {
    const bus = await newBus();
    // a: answered 60 s (v1) then corrected to abandoned 200 s (v2) → counts once, as abandoned
    // b: published twice with the same version → counted once
    // c: v2 arrives before v1 → v1 is a dedupe hit
    await publish(bus, [
      call({ id: 'dedupe:a', version: 1, waitMs: 60_000 }),
      call({ id: 'dedupe:b', waitMs: 30_000 }),
      call({ id: 'dedupe:b', waitMs: 30_000 }),
      call({ id: 'dedupe:c', version: 2, waitMs: 10_000 }),
    ]);
    const first = aggregator(bus, 'g-dedupe', 2);
    await first.start();
    await first.drain();
    await publish(bus, [
      call({ id: 'dedupe:a', version: 2, waitMs: 200_000, outcome: 'abandoned' }),
      call({ id: 'dedupe:c', version: 1, waitMs: 99_000 }),
    ]);
    await first.drain();
    await first.stop();

    const acc = await totalsFor('dedupe');
    // contacts a, b, c = 3; answered b, c = 2; abandoned a = 1
    // answered waits 30 + 10 = 40 s; all waits 200 + 30 + 10 = 240 s
    expect(acc).toMatchObject({
      contacts: 3,
      answered: 2,
      abandoned: 1,
      waitAnsweredMs: 40_000,
      waitAllMs: 240_000,
      talkMs: 240_000,
      maxWaitMs: 200_000,
    });
    expect(first.stats.dedupeHits).toBe(2);
    await bus.close();
  });

  it('resumes after a crash between its rows and its offsets without counting twice', async () => {
    const bus = await newBus();
    const calls = Array.from({ length: 50 }, (_, i) => call({ id: `crash:${i}`, waitMs: (i + 1) * 1000 }));
    await publish(bus, calls);
    const doomed = aggregator(bus, 'g-crash', 10_000);
    // The rows land, then the process dies before the offsets row.
    const commitOffsets = store.commitOffsets.bind(store);
    store.commitOffsets = () => Promise.reject(new Error('simulated crash after rows, before offsets'));
    await doomed.start();
    await expect(doomed.drain()).rejects.toThrow(/simulated crash/);
    store.commitOffsets = commitOffsets;
    expect(await totalsFor('crash')).toBeUndefined();

    const restarted = aggregator(bus, 'g-crash');
    await restarted.start();
    await restarted.drain();
    await restarted.stop();
    // 50 calls waiting 1..50 s: Σ = 50·51/2 = 1275 s
    expect(await totalsFor('crash')).toMatchObject({ contacts: 50, answered: 50, waitAnsweredMs: 1_275_000 });
    expect(restarted.stats.dedupeHits).toBe(0);
    await bus.close();
  });

  it('a second run over the same log, in a new group, finds everything already counted', async () => {
    const bus = await newBus();
    await publish(bus, [call({ id: 'rerun:1' }), call({ id: 'rerun:2' })]);
    const one = aggregator(bus, 'g-rerun-1');
    await one.start();
    await one.drain();
    await one.stop();
    const two = aggregator(bus, 'g-rerun-2');
    await two.start();
    await two.drain();
    await two.stop();
    expect(two.stats.dedupeHits).toBe(2);
    expect(await totalsFor('rerun')).toMatchObject({ contacts: 2 });
    await bus.close();
  });

  it('holds its records and retries while ClickHouse is unavailable, then writes each once', async () => {
    const bus = await newBus();
    await publish(
      bus,
      Array.from({ length: 7 }, (_, i) => call({ id: `outage:${i}`, waitMs: 1000 })),
    );
    const lines: string[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const agg = aggregator(bus, 'g-outage', 3, recording);
    const writeRows = store.writeRows.bind(store);
    let failures = 0;
    store.writeRows = (parts) => {
      if (failures < 3) {
        failures += 1;
        return Promise.reject(new StoreError('write_failed', 'connection refused', true));
      }
      return writeRows(parts);
    };
    try {
      await agg.start();
      await agg.drain();
      await agg.stop();
    } finally {
      store.writeRows = writeRows;
    }
    expect(failures).toBe(3);
    expect(await totalsFor('outage')).toMatchObject({ contacts: 7, waitAllMs: 7000 });
    expect(lines.filter((l) => l.includes('consumption paused, records held, retrying'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('ClickHouse is back'))).toBe(true);
    await bus.close();
  });
});
