import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKafka } from '../../infra/local/kafka';
import {
  answeredCalls,
  archived,
  cdrflowOutput,
  deployment as newDeployment,
  drop,
  report,
  type Deployment,
} from '../support/deployment';
import { kafkaBrokers } from '../support/kafka';
import {
  consumerLag,
  publishedCount,
  publishedRecords,
  startCdrflow,
  waitUntil,
  type RunningProcess,
  killLeftoverServices,
} from '../support/services';

/**
 * The production path on a real broker: `cdrflow collector` and `cdrflow
 * aggregator` as separate processes talking through Kafka, the aggregator
 * writing ClickHouse (chDB in its data folder). Each test owns its topics
 * (a namespace), group and folders, and compares final figures with the
 * figures the same exports give on a clean run.
 */
const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'queue_log');

function deployment(name: string, brokers = kafkaBrokers()): Deployment {
  return newDeployment(name, brokers);
}

function service(
  d: Deployment,
  kind: 'collector' | 'aggregator',
  extraEnv: Record<string, string> = {},
): RunningProcess {
  return startCdrflow(kind === 'collector' ? ['collector', '--poll-interval', '1'] : ['aggregator'], {
    ...d.env,
    ...extraEnv,
  });
}

async function stop(...processes: RunningProcess[]): Promise<void> {
  for (const p of processes) p.child.kill('SIGTERM');
  for (const p of processes) expect(await p.exited, p.output()).toBe(0);
}

/** The aggregator has flushed everything published (judged from Kafka, while it holds chDB). */
async function settled(d: Deployment, brokers: string[], ...watch: RunningProcess[]): Promise<void> {
  await waitUntil(async () => (await publishedCount(brokers, d.topics[0]!)) > 0, 'records on the calls topic', {
    context: () => watch.map((p) => p.output()).join('\n'),
  });
  await waitUntil(async () => (await consumerLag(brokers, d.group, d.topics)) === 0, 'the aggregator to catch up', {
    context: () => watch.map((p) => p.output()).join('\n'),
  });
}

