import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  BusError,
  KafkaBus,
  partitionFor,
  topicPartitionKey,
  type BusConsumer,
  type BusLogger,
  type ConsumerHandlers,
  type MessageBatch,
  type OutgoingMessage,
  type TopicPartition,
} from '@cdrflow/bus';

/** The broker: KAFKA_BROKERS when set (development), else what the global setup provides. */
function brokers(): string[] {
  const fromEnv = process.env.KAFKA_BROKERS;
  const list = fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.split(',') : inject('kafkaBrokers');
  const cleaned = (list ?? []).map((b) => b.trim()).filter((b) => b !== '');
  if (cleaned.length === 0)
    throw new Error('no Kafka broker: set KAFKA_BROKERS or run with the integration global setup');
  return cleaned;
}

/** Keeps what the bus logs, so a failing test can show it; prints nothing. */
function collectingLogger(): BusLogger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (fields: object, message: string) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  };
  return { lines, debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

const buses: KafkaBus[] = [];
const consumers: BusConsumer[] = [];

function newBus(): KafkaBus {
  const bus = new KafkaBus({
    config: { brokers: brokers(), clientId: 'cdrflow-test', heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 },
    log: collectingLogger(),
  });
  buses.push(bus);
  return bus;
}

function consumerOf(bus: KafkaBus, groupId: string, topics: string[]): BusConsumer {
  const consumer = bus.consumer({ groupId, topics });
  consumers.push(consumer);
  return consumer;
}

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

const unique = (what: string) => `test.${what}.${randomUUID().slice(0, 8)}`;

function messages(count: number, prefix = 'call'): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}:${i}`,
    value: JSON.stringify({ id: `${prefix}:${i}`, queue: 'Zoë ☎ housing', i }),
  }));
}

/** Polls a condition (no fixed sleeps before asserting); fails with `what` on timeout. */
async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Handlers that record everything, starting each partition where `starts` says. */
function recorder(starts: ReadonlyMap<string, number> = new Map()) {
  const batches: MessageBatch[] = [];
  const assignments: TopicPartition[][] = [];
  const handlers: ConsumerHandlers = {
    onAssign: (assigned) => {
      assignments.push([...assigned]);
      return Promise.resolve(starts);
    },
    onBatch: (batch) => {
      batches.push(batch);
      return Promise.resolve();
    },
  };
  const all = () => batches.flatMap((b) => b.messages.map((m) => ({ ...m, topic: b.topic, partition: b.partition })));
  return { handlers, batches, assignments, all };
}

/** High watermark of each partition, read with a plain kafkajs admin client. */
async function endOffsets(topic: string): Promise<Map<number, number>> {
  const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

describe('KafkaBus on a real broker', () => {
  it('round-trips every message exactly once across partitions, in offset order, as UTF-8', async () => {
    const bus = newBus();
    const topic = unique('roundtrip');
    await bus.ensureTopics([{ name: topic, partitions: 4 }]);
    const sent = messages(6_000); // ~430 kB: also crosses the send splitter
    await bus.producer().send(topic, sent);

    const rec = recorder();
    const consumer = consumerOf(bus, unique('group'), [topic]);
    await consumer.start(rec.handlers);
    await consumer.caughtUp();

    const got = rec.all();
    expect(got).toHaveLength(sent.length);
    expect(new Set(got.map((m) => m.key)).size).toBe(sent.length);
    const byKey = new Map(sent.map((m) => [m.key, m.value]));
    for (const m of got) expect(m.value).toBe(byKey.get(m.key));
    for (let p = 0; p < 4; p++) {
      const offsets = got.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i)); // 0, 1, 2, … with no gap or repeat
    }
    expect(new Set(got.map((m) => m.partition)).size).toBe(4);
  });

  it('puts each key in the partition partitionFor gives', async () => {
    const bus = newBus();
    const topic = unique('partitioner');
    await bus.ensureTopics([{ name: topic, partitions: 6 }]);
    const sent = messages(600, 'queue_log:1591000000.123');
    await bus.producer().send(topic, sent);

    const expected = new Map<number, number>();
    for (const m of sent) {
      const p = partitionFor(m.key, 6);
      expected.set(p, (expected.get(p) ?? 0) + 1);
    }
    const ends = await endOffsets(topic);
    for (let p = 0; p < 6; p++) expect(ends.get(p) ?? 0).toBe(expected.get(p) ?? 0);

    const rec = recorder();
    const consumer = consumerOf(bus, unique('group'), [topic]);
    await consumer.start(rec.handlers);
    await consumer.caughtUp();
    const got = rec.all();
    expect(got).toHaveLength(sent.length);
    for (const m of got) expect(m.partition).toBe(partitionFor(m.key, 6));
  });

  it('starts each partition at the offset onAssign returns, not where Kafka last committed', async () => {
    const bus = newBus();
    const topic = unique('assign');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    await bus.producer().send(topic, messages(400));
    const ends = await endOffsets(topic);
    const groupId = unique('group');

    // A first run reads everything, so Kafka's committed offsets (the hints) are at the end.
    const first = recorder();
    const c1 = consumerOf(bus, groupId, [topic]);
    await c1.start(first.handlers);
    await c1.caughtUp();
    expect(first.all()).toHaveLength(400);
    await c1.stop();

    // More arrives after the hints; a consumer that read from Kafka's committed
    // position would now see 400… before (or instead of) the offsets asked for.
    await bus.producer().send(topic, messages(100, 'later'));
    const total = await endOffsets(topic);

    // The second run starts partition 0 mid-way and says nothing about partition 1 (so: 0).
    // Its onAssign is slow (a ClickHouse query), so kafkajs fetches while it runs.
    const mid = Math.floor(ends.get(0)! / 2);
    const second = recorder(new Map([[topicPartitionKey({ topic, partition: 0 }), mid]]));
    const slowAssign = second.handlers.onAssign.bind(second.handlers);
    second.handlers.onAssign = async (assigned) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return slowAssign(assigned);
    };
    const c2 = consumerOf(bus, groupId, [topic]);
    await c2.start(second.handlers);
    await c2.caughtUp();
    const got = second.all();
    const p0 = got.filter((m) => m.partition === 0).map((m) => m.offset);
    const p1 = got.filter((m) => m.partition === 1).map((m) => m.offset);
    expect(p0).toEqual(Array.from({ length: total.get(0)! - mid }, (_, i) => mid + i));
    expect(p1).toEqual(Array.from({ length: total.get(1)! }, (_, i) => i));
  });

  it('splits the partitions between two members of a group, each told by onAssign', async () => {
    const bus = newBus();
    const topic = unique('group');
    await bus.ensureTopics([{ name: topic, partitions: 4 }]);
    const groupId = unique('group');

    const a = recorder();
    const ca = consumerOf(bus, groupId, [topic]);
    await ca.start(a.handlers);
    expect(a.assignments.at(-1)).toHaveLength(4);

    const b = recorder();
    const cb = consumerOf(newBus(), groupId, [topic]);
    await cb.start(b.handlers);
    const keys = (tps: TopicPartition[] | undefined) => (tps ?? []).map(topicPartitionKey);
    await waitFor('member A to be reassigned', () => (a.assignments.at(-1)?.length ?? 0) < 4);
    const fromA = keys(a.assignments.at(-1));
    const fromB = keys(b.assignments.at(-1));
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect(fromA.filter((k) => fromB.includes(k))).toEqual([]);
    expect(new Set([...fromA, ...fromB]).size).toBe(4);

    // Published after the split: handled once, by the member that owns the partition.
    await bus.producer().send(topic, messages(800));
    await Promise.all([ca.caughtUp(), cb.caughtUp()]);
    const got = [...a.all(), ...b.all()];
    expect(got).toHaveLength(800);
    expect(new Set(got.map((m) => m.key)).size).toBe(800);
    for (const m of a.all()) expect(fromA).toContain(topicPartitionKey(m));
    for (const m of b.all()) expect(fromB).toContain(topicPartitionKey(m));
  });

  it('lets a handler give its batch up when a heartbeat says the group is rebalancing', async () => {
    const bus = newBus();
    const topic = unique('giveup');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    await bus.producer().send(topic, messages(200));
    const groupId = unique('group');

    // "ClickHouse": the next offset of each partition, advanced only by handled batches.
    const stored = new Map<string, number>();
    const handled: string[] = [];
    const handle = (batch: MessageBatch) => {
      for (const m of batch.messages) handled.push(`${topicPartitionKey(batch)}@${m.offset}`);
      stored.set(topicPartitionKey(batch), batch.messages.at(-1)!.offset + 1);
    };
    let secondJoining = false;
    let gaveUp: unknown;
    const a = consumerOf(bus, groupId, [topic]);
    await a.start({
      onAssign: () => Promise.resolve(new Map(stored)),
      onBatch: async (batch) => {
        if (gaveUp === undefined) {
          // Hold the first batch until a second member joins, heartbeating as a slow flush would.
          await waitFor('the second member to start joining', () => secondJoining);
          for (;;) {
            try {
              await batch.heartbeat!();
            } catch (e: unknown) {
              gaveUp = e;
              throw e;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        handle(batch);
      },
    });
    const b = consumerOf(newBus(), groupId, [topic]);
    secondJoining = true;
    await b.start({
      onAssign: () => Promise.resolve(new Map(stored)),
      onBatch: (batch) => Promise.resolve(handle(batch)),
    });

    expect(gaveUp).toMatchObject({ code: 'rebalancing' });
    await Promise.all([a.caughtUp(), b.caughtUp()]); // A did not fail: it rejoined
    expect(handled).toHaveLength(200);
    expect(new Set(handled).size).toBe(200);
  });

  it('caughtUp resolves only once everything published before the call was handled', async () => {
    const bus = newBus();
    const topic = unique('caughtup');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const producer = bus.producer();
    await producer.send(topic, messages(300, 'a'));

    let handled = 0;
    const consumer = consumerOf(bus, unique('group'), [topic]);
    await consumer.start({
      onAssign: () => Promise.resolve(new Map()),
      onBatch: async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, 5)); // a slow flush
        handled += batch.messages.length;
      },
    });
    await consumer.caughtUp();
    expect(handled).toBe(300);

    await producer.send(topic, messages(200, 'b'));
    await consumer.caughtUp();
    expect(handled).toBe(500);
    await consumer.caughtUp(); // nothing new: resolves at once
    expect(handled).toBe(500);
  });

  it('stops on a failing onBatch without advancing; a restart from the same offsets sees the batch again', async () => {
    const bus = newBus();
    const topic = unique('failing');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    await bus.producer().send(topic, messages(50));
    const groupId = unique('group');
    const key = topicPartitionKey({ topic, partition: 0 });
    const stored = new Map([[key, 10]]); // "ClickHouse" says: resume at 10

    const seen: number[] = [];
    const failing = consumerOf(bus, groupId, [topic]);
    await failing.start({
      onAssign: () => Promise.resolve(stored),
      onBatch: (batch) => {
        seen.push(batch.messages[0]!.offset);
        return Promise.reject(new Error('ClickHouse is down'));
      },
    });
    await expect(failing.caughtUp()).rejects.toThrow('ClickHouse is down');
    await failing.stop();
    expect(seen).toEqual([10]); // called once: not retried, not skipped past

    // Nothing was committed to Kafka for the failed batch either.
    const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed?.partitions.every((p) => p.offset === '-1')).toBe(true);
    } finally {
      await admin.disconnect();
    }

    const again = recorder(stored);
    const restarted = consumerOf(bus, groupId, [topic]);
    await restarted.start(again.handlers);
    await restarted.caughtUp();
    expect(again.batches[0]!.messages[0]!.offset).toBe(10);
    expect(again.all().map((m) => m.offset)).toEqual(Array.from({ length: 40 }, (_, i) => 10 + i));
  });

  it('ensureTopics is idempotent, and reports a topic with another partition count', async () => {
    const bus = newBus();
    const topic = unique('ensure');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    await newBus().ensureTopics([{ name: topic, partitions: 3 }]); // another process, same answer
    expect(bus.partitionsOf(topic)).toBe(3);

    const mismatch = newBus().ensureTopics([{ name: topic, partitions: 5 }]);
    await expect(mismatch).rejects.toBeInstanceOf(BusError);
    await expect(mismatch).rejects.toMatchObject({ code: 'topic_mismatch' });

    expect(() => bus.partitionsOf(unique('undeclared'))).toThrow(
      expect.objectContaining({ code: 'unknown_topic' }) as Error,
    );
    await expect(bus.producer().send(unique('undeclared'), messages(1))).rejects.toMatchObject({
      code: 'unknown_topic',
    });
  });

  it('ensureTopics from several processes at once: every one succeeds and sees the same topics', async () => {
    // As when a collector and aggregators start together on new topics: the
    // losers of the creation race may see a topic listed before a broker hosts it.
    for (let round = 0; round < 3; round++) {
      const specs = [
        { name: unique('race-calls'), partitions: 3 },
        { name: unique('race-surveys'), partitions: 3 },
        { name: unique('race-rejects'), partitions: 1 },
      ];
      const racers = [newBus(), newBus(), newBus()];
      await Promise.all(racers.map((bus) => bus.ensureTopics(specs)));
      for (const bus of racers) expect(specs.map((t) => bus.partitionsOf(t.name))).toEqual([3, 3, 1]);
    }
  });

  it('rejects unknown or inconsistent settings', () => {
    expect(() => new KafkaBus({ config: { brokers: ['127.0.0.1:1'], compresion: 'gzip' } as never })).toThrow(
      /compresion/,
    );
    expect(() => new KafkaBus({ config: { brokers: ['127.0.0.1:1'], compression: 'lz4' } as never })).toThrow();
    expect(
      () =>
        new KafkaBus({ config: { brokers: ['127.0.0.1:1'], heartbeatIntervalMs: 30_000, sessionTimeoutMs: 10_000 } }),
    ).toThrow(/heartbeatIntervalMs/);
    expect(new KafkaBus({ config: { brokers: ['127.0.0.1:1'] } }).config).toMatchObject({
      compression: 'none',
      clientId: 'cdrflow',
    });
  });
});
