import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { decodeMessage } from '@cdrflow/schema';

const repo = join(import.meta.dirname, '..', '..');

/** A cdrflow command running as its own process, with its output kept for assertions and failures. */
export interface RunningProcess {
  child: ChildProcess;
  readonly output: () => string;
  exited: Promise<number | null>;
}

export function startCdrflow(args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['packages/cli/dist/main.js', ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  running.add(child);
  void exited.then(() => running.delete(child));
  return { child, output: () => output, exited };
}

const running = new Set<ChildProcess>();

/**
 * SIGKILLs every service a test started and did not see exit: a test that
 * fails half-way must not leave a collector or aggregator running into the
 * next test or past the run. For `afterEach`.
 */
export async function killLeftoverServices(): Promise<void> {
  const left = [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          if (!child.kill('SIGKILL')) resolve();
        }),
    ),
  );
}

/** Polls `condition` until it holds; the error says what was awaited and shows `context()`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  options: { timeoutMs?: number; context?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${options.context?.() ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs an admin lookup again while the broker answers with a retriable
 * error (a topic created a moment ago has no leader yet: NOT_LEADER). A
 * probe, not a test retry: any other error, or one that lasts 5 s, fails.
 */
async function retryingTransient<T>(lookup: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lookup();
    } catch (e: unknown) {
      if ((e as { retriable?: boolean }).retriable !== true || attempt >= 25) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Messages on `topics` not yet handled by `groupId`, from the offsets the
 * aggregator commits to Kafka as a hint after each flushed batch (ClickHouse
 * holds the real offsets; this is how a test sees progress from outside).
 */
export async function consumerLag(brokers: string[], groupId: string, topics: string[]): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'lag-probe', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await retryingTransient(() => admin.fetchOffsets({ groupId, topics }));
    for (const topic of topics) {
      const ends = await retryingTransient(() => admin.fetchTopicOffsets(topic));
      const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const at = Number(done.find((p) => p.partition === end.partition)?.offset ?? '-1');
        lag += Number(end.high) - Math.max(at, 0);
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Records published so far on a topic: every message read from the start by a
 * throwaway group and its envelope decoded (a message carries many records).
 * Fails, naming what it had read, if the consumer crashes or has not reached
 * every partition's end within `timeoutMs`.
 */
export async function publishedRecords(brokers: string[], topic: string, timeoutMs = 60_000): Promise<number> {
  const kafka = new Kafka({ brokers, clientId: 'record-count-probe', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    const offsets = await retryingTransient(() => admin.fetchTopicOffsets(topic));
    ends = new Map(offsets.map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const unread = new Set([...ends].filter(([, high]) => high > 0).map(([partition]) => partition));
  if (unread.size === 0) return 0;
  const readUpTo = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: `record-count-${randomUUID()}` });
  let records = 0;
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const describe = () =>
        [...ends].map(([p, end]) => `partition ${p}: read up to ${readUpTo.get(p) ?? 'nothing'} of ${end}`).join('; ');
      timer = setTimeout(
        () => reject(new Error(`publishedRecords(${topic}) did not reach the end in ${timeoutMs} ms: ${describe()}`)),
        timeoutMs,
      );
      consumer.on(consumer.events.CRASH, (event) =>
        reject(
          new Error(`publishedRecords(${topic}): consumer crashed (${String(event.payload.error)}); ${describe()}`),
        ),
      );
      consumer
        .run({
          eachBatch: ({ batch }) => {
            const end = ends.get(batch.partition) ?? 0;
            for (const m of batch.messages) {
              const offset = Number(m.offset);
              if (offset >= end) {
                unread.delete(batch.partition);
                break;
              }
              records += decodeMessage(m.value?.toString('utf8') ?? '').records.length;
              readUpTo.set(batch.partition, offset + 1);
              if (offset + 1 >= end) unread.delete(batch.partition);
            }
            if (unread.size === 0) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return records;
}

/** Messages published so far on a topic (sum of high watermarks); each may carry many records. */
export async function publishedCount(brokers: string[], topic: string): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'count-probe', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return 0;
    return (await retryingTransient(() => admin.fetchTopicOffsets(topic))).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