describe('collector and aggregator services over a real Kafka broker', () => {
  afterEach(killLeftoverServices);
  it('file drop → collector → Kafka → aggregator → ClickHouse → report gives the clean-run figures', async () => {
    const d = deployment('kafka-e2e');
    const aggregator = service(d, 'aggregator');
    const collector = service(d, 'collector');
    drop(d, join(fixtures, 'day1.log'), 'queue_log-20240101');
    drop(d, join(fixtures, 'day2.log'), 'queue_log-20240102');
    await waitUntil(() => archived(d).length === 2, 'both files archived', { context: collector.output });
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    // fixtures/queue_log/README.md: 12 closed stints and c12 still waiting (offered), 6 answered, 2 abandoned;
    // answered waits 138 s (sales) + 145 s (housing) = 283 s; rejects: day1:18 duplicate_line, day2:10 orphan_event
    expect(report(d)).toMatchObject({
      total: { contacts: 13, answered: 6, abandoned: 2, avgWaitNumeratorMs: 283_000 },
      rejects: 2,
    });
  });

  it('the same file dropped twice and an overlapping re-export count every call once', async () => {
    const d = deployment('kafka-dupes');
    const aggregator = service(d, 'aggregator');
    const collector = service(d, 'collector');
    const first = join(d.dir, 'export-1');
    answeredCalls(first, 'x', 100);
    drop(d, first, 'export-1');
    await waitUntil(() => archived(d).length === 1, 'the first file archived', { context: collector.output });
    drop(d, first, 'export-1-again'); // same bytes, another name
    const overlap = join(d.dir, 'export-2');
    answeredCalls(overlap, 'x', 100, 51); // calls 51..150: 50 already seen, 50 new
    drop(d, overlap, 'export-2');
    await waitUntil(
      () => archived(d).length === 2 && existsSync(join(d.archive, 'duplicates', 'export-1-again')),
      'the rest handled',
      {
        context: collector.output,
      },
    );
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    // distinct calls 1..150, each waiting 10 s
    expect(report(d).total).toMatchObject({ contacts: 150, answered: 150, avgWaitNumeratorMs: 1_500_000 });
  });

  it('kill -9 of the collector in the middle of a large file loses nothing and counts nothing twice', async () => {
    const d = deployment('kafka-kill-collector');
    const calls = 60_000;
    const big = join(d.dir, 'big');
    answeredCalls(big, 'k', calls);
    const aggregator = service(d, 'aggregator');
    const doomed = service(d, 'collector');
    drop(d, big, 'queue_log-big');
    // Each message is an envelope of up to a few hundred calls here (decisions §26).
    await waitUntil(
      async () => (await publishedCount(kafkaBrokers(), d.topics[0]!)) >= 10,
      'part of the file published',
      {
        context: doomed.output,
      },
    );
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    expect(archived(d)).toEqual([]); // the file was not finished, so it stays in the inbox
    const published = await publishedRecords(kafkaBrokers(), d.topics[0]!);
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThan(calls);

    const collector = service(d, 'collector');
    await waitUntil(() => archived(d).length === 1, 'the file archived after the restart', {
      context: collector.output,
    });
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    // Kafka holds the first run's records and the second's full pass: some calls twice. A pass is one record
    // per call, and one earlier state (queued or answered) for a call a 1 MiB chunk boundary cuts.
    const secondPass = (await publishedRecords(kafkaBrokers(), d.topics[0]!)) - published;
    expect(secondPass).toBeGreaterThanOrEqual(calls);
    expect(secondPass).toBeLessThanOrEqual(calls + Math.ceil(statSync(big).size / 2 ** 20));
    expect(report(d).total).toMatchObject({ contacts: calls, answered: calls, avgWaitNumeratorMs: calls * 10_000 });
  });

  it('kill -9 of the aggregator after writing rows and before its offsets: the restart counts each call once', async () => {
    const d = deployment('kafka-kill-aggregator');
    const file = join(d.dir, 'calls');
    answeredCalls(file, 'a', 3_000);
    const collector = service(d, 'collector');
    drop(d, file, 'queue_log-a');
    await waitUntil(() => archived(d).length === 1, 'the file archived', { context: collector.output });
    const doomed = service(d, 'aggregator', { CDRFLOW_FAULT: 'kill-after-rows' });
    await doomed.exited; // killed itself right after its first flush's rows
    expect(doomed.child.signalCode).toBe('SIGKILL');

    const aggregator = service(d, 'aggregator');
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    expect(report(d).total).toMatchObject({ contacts: 3_000, answered: 3_000, avgWaitNumeratorMs: 30_000_000 });
  });

  it('a bad row and an undecodable file are rejected with their reasons while the rest lands', async () => {
    const d = deployment('kafka-rejects');
    const aggregator = service(d, 'aggregator');
    const collector = service(d, 'collector');
    const good = join(d.dir, 'good');
    answeredCalls(good, 'g', 20);
    writeFileSync(good, '1704099600|broken-line\n', { flag: 'a' });
    drop(d, good, 'queue_log-good');
    const binary = join(d.dir, 'binary');
    writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a, 0xc3, 0x28, 0x0a]));
    drop(d, binary, 'queue_log-binary');
    await waitUntil(() => archived(d).length === 2, 'both files archived', { context: collector.output });
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    expect(report(d)).toMatchObject({ total: { contacts: 20 }, rejects: 3 });
    const listing = JSON.parse(cdrflowOutput(d, ['rejects', '--format', 'json'])) as {
      rows: Array<{ file: string; line: number; reason: string }>;
    };
    expect(listing.rows.map((r) => `${r.file.split('/').pop()}:${r.line} ${r.reason}`).sort()).toEqual([
      'queue_log-binary:1 bad_encoding',
      'queue_log-binary:2 bad_encoding',
      'queue_log-good:61 bad_field_count',
    ]);
  });
});

describe('a broker outage', () => {
  it('the broker stopped for 20 s while both services run: nothing lost, nothing twice', async () => {
    const broker = await startKafka();
    try {
      const d = deployment('kafka-outage', broker.brokers);
      const aggregator = service(d, 'aggregator');
      const collector = service(d, 'collector');
      const before = join(d.dir, 'before');
      answeredCalls(before, 'o', 1_000);
      drop(d, before, 'queue_log-1');
      await waitUntil(() => archived(d).length === 1, 'the first file archived', { context: collector.output });
      await settled(d, broker.brokers, aggregator, collector);

      await broker.stop();
      const during = join(d.dir, 'during');
      answeredCalls(during, 'o', 1_000, 1_001);
      drop(d, during, 'queue_log-2'); // arrives while the broker is down
      await new Promise((r) => setTimeout(r, 20_000));
      expect(archived(d)).toEqual(['queue_log-1']); // not archived: nothing acknowledged it
      await broker.restart();

      await waitUntil(() => archived(d).length === 2, 'the second file archived after the restart', {
        timeoutMs: 180_000,
        context: collector.output,
      });
      await settled(d, broker.brokers, aggregator, collector);
      await stop(collector, aggregator);
      expect(report(d).total).toMatchObject({ contacts: 2_000, answered: 2_000, avgWaitNumeratorMs: 20_000_000 });
    } finally {
      await broker.stop();
    }
  });
});
