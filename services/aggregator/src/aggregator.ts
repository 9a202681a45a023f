import type { Logger } from 'pino';
import { topicPartitionKey, type BusConsumer, type MessageBatch, type TopicPartition } from '@cdrflow/bus';
import { decodeMessage } from '@cdrflow/schema';
import { StoreError, type FlushStore, type PartitionFlush } from '@cdrflow/store';
import { foldWindow } from './fold';
import { PendingPartition } from './pending';

export interface AggregatorOptions {
  groupId: string;
  /** Flush once this many messages are held, whatever the time. */
  flushMaxRecords: number;
  /** Flush at least this often while records are held (long-running mode). */
  flushIntervalMs: number;
  /**
   * Flush before returning from every batch. Set on Kafka: a partition can be
   * handed to another member at any rebalance, and nothing may be held for it
   * then (kafkajs offers no revocation callback to flush in).
   */
  flushEveryBatch?: boolean;
  /** Longest pause between attempts while ClickHouse is unavailable. */
  maxRetryDelayMs?: number;
}

export interface AggregatorStats {
  received: number;
  written: number;
  /** Versions not newer than what ClickHouse or the same window already held. */
  dedupeHits: number;
  flushes: number;
  undecodable: number;
}

/** One successful flush, as observers see it. */
export interface FlushDone {
  /** What was written: rows, retractions (in the interval deltas) and offsets. */
  parts: readonly PartitionFlush[];
  durationMs: number;
  /** Rows written: calls, surveys, agent times and rejects. */
  rows: number;
}

/**
 * Optional observer of the aggregator's flushes, so metrics stay outside the
 * write path and the embedded `run` needs none. An observer must not throw
 * (errors are logged and ignored). Counts kept in `stats` are read there.
 */
export interface AggregatorListener {
  onFlush?(flush: FlushDone): void;
  /** A flush failed; its records are held and written again later. */
  onFlushFailed?(error: unknown): void;
}

/** What an aggregator is made of; `new Aggregator({ store, consumer, settings, log })`. */
export interface AggregatorParts {
  /** Where flushes go: only the exactly-once writes of the store. */
  store: FlushStore;
  consumer: BusConsumer;
  settings: AggregatorOptions;
  log: Logger;
  /** Observer of flushes (metrics); none in the embedded `run`. */
  listener?: AggregatorListener | undefined;
}

/**
 * Consumes canonical records, keeps the newest version of each id, and turns
 * them into interval_stats deltas written together with the offsets they
 * consumed up to. A restart resumes from the offsets in ClickHouse, after
 * discarding rows of a flush that never committed; so every contact is
 * counted once, whatever was redelivered.
 */
export class Aggregator {
  private readonly pending = new Map<string, PendingPartition>();
  private heldRecords = 0;
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  readonly stats: AggregatorStats = { received: 0, written: 0, dedupeHits: 0, flushes: 0, undecodable: 0 };

  private readonly store: FlushStore;
  private readonly consumer: BusConsumer;
  private readonly settings: AggregatorOptions;
  private readonly log: Logger;
  private readonly listener: AggregatorListener | undefined;

  constructor(parts: AggregatorParts) {
    this.store = parts.store;
    this.consumer = parts.consumer;
    this.settings = parts.settings;
    this.log = parts.log;
    this.listener = parts.listener;
  }

  /** Calls the observer without letting a fault in it break a flush. */
  private notify(call: (listener: AggregatorListener) => void): void {
    if (this.listener === undefined) return;
    try {
      call(this.listener);
    } catch (e: unknown) {
      this.log.error({ err: e }, 'aggregator listener failed; ignored');
    }
  }

  async start(): Promise<void> {
    await this.consumer.start({
      onAssign: (assigned) => this.assign(assigned),
      onBatch: (batch) => this.handle(batch),
    });
    this.timer = setInterval(() => {
      if (this.heldRecords > 0)
        void this.flush().catch((e: unknown) => this.log.error({ err: e }, 'timed flush failed'));
    }, this.settings.flushIntervalMs);
    this.timer.unref();
  }

  /** Consumes everything published so far, flushes it, and returns. */
  async drain(): Promise<void> {
    await this.consumer.caughtUp();
    await this.flush();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.consumer.stop();
    await this.flush();
  }

  /**
   * Every partition this member owns, with the offset up to which its records
   * are written to ClickHouse: the end offsets minus these are its lag.
   */
  positions(): Array<TopicPartition & { writtenUpTo: number }> {
    return [...this.pending.values()].map((p) => ({
      topic: p.topic,
      partition: p.partition,
      writtenUpTo: p.committedOffset,
    }));
  }

