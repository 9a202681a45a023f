import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
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
import { partitionFor } from './partitioner';
import { BusError } from './bus-error';

/**
 * One partition's log on disk. Only the byte position of each message is
 * held in memory (8 bytes a message); batches are read from the file on
 * demand, so a year of calls costs megabytes of memory, not the whole log.
 */
class PartitionLog {
  /** starts[i] = byte offset of message i; starts[length] = end of the last complete line. */
  private readonly starts: number[];
  private readonly fd: number;

  constructor(path: string) {
    this.starts = [0];
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      let newline = bytes.indexOf(0x0a);
      while (newline !== -1) {
        this.starts.push(newline + 1);
        newline = bytes.indexOf(0x0a, newline + 1);
      }
    }
    this.fd = openSync(path, 'a+');
    // A torn last line (a crash mid-write) was never acknowledged: cut it off,
    // or the next append would be glued to it.
    ftruncateSync(this.fd, this.end);
  }

  get length(): number {
    return this.starts.length - 1;
  }

  private get end(): number {
    return this.starts[this.starts.length - 1]!;
  }

  append(messages: readonly OutgoingMessage[]): void {
    const text = messages.map((m) => JSON.stringify([m.key, m.value])).join('\n') + '\n';
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.fd, bytes);
    fsyncSync(this.fd);
    const base = this.end;
    let newline = bytes.indexOf(0x0a);
    while (newline !== -1) {
      this.starts.push(base + newline + 1);
      newline = bytes.indexOf(0x0a, newline + 1);
    }
  }

  read(from: number, max: number): BusMessage[] {
    const to = Math.min(this.length, from + max);
    if (to <= from) return [];
    const start = this.starts[from]!;
    const buffer = Buffer.alloc(this.starts[to]! - start);
    readSync(this.fd, buffer, 0, buffer.length, start);
    const messages: BusMessage[] = [];
    let lineStart = 0;
    for (let offset = from; offset < to; offset++) {
      const lineEnd = this.starts[offset + 1]! - start - 1;
      const [key, value] = JSON.parse(buffer.toString('utf8', lineStart, lineEnd)) as [string, string];
      messages.push({ offset, key, value });
      lineStart = lineEnd + 1;
    }
    return messages;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface EmbeddedBusOptions {
  /** Folder of the partition logs, one subfolder per topic; created if missing. */
  dir: string;
  /** Messages handed to a consumer in one batch at most. @default 5000 */
  maxBatchMessages?: number | undefined;
}

/**
 * The in-process bus of the embedded default: one append-only log file per
 * topic partition (`<dir>/<topic>/<partition>.jsonl`, one message a line,
 * offset = line index), fsynced before `send` resolves. Durable like a broker,
 * so the collector may archive a file once `send` returns and a crash before
 * the aggregator's flush loses nothing: the aggregator resumes from the
 * offsets it stored in ClickHouse and re-reads the log.
 *
 * Logs are never trimmed (no retention yet); at ~450 bytes a call a year of
 * a large council is a few hundred MB.
 */
export class EmbeddedBus implements Bus {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly listeners = new Set<() => void>();

  private readonly dir: string;
  private readonly maxBatchMessages: number;

  constructor(options: EmbeddedBusOptions) {
    this.dir = options.dir;
    this.maxBatchMessages = options.maxBatchMessages ?? 5_000;
    mkdirSync(this.dir, { recursive: true });
  }

  ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      const existing = this.topics.get(spec.name);
      if (existing !== undefined) {
        if (existing.length !== spec.partitions) {
          return Promise.reject(
            new BusError(
              'topic_mismatch',
              `topic ${spec.name} already has ${existing.length} partitions, config asks for ${spec.partitions}`,
            ),
          );
        }
        continue;
      }
      const topicDir = join(this.dir, spec.name);
      mkdirSync(topicDir, { recursive: true });
      const partitions: PartitionLog[] = [];
      for (let p = 0; p < spec.partitions; p++) partitions.push(new PartitionLog(join(topicDir, `${p}.jsonl`)));
      const extra = join(topicDir, `${spec.partitions}.jsonl`);
      if (existsSync(extra)) {
        return Promise.reject(
          new BusError(
            'topic_mismatch',
            `topic ${spec.name} has more partition logs on disk than the ${spec.partitions} configured (${topicDir})`,
          ),
        );
      }
      this.topics.set(spec.name, partitions);
    }
    return Promise.resolve();
  }

  partitionsOf(topic: string): number {
    return this.logsOf(topic).length;
  }

  endOffsets(topic: string): Promise<ReadonlyMap<number, number>> {
    return Promise.resolve(new Map(this.logsOf(topic).map((log, partition) => [partition, log.length])));
  }

  producer(): BusProducer {
    return {
      send: (topic, messages) => {
        this.append(topic, messages);
        return Promise.resolve();
      },
      partitionOf: (topic, key) => partitionFor(key, this.partitionsOf(topic)),
    };
  }

  consumer(options: { groupId: string; topics: readonly string[] }): BusConsumer {
    return new EmbeddedConsumer(this, options.topics, this.maxBatchMessages);
  }

  close(): Promise<void> {
    for (const logs of this.topics.values()) for (const log of logs) log.close();
    this.topics.clear();
    return Promise.resolve();
  }

  /** @internal */
  logsOf(topic: string): PartitionLog[] {
    const logs = this.topics.get(topic);
    if (logs === undefined) throw new BusError('unknown_topic', `topic ${topic} was not declared with ensureTopics`);
    return logs;
  }

  /** @internal */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private append(topic: string, messages: readonly OutgoingMessage[]): void {
    const logs = this.logsOf(topic);
    const perPartition = new Map<number, OutgoingMessage[]>();
    for (const message of messages) {
      const p = partitionFor(message.key, logs.length);
      let group = perPartition.get(p);
      if (group === undefined) perPartition.set(p, (group = []));
      group.push(message);
    }
    for (const [p, group] of perPartition) logs[p]!.append(group);
    for (const listener of this.listeners) listener();
  }
}

