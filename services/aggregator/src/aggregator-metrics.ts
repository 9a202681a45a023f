import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AggregatorListener, AggregatorStats, FlushDone } from './aggregator';
import { countWithin } from '@cdrflow/kpi';
import type { PartitionFlush } from '@cdrflow/store';
import { LabelBounder } from '@cdrflow/telemetry';
import type { ReadinessCheck } from '@cdrflow/telemetry';
import { ScrapeGate, type GatedCounter } from '@cdrflow/telemetry';
import { PROBE_TIMEOUT_MS, probe, withTimeout } from '@cdrflow/telemetry';

/** The business figures exported per queue, service and channel. */
export const CALL_FIGURES = [
  'offered',
  'answered',
  'abandoned',
  'waitSeconds',
  'waitCount',
  'answeredWithinServiceLevel',
] as const;
export type CallFigure = (typeof CALL_FIGURES)[number];

export interface CallLabels {
  queue: string;
  service: string;
  channel: string;
}

/** One label set's net change from one flush: positive from new versions, negative from the versions they retract. */
export interface CallIncrement {
  labels: CallLabels;
  net: Record<CallFigure, number>;
}

/**
 * The net change a flush makes to each label set's business figures, read
 * from the interval deltas it writes, the same +1/−1 contributions that make
 * interval_stats exact (IntervalDeltas), so the metrics agree with reports.
 * Inbound contacts only, as in every KPI; `offered` is every queued contact
 * (short abandons are a read-time setting, not applied here). Labels are
 * bounded before grouping, so values past the limit add up under `other`.
 */
export function callIncrements(
  parts: readonly PartitionFlush[],
  serviceLevelSeconds: number,
  bound: { queue: LabelBounder; service: LabelBounder },
): CallIncrement[] {
  const out = new Map<string, CallIncrement>();
  for (const part of parts) {
    for (const delta of part.intervalDeltas) {
      if (delta.direction !== 'inbound') continue;
      const labels = {
        queue: bound.queue.value(delta.queue),
        service: bound.service.value(delta.service),
        channel: delta.channel,
      };
      const key = `${labels.queue}\u0000${labels.service}\u0000${labels.channel}`;
      let held = out.get(key);
      if (held === undefined) {
        held = {
          labels,
          net: { offered: 0, answered: 0, abandoned: 0, waitSeconds: 0, waitCount: 0, answeredWithinServiceLevel: 0 },
        };
        out.set(key, held);
      }
      const acc = delta.acc;
      held.net.offered += acc.contacts;
      held.net.answered += acc.answered;
      held.net.abandoned += acc.abandoned;
      // Summed in ms (integers) and divided once below, so no floating-point drift accumulates per delta.
      held.net.waitSeconds += acc.waitAnsweredMs;
      held.net.waitCount += acc.answered;
      held.net.answeredWithinServiceLevel += countWithin(acc.answeredWaitBuckets, serviceLevelSeconds);
    }
  }
  for (const inc of out.values()) inc.net.waitSeconds /= 1000;
  return [...out.values()];
}

type Label = keyof CallLabels;

/** Prometheus names: the counter for increases and its `…_retracted` twin for decreases. */
const FIGURE_NAMES: Record<CallFigure, { name: string; retracted: string; help: string }> = {
  offered: {
    name: 'cdrflow_calls_offered_total',
    retracted: 'cdrflow_calls_offered_retracted_total',
    help: 'Inbound contacts queued',
  },
  answered: {
    name: 'cdrflow_calls_answered_total',
    retracted: 'cdrflow_calls_answered_retracted_total',
    help: 'Inbound contacts answered',
  },
  abandoned: {
    name: 'cdrflow_calls_abandoned_total',
    retracted: 'cdrflow_calls_abandoned_retracted_total',
    help: 'Inbound contacts whose caller hung up while queued (outcome abandoned)',
  },
  waitSeconds: {
    name: 'cdrflow_calls_wait_seconds_sum',
    retracted: 'cdrflow_calls_wait_seconds_retracted_sum',
    help: 'Total queue wait of answered inbound contacts, in seconds',
  },
  waitCount: {
    name: 'cdrflow_calls_wait_seconds_count',
    retracted: 'cdrflow_calls_wait_seconds_retracted_count',
    help: 'Answered inbound contacts in cdrflow_calls_wait_seconds_sum',
  },
  answeredWithinServiceLevel: {
    name: 'cdrflow_calls_answered_within_service_level_total',
    retracted: 'cdrflow_calls_answered_within_service_level_retracted_total',
    help: 'Inbound contacts answered within kpi.serviceLevelSeconds',
  },
};

