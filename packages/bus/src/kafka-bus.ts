import {
  CompressionTypes,
  Kafka,
  type Admin,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  type ICustomPartitioner,
  type KafkaConfig,
  type Producer,
} from 'kafkajs';
import {
  topicPartitionKey,
  type Bus,
  type BusConsumer,
  type BusMessage,
  type BusProducer,
  type ConsumerHandlers,
  type OutgoingMessage,
  type TopicPartition,
  type TopicSpec,
} from './bus';
import { BusError } from './bus-error';
import { parseKafkaBusConfig, type KafkaBusConfig, type KafkaBusConfigInput } from './kafka-config';
import { isRetriableKafkaError, toBusError } from './kafka-errors';
import { kafkaLogCreator, kafkaLogLevel, stderrLogger, type BusLogger } from './kafka-log';
import { partitionFor } from './partitioner';

/**
 * kafkajs's retry defaults, pinned: kafkajs swaps in much shorter ones when
 * NODE_ENV=test (`src/retry/index.js`), which vitest sets, so tests would
 * otherwise run a different client from production.
 */
/** How long ensureTopics keeps trying while the broker answers with a retriable error. */
const ENSURE_TOPICS_PATIENCE_MS = 60_000;
const RETRY = { initialRetryTime: 300, maxRetryTime: 30_000, factor: 0.2, multiplier: 2, retries: 5 } as const;

/**
 * Upper bound on the key+value bytes of one produce request. The broker
 * refuses a record batch over `message.max.bytes` (1 MiB by default) and
 * kafkajs puts a whole send for one partition into one batch, so a
 * 5,000-record publish (~2.3 MB) is split; the parts are awaited in order.
 */
const MAX_SEND_BYTES = 768 * 1024;