class EmbeddedConsumer implements BusConsumer {
  private readonly positions = new Map<string, { tp: TopicPartition; next: number }>();
  private handlers: ConsumerHandlers | undefined;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private stopped = false;
  private failure: Error | undefined;
  private unsubscribe: (() => void) | undefined;
  private waiters: Array<{ targets: Map<string, number>; resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    private readonly bus: EmbeddedBus,
    private readonly topics: readonly string[],
    private readonly maxBatchMessages: number,
  ) {}

  async start(handlers: ConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    const assigned: TopicPartition[] = [];
    for (const topic of this.topics) {
      for (let partition = 0; partition < this.bus.partitionsOf(topic); partition++)
        assigned.push({ topic, partition });
    }
    const starts = await handlers.onAssign(assigned);
    for (const tp of assigned) {
      const key = topicPartitionKey(tp);
      this.positions.set(key, { tp, next: starts.get(key) ?? 0 });
    }
    this.unsubscribe = this.bus.onAppend(() => this.kick());
    this.kick();
  }

  caughtUp(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const targets = new Map<string, number>();
    for (const [key, { tp }] of this.positions) targets.set(key, this.bus.logsOf(tp.topic)[tp.partition]!.length);
    return new Promise((resolve, reject) => {
      this.waiters.push({ targets, resolve, reject });
      this.settleWaiters();
      this.kick();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.pumping;
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.pumping !== undefined) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.pumpAgain && this.failure === undefined) {
        this.pumpAgain = false;
        this.kick();
      }
    });
  }

  private async pump(): Promise<void> {
    const handlers = this.handlers;
    if (handlers === undefined) return;
    try {
      let progressed = true;
      while (progressed && !this.stopped) {
        progressed = false;
        for (const position of this.positions.values()) {
          const log = this.bus.logsOf(position.tp.topic)[position.tp.partition]!;
          if (position.next >= log.length) continue;
          const messages = log.read(position.next, this.maxBatchMessages);
          await handlers.onBatch({ topic: position.tp.topic, partition: position.tp.partition, messages });
          position.next += messages.length;
          progressed = true;
        }
        this.settleWaiters();
      }
    } catch (e: unknown) {
      // A failed batch is not skipped: consumption stops here and the error
      // reaches whoever waits, like a crashed Kafka consumer that resumes
      // from its stored offsets.
      this.failure = e instanceof Error ? e : new Error(String(e));
      this.stopped = true;
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters = [];
    }
  }

  private settleWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      for (const [key, target] of waiter.targets) {
        if ((this.positions.get(key)?.next ?? 0) < target) return true;
      }
      waiter.resolve();
      return false;
    });
  }
}