/** Messages published to one partition this member owns and not yet written to ClickHouse. */
export interface PartitionLag {
  topic: string;
  partition: number;
  messages: number;
}

/** What the running aggregator offers the metrics, connected once it exists. */
export interface AggregatorLive {
  stats: AggregatorStats;
  /** Lag of every owned partition, from the broker's end offsets; rejects when Kafka does not answer. */
  lag(): Promise<PartitionLag[]>;
  /** Resolves when ClickHouse answers. */
  pingStore(): Promise<void>;
}

export interface AggregatorMetricsOptions {
  /** Distinct queue (and, separately, service) label values kept before `other`. */
  maxQueueLabels: number;
  serviceLevelSeconds: number;
}

/**
 * The aggregator's Prometheus metrics: pipeline health from its stats and
 * flushes, business figures from what each flush writes. Fed through the
 * listener interface; `attach` connects the running aggregator's stats.
 */
export class AggregatorMetrics implements AggregatorListener {
  readonly registry = new Registry();
  private live: AggregatorLive | undefined;
  private readonly bound: { queue: LabelBounder; service: LabelBounder };
  private readonly flushes: Counter;
  private readonly flushDuration: Histogram;
  private readonly rowsPerFlush: Histogram;
  private readonly writeErrors: Counter;
  private readonly newestArrival: Gauge;
  private readonly gate = new ScrapeGate(this.registry);
  private readonly figures: Record<CallFigure, { up: GatedCounter<Label>; down: GatedCounter<Label> }>;
  private consuming: { ok: boolean; detail: string } = { ok: false, detail: 'joining the consumer group' };
  private lastFlush = { ok: true, detail: 'nothing flushed yet' };
  private newestSeconds: number | null = null;