/** Puts a key where `partitionFor` (and so the EmbeddedBus) puts it. */
export const cdrflowPartitioner: ICustomPartitioner =
  () =>
  ({ topic, partitionMetadata, message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const key = message.key;
    if (key === undefined || key === null) throw new BusError('broker', `message for ${topic} has no key`);
    return partitionFor(typeof key === 'string' ? key : key.toString('utf8'), partitionMetadata.length);
  };

export interface KafkaBusOptions {
  /** Brokers, client id, security and timeouts; checked by `parseKafkaBusConfig`. */
  config: KafkaBusConfigInput;
  /** Where the bus and kafkajs log; default JSON lines on stderr. */
  log?: BusLogger | undefined;
}

/**
 * The Bus on Apache Kafka through kafkajs 2.2.4. Producers are idempotent
 * and wait for all in-sync replicas; consumers never let Kafka choose where
 * to start: every group join calls `onAssign` and seeks each assigned
 * partition to the offset it returns before any batch of it is handled.
 * See docs/decisions.md, "kafkajs", for what kafkajs does and why.
 */
export class KafkaBus implements Bus {
  readonly config: KafkaBusConfig;
  private readonly kafka: Kafka;
  private readonly log: BusLogger;
  private readonly partitionCounts = new Map<string, number>();
  private readonly producers = new Set<KafkaBusProducer>();
  private readonly consumers = new Set<KafkaBusConsumer>();
  private admin: Promise<Admin> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: KafkaBusOptions) {
    const { config, log } = options;
    this.config = parseKafkaBusConfig(config);
    this.log = log ?? stderrLogger;
    const kafkaConfig: KafkaConfig = {
      brokers: this.config.brokers,
      clientId: this.config.clientId,
      ssl: this.config.ssl,
      connectionTimeout: this.config.connectionTimeoutMs,
      requestTimeout: this.config.requestTimeoutMs,
      retry: { ...RETRY },
      logLevel: kafkaLogLevel(log),
      logCreator: kafkaLogCreator(log),
    };
    const sasl = this.config.sasl;
    if (sasl !== undefined) {
      const { username, password } = sasl;
      kafkaConfig.sasl =
        sasl.mechanism === 'plain'
          ? { mechanism: 'plain', username, password }
          : sasl.mechanism === 'scram-sha-256'
            ? { mechanism: 'scram-sha-256', username, password }
            : { mechanism: 'scram-sha-512', username, password };
    }
    this.kafka = new Kafka(kafkaConfig);
  }

  /**
   * Creates missing topics (the broker does not auto-create them) and checks
   * existing ones have the partition count asked for; then records every
   * topic's partition count for `partitionsOf`. Safe to call again and from
   * several processes at once.
   */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    // A topic another process created a moment ago can be listed before any
    // broker hosts it ("does not host this topic-partition"), most often when
    // a collector and an aggregator start together on a busy broker: such
    // answers are retried for a while rather than ending the service.
    const deadline = Date.now() + ENSURE_TOPICS_PATIENCE_MS;
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
      try {
        await this.ensureTopicsOnce(specs);
        return;
      } catch (e: unknown) {
        if (!(e instanceof BusError) || !e.retriable || Date.now() + delayMs > deadline) throw e;
        this.log.warn({ err: e.message, retryInMs: delayMs }, 'topics not ready yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async ensureTopicsOnce(specs: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    if (specs.length === 0) return;
    const admin = await this.adminClient();
    const names = specs.map((s) => s.name);
    try {
      const existing = new Set(await admin.listTopics());
      for (const spec of specs) {
        if (existing.has(spec.name)) continue;
        // One topic per call: kafkajs treats a mix of "created" and "already
        // exists" (another process won the race) as an error.
        await admin.createTopics({
          topics: [
            { topic: spec.name, numPartitions: spec.partitions, replicationFactor: this.config.replicationFactor },
          ],
          waitForLeaders: true,
          timeout: this.config.requestTimeoutMs,
        });
      }
    } catch (e: unknown) {
      throw toBusError(e, `creating topics ${names.join(', ')}`);
    }
    const counts = await this.fetchPartitionCounts(admin, names);
    for (const spec of specs) {
      const count = counts.get(spec.name) ?? 0;
      if (count !== spec.partitions) {
        throw new BusError(
          'topic_mismatch',
          `topic ${spec.name} already has ${count} partitions, config asks for ${spec.partitions}`,
        );
      }
      this.partitionCounts.set(spec.name, count);
    }
  }

  partitionsOf(topic: string): number {
    const count = this.partitionCounts.get(topic);
    if (count === undefined) throw new BusError('unknown_topic', `topic ${topic} was not declared with ensureTopics`);
    return count;
  }

  async endOffsets(topic: string): Promise<ReadonlyMap<number, number>> {
    this.assertOpen();
    const admin = await this.adminClient();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map(({ partition, high }) => [partition, Number(high)]));
    } catch (e: unknown) {
      throw toBusError(e, `reading the end offsets of ${topic}`);
    }
  }

  producer(): BusProducer {
    this.assertOpen();
    const producer = new KafkaBusProducer(this, this.kafka, this.config);
    this.producers.add(producer);
    return producer;
  }

  consumer(options: { groupId: string; topics: readonly string[] }): BusConsumer {
    this.assertOpen();
    const consumer = new KafkaBusConsumer(this, this.kafka, this.config, this.log, options.groupId, [
      ...options.topics,
    ]);
    this.consumers.add(consumer);
    return consumer;
  }

  /** Stops every consumer (each finishes its in-flight batch), disconnects producers and the admin client. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const failures: unknown[] = [];
      const settle = async (work: Promise<unknown>): Promise<void> => {
        try {
          await work;
        } catch (e: unknown) {
          failures.push(e);
        }
      };
      await Promise.all([...this.consumers].map((c) => settle(c.stop())));
      await Promise.all([...this.producers].map((p) => settle(p.disconnect())));
      if (this.admin !== undefined) await settle(this.admin.then((a) => a.disconnect()));
      if (failures.length > 0) this.log.warn({ failures: failures.map(String) }, 'errors while closing the Kafka bus');
    })();
    return this.closing;
  }

  /** @internal */
  isKnownTopic(topic: string): boolean {
    return this.partitionCounts.has(topic);
  }

  /** @internal The bus's one admin client, connected on first use. */
  adminClient(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin({ retry: { ...RETRY } });
      const connecting = admin.connect().then(
        () => admin,
        (e: unknown) => {
          this.admin = undefined;
          throw toBusError(e, 'connecting the Kafka admin client');
        },
      );
      this.admin = connecting;
    }
    return this.admin;
  }

  /** @internal */
  assertOpen(): void {
    if (this.closing !== undefined) throw new BusError('closed', 'the Kafka bus is closed');
  }

  private async fetchPartitionCounts(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      return new Map(topics.map((t) => [t.name, t.partitions.length]));
    } catch (e: unknown) {
      throw toBusError(e, `reading metadata of ${names.join(', ')}`);
    }
  }
}

class KafkaBusProducer implements BusProducer {
  private client: Promise<Producer> | undefined;

  constructor(
    private readonly bus: KafkaBus,
    private readonly kafka: Kafka,
    private readonly config: KafkaBusConfig,
  ) {}

  partitionOf(topic: string, key: string): number {
    return partitionFor(key, this.bus.partitionsOf(topic));
  }

