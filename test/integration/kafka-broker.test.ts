import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { isAlive, portAccepts, startKafka, type LocalKafka } from '../../infra/local/kafka';
import { javaCompatiblePartitioner, kafkaBrokers, testKafka, uniqueTopicPrefix } from '../support/kafka';
import { tempDir } from '../support/temp-dir';

/** Consumes `topic` from the beginning with a new group until `expected` messages arrived (or times out). */
async function consumeAll(
  kafka: Kafka,
  topic: string,
  groupId: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<{ values: string[]; perPartition: Map<number, number> }> {
  const consumer: Consumer = kafka.consumer({ groupId });
  const values: string[] = [];
  const perPartition = new Map<number, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${values.length} of ${expected} messages after ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            values.push(message.value?.toString() ?? '');
            perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
            if (values.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { values, perPartition };
}

describe('the run’s Kafka broker (global setup)', () => {
  it('round-trips 1000 messages through 3 partitions with an idempotent producer and a consumer group', async () => {
    const prefix = uniqueTopicPrefix();
    const topic = `${prefix}.roundtrip`;
    const groupId = `${prefix}.group`;
    const kafka = testKafka('kafka-broker-test');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);

      const producer: Producer = kafka.producer({ idempotent: true, createPartitioner: javaCompatiblePartitioner });
      await producer.connect();
      try {
        for (let batch = 0; batch < 10; batch += 1) {
          await producer.send({
            topic,
            acks: -1,
            messages: Array.from({ length: 100 }, (_, i) => {
              const n = batch * 100 + i;
              return { key: `agent-${n % 25}`, value: `message-${n}` };
            }),
          });
        }
      } finally {
        await producer.disconnect();
      }

      const offsets = await admin.fetchTopicOffsets(topic);
      const highWatermarks = offsets.map((o) => Number(o.high));
      expect(highWatermarks.reduce((a, b) => a + b, 0)).toBe(1000);
      expect(highWatermarks.every((high) => high > 0)).toBe(true); // 25 keys spread over all 3 partitions

      const { values, perPartition } = await consumeAll(kafka, topic, groupId, 1000);
      expect(values).toHaveLength(1000);
      expect(new Set(values).size).toBe(1000);
      expect(new Set(values)).toEqual(new Set(Array.from({ length: 1000 }, (_, n) => `message-${n}`)));
      for (const { partition, high } of offsets) expect(perPartition.get(partition) ?? 0).toBe(Number(high));

      // The group committed exactly the end of every partition.
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
      for (const { partition, high } of offsets) expect(byPartition.get(partition)).toBe(Number(high));

      await admin.deleteGroups([groupId]);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });
});

describe('startKafka: a second broker of a test’s own', () => {
  let own: LocalKafka | undefined;
  afterAll(async () => {
    await own?.stop();
  });

  it('starts on its own ports, keeps acknowledged data across kill() + restart(), and stops cleanly', async () => {
    own = await startKafka({ dataDir: tempDir('kafka-own'), heapMb: 256 });
    const shared = kafkaBrokers();
    expect(own.brokers).toEqual([`127.0.0.1:${own.port}`]);
    expect(shared).not.toContain(own.brokers[0]);
    expect(own.port).not.toBe(own.controllerPort);

    const kafka = new Kafka({
      clientId: 'kafka-own-test',
      brokers: own.brokers,
      logLevel: logLevel.NOTHING, // connection errors around the kill are expected
      retry: { retries: 10, initialRetryTime: 200 },
    });
    const topic = `${uniqueTopicPrefix()}.durable`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, createPartitioner: javaCompatiblePartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'before-kill' }] });
    await producer.disconnect();

    const killedPid = own.pid;
    own.kill();
    await expect.poll(() => isAlive(killedPid), { timeout: 10_000 }).toBe(false);
    expect(await portAccepts(own.port)).toBe(false);

    await own.restart();
    expect(own.pid).not.toBe(killedPid);
    expect(own.brokers).toEqual([`127.0.0.1:${own.port}`]);
    const { values } = await consumeAll(kafka, topic, `${topic}.group`, 1);
    expect(values).toEqual(['before-kill']);

    const pid = own.pid;
    await own.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await portAccepts(own.port)).toBe(false);
    await own.stop(); // a second stop is a no-op
  });
});
