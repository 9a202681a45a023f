/**
 * The transport between collectors and aggregators, in Kafka's shape: named
 * topics split into partitions, keyed messages, per-partition offsets, and
 * consumers that start from offsets the application supplies (the aggregator
 * keeps its offsets in ClickHouse beside the rows they produced, so the bus
 * never decides where a consumer resumes).
 */
export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface OutgoingMessage {
  key: string;
  value: string;
}

export interface BusMessage {
  /** Position in its partition; the next message to read after it is offset + 1. */
  offset: number;
  key: string;
  value: string;
}

export interface MessageBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
  /**
   * Tells the group this member is alive while a handler waits (Kafka removes
   * a member that stays silent past its session timeout, and hands its
   * partitions to another). Rejects when the group is rebalancing, in which
   * case the handler must give up the batch without writing. Absent on the
   * embedded bus, which has no group.
   */
  heartbeat?: () => Promise<void>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Resolves only when every message is durable (Kafka: acks=all; embedded: written and fsynced). */
export interface BusProducer {
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  /** The partition of `topic` a message keyed `key` goes to: records bound for one partition can share a message. */
  partitionOf(topic: string, key: string): number;
}

export interface ConsumerHandlers {
  /**
   * Called when partitions are assigned; returns the offset to start each one
   * from (the next offset to read). Partitions missing from the result start at 0.
   */
  onAssign(assigned: readonly TopicPartition[]): Promise<ReadonlyMap<string, number>>;
  /** Handles one batch; the consumer awaits it before fetching more from that partition. */
  onBatch(batch: MessageBatch): Promise<void>;
}

export interface BusConsumer {
  start(handlers: ConsumerHandlers): Promise<void>;
  /** Resolves once every assigned partition has been handled up to its end as of the call. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface Bus {
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  partitionsOf(topic: string): number;
  /**
   * Per partition, the offset the next message published to it will get (the
   * high watermark): with a consumer's position, its lag. Asks the broker, so
   * it doubles as a connectivity probe.
   */
  endOffsets(topic: string): Promise<ReadonlyMap<number, number>>;
  producer(): BusProducer;
  consumer(options: { groupId: string; topics: readonly string[] }): BusConsumer;
  close(): Promise<void>;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}/${tp.partition}`;
}