  /** Resolves once every message is acknowledged by all in-sync replicas (acks=-1). */
  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.bus.assertOpen();
    if (!this.bus.isKnownTopic(topic))
      throw new BusError('unknown_topic', `topic ${topic} was not declared with ensureTopics`);
    if (messages.length === 0) return;
    const producer = await this.connected();
    try {
      for (const part of splitBySize(messages, MAX_SEND_BYTES)) {
        await producer.send({
          topic,
          acks: -1,
          timeout: this.config.requestTimeoutMs,
          compression: this.config.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          messages: part.map((m) => ({ key: m.key, value: m.value })),
        });
      }
    } catch (e: unknown) {
      // After a failed request kafkajs rewinds the partition's sequence number
      // even if the broker did write the records; a later send of *other*
      // records with that sequence would be taken for a duplicate and dropped.
      // A new producer (new producer id, sequences from 0) cannot be confused.
      await this.reset();
      throw toBusError(e, `sending ${messages.length} messages to ${topic}`);
    }
  }

  async disconnect(): Promise<void> {
    await this.reset();
  }

  private connected(): Promise<Producer> {
    if (this.client === undefined) {
      const producer = this.kafka.producer({
        idempotent: true,
        // kafkajs serialises an idempotent producer's requests per broker
        // anyway (eosManager broker lock); 1 keeps ordering trivially true.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: cdrflowPartitioner,
        retry: { ...RETRY, retries: this.config.sendRetries },
      });
      this.client = producer.connect().then(
        () => producer,
        (e: unknown) => {
          this.client = undefined;
          throw toBusError(e, 'connecting the Kafka producer');
        },
      );
    }
    return this.client;
  }

  private async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      await (await client).disconnect();
    } catch {
      // Already failed to connect, or the connection is gone: nothing to release.
    }
  }
}