  private async assign(assigned: readonly TopicPartition[]): Promise<ReadonlyMap<string, number>> {
    const starts = new Map<string, number>();
    const byTopic = new Map<string, TopicPartition[]>();
    for (const tp of assigned) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp]);
    for (const [topic, tps] of byTopic) {
      const committed = await this.store.committedOffsets(this.settings.groupId, topic);
      for (const tp of tps) {
        const offset = committed.get(tp.partition) ?? 0;
        await this.store.discardUncommitted(this.settings.groupId, tp.topic, tp.partition, offset);
        const key = topicPartitionKey(tp);
        starts.set(key, offset);
        this.pending.set(key, new PendingPartition(tp.topic, tp.partition, offset));
      }
    }
    // Partitions handed to another member: whatever was held for them is
    // dropped unwritten; their new owner reads them again from ClickHouse's offsets.
    const kept = new Set(assigned.map((tp) => topicPartitionKey(tp)));
    for (const key of [...this.pending.keys()]) if (!kept.has(key)) this.pending.delete(key);
    this.heldRecords = [...this.pending.values()].reduce((n, p) => n + p.received, 0);
    this.log.info({ partitions: assigned.length }, 'partitions assigned; resuming from offsets stored in ClickHouse');
    return starts;
  }

  private async handle(batch: MessageBatch): Promise<void> {
    const pending = this.pending.get(topicPartitionKey(batch));
    if (pending === undefined) throw new Error(`batch for unassigned partition ${topicPartitionKey(batch)}`);
    for (const message of batch.messages) {
      if (message.offset < pending.nextOffset) continue; // redelivered below what we already hold
      const { records, invalid } = decodeMessage(message.value);
      for (const { row, error } of invalid) {
        // A record no current schema accepts cannot be counted; it is logged with
        // its position (never silently skipped) and the rest of the message counts.
        this.stats.undecodable += 1;
        this.log.error(
          { topic: batch.topic, partition: batch.partition, offset: message.offset, row, err: error.message },
          'undecodable record',
        );
      }
      for (const record of records) {
        switch (record.schema) {
          case 'call.v1':
            pending.addCall(record);
            break;
          case 'survey.v1':
            pending.addSurvey(record);
            break;
          case 'agent_time.v1':
            pending.addAgentTime(record);
            break;
          case 'reject.v1':
            pending.addReject(record);
            break;
        }
      }
      pending.nextOffset = message.offset + 1;
      this.heldRecords += records.length + invalid.length;
      this.stats.received += records.length;
    }
    // Backpressure: the consumer awaits this, so a slow or absent store stops consumption.
    if (this.settings.flushEveryBatch === true || this.heldRecords >= this.settings.flushMaxRecords) {
      await this.flushRetrying(batch);
    }
  }

  /**
   * Flushes, and while ClickHouse is unavailable keeps the records held and
   * tries again with exponential backoff, heartbeating so the group does not
   * hand the partition away meanwhile. Nothing is acknowledged until written.
   */
  private async flushRetrying(batch: MessageBatch): Promise<void> {
    const maxDelayMs = this.settings.maxRetryDelayMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.flush();
        if (attempt > 1) this.log.warn({ attempt }, 'ClickHouse is back; flush written, consumption resumes');
        return;
      } catch (e: unknown) {
        if (!(e instanceof StoreError) || !e.retriable) throw e;
        const delayMs = Math.min(maxDelayMs, 250 * 2 ** attempt);
        this.log.warn(
          { err: e.message, attempt, retryInMs: delayMs, heldRecords: this.heldRecords },
          'ClickHouse write failed; consumption paused, records held, retrying',
        );
        await this.sleepHeartbeating(delayMs, batch);
      }
    }
  }

  private async sleepHeartbeating(delayMs: number, batch: MessageBatch): Promise<void> {
    const step = 1_000;
    for (let waited = 0; waited < delayMs; waited += step) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(step, delayMs - waited)));
      await batch.heartbeat?.();
    }
  }

  /** One flush in flight at a time; a flush requested meanwhile runs after it. */
  flush(): Promise<void> {
    const run = () => this.flushNow();
    // A failed flush must not poison the chain: the next one runs regardless.
    this.flushing = this.flushing.then(run, run);
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const live = [...this.pending.values()];
    const windows = live.map((p) => p.drain());
    const held = this.heldRecords;
    this.heldRecords = 0;
    try {
      await this.write(windows.filter((w) => w.advanced));
    } catch (e: unknown) {
      live.forEach((p, i) => p.restore(windows[i]!));
      this.heldRecords += held;
      this.notify((l) => l.onFlushFailed?.(e));
      throw e;
    }
    live.forEach((p, i) => (p.committedOffset = Math.max(p.committedOffset, windows[i]!.nextOffset)));
  }

  private async write(windows: readonly PendingPartition[]): Promise<void> {
    if (windows.length === 0) return;
    const started = Date.now();
    const [storedCalls, storedSurveys, storedAgentTimes] = await Promise.all([
      this.store.latestCalls(windows.flatMap((w) => [...w.calls.keys()])),
      this.store.latestSurveys(windows.flatMap((w) => [...w.surveys.keys()])),
      this.store.latestAgentTimeVersions(windows.flatMap((w) => [...w.agentTimes.keys()])),
    ]);
    const stored = { calls: storedCalls, surveys: storedSurveys, agentTimes: storedAgentTimes };
    let written = 0;
    const parts: PartitionFlush[] = windows.map((window) => {
      const { dedupeHits, ...rows } = foldWindow(window, stored);
      this.stats.dedupeHits += dedupeHits;
      written += rows.calls.length + rows.surveys.length + rows.agentTimes.length;
      return {
        provenance: {
          group: this.settings.groupId,
          topic: window.topic,
          partition: window.partition,
          nextOffset: window.nextOffset,
        },
        ...rows,
        rejects: window.rejects,
      };
    });
    await this.store.writeRows(parts);
    await this.store.commitOffsets(parts);
    this.stats.flushes += 1;
    this.stats.written += written;
    const durationMs = Date.now() - started;
    const rows = written + parts.reduce((n, p) => n + p.rejects.length, 0);
    this.notify((l) => l.onFlush?.({ parts, durationMs, rows }));
    this.log.debug({ partitions: parts.length, written, ms: durationMs }, 'flushed');
  }
}