  constructor(private readonly options: AggregatorMetricsOptions) {
    this.bound = { queue: new LabelBounder(options.maxQueueLabels), service: new LabelBounder(options.maxQueueLabels) };
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.statsCounter('cdrflow_aggregator_records_received_total', 'Records consumed from Kafka.', (s) => s.received);
    this.statsCounter(
      'cdrflow_aggregator_dedupe_hits_total',
      'Record versions not newer than one already held or stored (redelivery, re-drops, overlaps).',
      (s) => s.dedupeHits,
    );
    this.statsCounter(
      'cdrflow_aggregator_undecodable_total',
      'Records no schema accepts (logged with offset and row in their envelope, then skipped).',
      (s) => s.undecodable,
    );
    this.flushes = new Counter({
      name: 'cdrflow_aggregator_flushes_total',
      help: 'Flushes written to ClickHouse with their offsets.',
      registers,
    });
    this.flushDuration = new Histogram({
      name: 'cdrflow_aggregator_flush_duration_seconds',
      help: 'Time to write one flush (lookups, rows and offsets).',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.rowsPerFlush = new Histogram({
      name: 'cdrflow_aggregator_rows_per_flush',
      help: 'Rows (calls, surveys, rejects) written per flush.',
      buckets: [1, 10, 100, 1_000, 10_000, 50_000, 100_000],
      registers,
    });
    this.writeErrors = new Counter({
      name: 'cdrflow_aggregator_clickhouse_write_errors_total',
      help: 'Failed flushes; their records are held and written again.',
      registers,
    });
    this.newestArrival = new Gauge({
      name: 'cdrflow_aggregator_newest_call_arrival_timestamp_seconds',
      help: 'Arrival time of the newest call written (Unix seconds); time() minus this is freshness.',
      registers,
    });
    const lagOf = () => this.lag();
    new Gauge({
      name: 'cdrflow_aggregator_consumer_lag_messages',
      help: 'Messages published to a partition this member owns and not yet written to ClickHouse (absent while Kafka does not answer).',
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const { topic, partition, messages } of await lagOf())
          this.set({ topic, partition: String(partition) }, messages);
      },
    });
    const labelNames: Label[] = ['queue', 'service', 'channel'];
    const pair = (figure: CallFigure) => {
      const { name, retracted, help } = FIGURE_NAMES[figure];
      return {
        up: this.gate.counter({ name, help: `${help}, from new record versions.`, labelNames }),
        down: this.gate.counter({
          name: retracted,
          help: `${help}, taken back by corrections (subtract from ${name}).`,
          labelNames,
        }),
      };
    };
    this.figures = {
      offered: pair('offered'),
      answered: pair('answered'),
      abandoned: pair('abandoned'),
      waitSeconds: pair('waitSeconds'),
      waitCount: pair('waitCount'),
      answeredWithinServiceLevel: pair('answeredWithinServiceLevel'),
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** One scrape (new label sets show 0 first: ScrapeGate). */
  render(): Promise<string> {
    return this.gate.render();
  }

  /** Connects the running aggregator: its counts (kept outside any flush), its lag and its store. */
  attach(live: AggregatorLive): void {
    this.live = live;
  }

  /** Lag read at scrape time; nothing (no series) when Kafka does not answer, rather than a stale figure. */
  private async lag(): Promise<PartitionLag[]> {
    if (this.live === undefined || !this.consuming.ok) return [];
    try {
      return await withTimeout(this.live.lag(), PROBE_TIMEOUT_MS, 'Kafka');
    } catch {
      return [];
    }
  }

  /** The consumer has joined the group and resumed from ClickHouse's offsets. */
  consumingStarted(): void {
    this.consuming = { ok: true, detail: 'consumer running' };
  }

  onFlush(flush: FlushDone): void {
    this.flushes.inc();
    this.flushDuration.observe(flush.durationMs / 1000);
    this.rowsPerFlush.observe(flush.rows);
    this.lastFlush = { ok: true, detail: 'last flush written' };
    let newest = Number.NEGATIVE_INFINITY;
    for (const part of flush.parts) for (const call of part.calls) newest = Math.max(newest, call.arrivedAt);
    // A gauge of the maximum: a late re-export of old calls must not make the data look staler than it is.
    if (newest > Number.NEGATIVE_INFINITY) {
      const seconds = newest / 1000;
      const current = this.newestSeconds;
      if (current === null || seconds > current) {
        this.newestSeconds = seconds;
        this.newestArrival.set(seconds);
      }
    }
    for (const { labels, net } of callIncrements(flush.parts, this.options.serviceLevelSeconds, this.bound)) {
      for (const figure of CALL_FIGURES) {
        const value = net[figure];
        // Both series of a pair always exist for a label set (the other one at
        // +0), so PromQL's `x - x_retracted` matches instead of dropping it.
        this.figures[figure].up.inc(labels, Math.max(value, 0));
        this.figures[figure].down.inc(labels, Math.max(-value, 0));
      }
    }
  }

  onFlushFailed(error: unknown): void {
    this.writeErrors.inc();
    const message = error instanceof Error ? error.message : String(error);
    this.lastFlush = { ok: false, detail: `last flush failed, retrying with records held: ${message}` };
  }

  /**
   * Asks both dependencies now: Kafka for the end offsets of the owned
   * partitions (after the consumer joined), ClickHouse for a ping. A store
   * that answers pings while the last flush failed is still not ready.
   */
  async readiness(): Promise<{ kafka: ReadinessCheck; clickhouse: ReadinessCheck }> {
    const live = this.live;
    if (live === undefined) {
      const starting = { ok: false, detail: 'starting' };
      return { kafka: starting, clickhouse: starting };
    }
    const [kafka, clickhouse] = await Promise.all([
      this.consuming.ok
        ? probe('Kafka', async () => {
            const lag = await live.lag();
            const behind = lag.reduce((n, p) => n + p.messages, 0);
            return `consumer running; broker answers; ${behind} messages behind on ${lag.length} partitions`;
          })
        : Promise.resolve({ ...this.consuming }),
      probe('ClickHouse', async () => {
        await live.pingStore();
        if (!this.lastFlush.ok) throw new Error(`answers ping, but ${this.lastFlush.detail}`);
        return `answers ping; ${this.lastFlush.detail}`;
      }),
    ]);
    return { kafka, clickhouse };
  }

  /** A counter that follows one of the aggregator's own counts, read at scrape time. */
  private statsCounter(name: string, help: string, read: (stats: AggregatorStats) => number): void {
    let seen = 0;
    const current = () => (this.live === undefined ? 0 : read(this.live.stats));
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        const now = current();
        if (now > seen) {
          this.inc(now - seen);
          seen = now;
        }
      },
    });
  }
}