function splitBySize(messages: readonly OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const parts: OutgoingMessage[][] = [];
  let part: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.key) + Buffer.byteLength(message.value) + 64;
    if (part.length > 0 && bytes + size > maxBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(message);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

interface PartitionPosition {
  tp: TopicPartition;
  /** The next offset to hand to onBatch. */
  next: number;
}

interface Waiter {
  targets: Map<string, number>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** How often in a row kafkajs may fetch a partition from somewhere other than our position. */
const MAX_POSITION_MISMATCHES = 3;

class KafkaBusConsumer implements BusConsumer {
  private consumer: Consumer | undefined;
  private handlers: ConsumerHandlers | undefined;
  /** Bumped on every group join; work for an older generation is dropped. */
  private generation = 0;
  private positions = new Map<string, PartitionPosition>();
  /** The current generation's onAssign answered and its partitions were seeked. */
  private ready = false;
  /** onAssign calls, one after another. */
  private assigning: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private stopping: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private readonly mismatches = new Map<string, number>();
  private readonly firstAssignment: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };

  constructor(
    private readonly bus: KafkaBus,
    private readonly kafka: Kafka,
    private readonly config: KafkaBusConfig,
    private readonly log: BusLogger,
    private readonly groupId: string,
    private readonly topics: string[],
  ) {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // observed by start(), if anyone called it
    this.firstAssignment = { promise, resolve, reject };
  }

  /**
   * Joins the group and resolves once the first assignment was handed to
   * `onAssign` and seeked (or rejects if that failed).
   */
  async start(handlers: ConsumerHandlers): Promise<void> {
    this.bus.assertOpen();
    if (this.handlers !== undefined) throw new Error('consumer already started');
    this.handlers = handlers;
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.config.sessionTimeoutMs,
      rebalanceTimeout: this.config.rebalanceTimeoutMs,
      heartbeatInterval: this.config.heartbeatIntervalMs,
      maxBytesPerPartition: this.config.maxBytesPerPartition,
      maxWaitTimeInMs: this.config.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
      retry: { ...RETRY },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.onGroupJoin(consumer, event.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (event) => this.onCrash(event.payload.error, event.payload.restart));
    try {
      await consumer.connect();
      // fromBeginning: 'earliest' for the rare fetch before our seek lands
      // (none is delivered, see eachBatch); positions come from onAssign.
      await consumer.subscribe({ topics: this.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // One batch at a time, as on the EmbeddedBus: onBatch is never called concurrently.
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (e: unknown) {
      const error = toBusError(e, `starting consumer group ${this.groupId}`);
      this.fail(error);
      await this.stop();
      throw error;
    }
    await this.firstAssignment.promise;
  }

  async caughtUp(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.stopping !== undefined) throw new BusError('closed', 'consumer stopped');
    const targets = new Map<string, number>();
    for (const topic of this.topics) {
      for (const [partition, end] of await this.bus.endOffsets(topic)) {
        targets.set(topicPartitionKey({ topic, partition }), end);
      }
    }
    const failure = this.failedWith(); // may have failed while we read the offsets
    if (failure !== undefined) throw failure;
    return new Promise((resolve, reject) => {
      this.waiters.push({ targets, resolve, reject });
      this.settleWaiters();
    });
  }

  /** Finishes the batch in flight, leaves the group and disconnects. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.consumer?.disconnect();
      } catch (e: unknown) {
        this.log.warn({ groupId: this.groupId, err: String(e) }, 'error while stopping the Kafka consumer');
      }
      const closed = new BusError('closed', 'consumer stopped');
      this.firstAssignment.reject(closed);
      for (const waiter of this.waiters) waiter.reject(closed);
      this.waiters = [];
    })();
    return this.stopping;
  }

  /**
   * kafkajs emits GROUP_JOIN synchronously at the end of join+sync
   * (consumerGroup.js `joinAndSync`), before the runner fetches anything for
   * the new generation. Pausing the assigned partitions here, synchronously,
   * means no fetch includes them and any response for them is dropped
   * (consumerGroup.js `fetch` filters paused partitions) until onAssign has
   * answered and each is seeked; seek is set before resume, so the first
   * fetch after resume starts from our offset.
   */
  private onGroupJoin(consumer: Consumer, memberAssignment: Record<string, number[]>): void {
    const generation = ++this.generation;
    this.ready = false;
    const assigned: TopicPartition[] = [];
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const partition of [...partitions].sort((a, b) => a - b)) assigned.push({ topic, partition });
    }
    const byTopic = groupByTopic(assigned);
    if (byTopic.length > 0) consumer.pause(byTopic);
    this.positions = new Map(assigned.map((tp) => [topicPartitionKey(tp), { tp, next: 0 }]));
    this.mismatches.clear();
    this.log.info(
      { groupId: this.groupId, join: generation, partitions: assigned.map(topicPartitionKey) },
      'joined consumer group',
    );
    this.assigning = this.assigning.then(async () => {
      if (generation !== this.generation || this.failure !== undefined || this.stopping !== undefined) return;
      let starts: ReadonlyMap<string, number>;
      try {
        starts = await this.handlers!.onAssign(assigned);
      } catch (e: unknown) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
        void this.stop();
        return;
      }
      if (generation !== this.generation || this.failure !== undefined || this.stopping !== undefined) return;
      for (const [key, position] of this.positions) {
        position.next = starts.get(key) ?? 0;
        consumer.seek({ topic: position.tp.topic, partition: position.tp.partition, offset: String(position.next) });
      }
      if (byTopic.length > 0) consumer.resume(byTopic);
      this.ready = true;
      this.firstAssignment.resolve();
      this.settleWaiters();
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = topicPartitionKey(batch);
    const generation = this.generation;
    const position = this.ready ? this.positions.get(key) : undefined;
    // Not resolving a batch leaves kafkajs's position where it was (or where
    // our seek puts it), so skipping here never skips messages.
    if (position === undefined || this.failure !== undefined || this.stopping !== undefined || !payload.isRunning())
      return;
    if (payload.isStale()) return; // a seek for this partition is pending: the batch predates it
    const fetchedOffset = fetchedOffsetOf(batch);
    if (fetchedOffset !== String(position.next)) {
      this.positionMismatch(position, fetchedOffset);
      return;
    }
    this.mismatches.delete(key);

    const messages: BusMessage[] = [];
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      if (offset < position.next) continue;
      messages.push({ offset, key: m.key?.toString('utf8') ?? '', value: m.value?.toString('utf8') ?? '' });
    }
    if (messages.length > 0) {
      // Keep the session alive while onBatch awaits a slow flush.
      const beat = setInterval(() => {
        payload.heartbeat().catch(() => undefined); // a rebalance is acted on after the batch, below
      }, this.config.heartbeatIntervalMs);
      // The handler's own heartbeat: when it rejects (the group is
      // rebalancing) the handler gives the batch up, and that is not a failure.
      const given: { up?: Error } = {};
      const heartbeat = async (): Promise<void> => {
        try {
          await payload.heartbeat();
        } catch (e: unknown) {
          given.up ??= e instanceof Error ? e : new Error(String(e));
          throw isRebalancing(e)
            ? new BusError('rebalancing', `consumer group ${this.groupId} is rebalancing`, {
                retriable: true,
                cause: e,
              })
            : toBusError(e, `heartbeat of consumer group ${this.groupId}`);
        }
      };
      try {
        await this.handlers!.onBatch({ topic: batch.topic, partition: batch.partition, messages, heartbeat });
      } catch (e: unknown) {
        // Given up on a failed heartbeat: the batch stays unresolved and the
        // kafkajs error goes back to kafkajs, which rejoins the group (rebalance,
        // unknown member) or fetches the batch again; onAssign then decides.
        if (given.up !== undefined) throw given.up;
        // Otherwise not skipped and not retried: the consumer stops here, like
        // the EmbeddedBus. Non-retriable, so kafkajs crashes without redelivering.
        const cause = e instanceof Error ? e : new Error(String(e));
        this.fail(cause);
        throw new BusError('consumer_failed', `onBatch failed for ${key} at offset ${messages[0]!.offset}`, {
          retriable: false,
          cause,
        });
      } finally {
        clearInterval(beat);
      }
    }
    if (generation !== this.generation) return; // reassigned meanwhile; the new onAssign decides
    const last = batch.lastOffset();
    payload.resolveOffset(last);
    position.next = Number(last) + 1;
    this.settleWaiters();
    if (this.config.commitOffsetHints) {
      try {
        await payload.commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(position.next) }] }],
        });
      } catch (e: unknown) {
        this.log.debug({ groupId: this.groupId, partition: key, err: String(e) }, 'offset hint not committed');
      }
    }
    await payload.heartbeat(); // throws on a rebalance, and kafkajs rejoins
  }

  /**
   * kafkajs fetched from an offset we did not ask for. Seen when the offset
   * from onAssign is out of range (kafkajs then resets to the earliest offset
   * on its own: records deleted by retention, or the topic recreated). The
   * batch is dropped and the partition sought back; if it keeps happening the
   * consumer fails rather than silently skip or repeat records.
   */
  private positionMismatch(position: PartitionPosition, fetchedOffset: string): void {
    const key = topicPartitionKey(position.tp);
    const count = (this.mismatches.get(key) ?? 0) + 1;
    this.mismatches.set(key, count);
    if (count > MAX_POSITION_MISMATCHES) {
      const error = new BusError(
        'consumer_failed',
        `partition ${key}: Kafka keeps serving offset ${fetchedOffset} instead of ${position.next} ` +
          '(offset out of range: deleted by retention, or the topic was recreated?)',
      );
      this.fail(error);
      throw error;
    }
    this.log.warn(
      { groupId: this.groupId, partition: key, fetchedOffset, expected: position.next },
      'batch fetched from an unexpected offset was dropped; seeking back',
    );
    this.consumer?.seek({ topic: position.tp.topic, partition: position.tp.partition, offset: String(position.next) });
  }

  private onCrash(error: Error, restart: boolean): void {
    if (this.failure !== undefined || this.stopping !== undefined) return;
    if (restart) {
      this.log.warn({ groupId: this.groupId, err: error.message }, 'Kafka consumer crashed; kafkajs restarts it');
      return;
    }
    this.fail(
      new BusError('consumer_failed', `Kafka consumer ${this.groupId} crashed: ${error.message}`, {
        retriable: isRetriableKafkaError(error),
        cause: error,
      }),
    );
  }

  private failedWith(): Error | undefined {
    return this.failure;
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.log.error({ groupId: this.groupId, err: error.message }, 'Kafka consumer stopped on an error');
    this.firstAssignment.reject(error);
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }

  private settleWaiters(): void {
    if (!this.ready) return;
    this.waiters = this.waiters.filter((waiter) => {
      for (const [key, position] of this.positions) {
        const target = waiter.targets.get(key);
        if (target !== undefined && position.next < target) return true;
      }
      waiter.resolve();
      return false;
    });
  }
}

/**
 * The offset kafkajs asked the broker for (kafkajs `src/consumer/batch.js`
 * keeps it as `fetchedOffset`; it is not in the type declarations).
 */
function fetchedOffsetOf(batch: Batch): string {
  const fetched = (batch as Batch & { fetchedOffset?: unknown }).fetchedOffset;
  if (typeof fetched === 'string') return fetched;
  return batch.firstOffset() ?? '';
}

/** kafkajs's own test (`errors.js` `isRebalancing`): the member must rejoin. */
function isRebalancing(e: unknown): boolean {
  const type = typeof e === 'object' && e !== null ? (e as { type?: unknown }).type : undefined;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}

function groupByTopic(tps: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    let partitions = byTopic.get(tp.topic);
    if (partitions === undefined) byTopic.set(tp.topic, (partitions = []));
    partitions.push(tp.partition);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
