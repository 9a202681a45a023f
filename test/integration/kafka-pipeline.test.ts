import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKafka } from '../../infra/local/kafka';
import { kafkaBrokers, uniqueTopicPrefix } from '../support/kafka';
import { consumerLag, publishedCount, startCdrflow, waitUntil, type RunningProcess } from '../support/services';
import { tempDir } from '../support/temp-dir';

/**
 * The production path on a real broker: `cdrflow collector` and `cdrflow
 * aggregator` as separate processes talking through Kafka, the aggregator
 * writing ClickHouse (chDB in its data folder). Each test owns its topics
 * (a namespace), group and folders, and compares final figures with the
 * figures the same exports give on a clean run.
 */
const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'fixtures', 'queue_log');

interface Deployment {
  dir: string;
  env: Record<string, string>;
  group: string;
  topics: string[];
  inbox: string;
  archive: string;
}

function deployment(name: string, brokers = kafkaBrokers()): Deployment {
  const dir = tempDir(name);
  const namespace = uniqueTopicPrefix();
  const group = `${namespace}-aggregator`;
  writeFileSync(
    join(dir, 'cdrflow.yaml'),
    [
      'dataDir: data',
      'bus: { partitions: 3 }',
      `aggregator: { groupId: ${group} }`,
      'collector: { publishBatchRecords: 1000 }',
      'sources:',
      '  - name: pbx',
      '    format: queue_log',
      '    inbox: inbox',
      '    archive: archive',
      '    completion: { rule: rename }',
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'inbox'));
  return {
    dir,
    group,
    topics: [`${namespace}.calls.v1`, `${namespace}.surveys.v1`, `${namespace}.rejects.v1`],
    inbox: join(dir, 'inbox'),
    archive: join(dir, 'archive'),
    env: {
      KAFKA_BROKERS: brokers.join(','),
      CDRFLOW_TOPIC_NAMESPACE: namespace,
      CDRFLOW_CALLER_KEY: 'kafka-pipeline-test-key-0123',
      CDRFLOW_CONFIG: join(dir, 'cdrflow.yaml'),
    },
  };
}

/** Drops a file the way the rename rule expects: written elsewhere, renamed in. */
function drop(d: Deployment, from: string, name: string): void {
  const staging = join(d.dir, `.${name}.tmp`);
  copyFileSync(from, staging);
  renameSync(staging, join(d.inbox, name));
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

function archived(d: Deployment): string[] {
  return existsSync(d.archive) ? readdirSync(d.archive).filter((f) => f !== 'duplicates') : [];
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

interface Figures {
  total: { contacts: number; answered: number; abandoned: number; avgWaitNumeratorMs: number; talkSeconds: number };
  rejects: number;
}

/** `cdrflow report` over the deployment's ClickHouse, after the aggregator has stopped. */
function report(d: Deployment): Figures {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/cli/src/main.ts',
      'report',
      '--from',
      '2023-12-01',
      '--to',
      '2024-12-31',
      '--format',
      'json',
    ],
    { cwd: repo, env: { ...process.env, ...d.env }, encoding: 'utf8' },
  );
  return JSON.parse(out) as Figures;
}

/** A queue_log of `count` answered calls `<prefix><n>`, each waiting 10 s and talking 30 s. */
function answeredCalls(path: string, prefix: string, count: number, fromIndex = 1): void {
  const base = 1_704_099_600; // 2024-01-01 09:00:00 UTC
  const lines: string[] = [];
  for (let n = fromIndex; n < fromIndex + count; n++) {
    const t = base + n;
    lines.push(
      `${t}|${prefix}${n}|sales|NONE|ENTERQUEUE||0163296${String(n % 10000).padStart(4, '0')}|1`,
      `${t + 10}|${prefix}${n}|sales|SIP/2001|CONNECT|10|${prefix}${n}.b|2`,
      `${t + 40}|${prefix}${n}|sales|SIP/2001|COMPLETECALLER|10|30|1`,
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('collector and aggregator services over a real Kafka broker', () => {
  it('file drop → collector → Kafka → aggregator → ClickHouse → report gives the clean-run figures', async () => {
    const d = deployment('kafka-e2e');
    const aggregator = service(d, 'aggregator');
    const collector = service(d, 'collector');
    drop(d, join(fixtures, 'day1.log'), 'queue_log-20240101');
    drop(d, join(fixtures, 'day2.log'), 'queue_log-20240102');
    await waitUntil(() => archived(d).length === 2, 'both files archived', { context: collector.output });
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    // fixtures/queue_log/README.md: 12 stints, 6 answered, 2 abandoned; answered waits
    // 138 s (sales) + 145 s (housing) = 283 s; rejects: day1:18 duplicate_line, day2:10 orphan_event
    expect(report(d)).toMatchObject({
      total: { contacts: 12, answered: 6, abandoned: 2, avgWaitNumeratorMs: 283_000 },
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
    await waitUntil(
      async () => (await publishedCount(kafkaBrokers(), d.topics[0]!)) >= 5_000,
      'part of the file published',
      {
        context: doomed.output,
      },
    );
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    expect(archived(d)).toEqual([]); // the file was not finished, so it stays in the inbox
    const published = await publishedCount(kafkaBrokers(), d.topics[0]!);
    expect(published).toBeLessThan(calls);

    const collector = service(d, 'collector');
    await waitUntil(() => archived(d).length === 1, 'the file archived after the restart', {
      context: collector.output,
    });
    await settled(d, kafkaBrokers(), aggregator, collector);
    await stop(collector, aggregator);
    // Kafka holds the first run's records and the second's full pass: some calls twice.
    expect(await publishedCount(kafkaBrokers(), d.topics[0]!)).toBe(published + calls);
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
    const listing = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'rejects', '--format', 'json'], {
        cwd: repo,
        env: { ...process.env, ...d.env },
        encoding: 'utf8',
      }),
    ) as { rows: Array<{ file: string; line: number; reason: string }> };
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
