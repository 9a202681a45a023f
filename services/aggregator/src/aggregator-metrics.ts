import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AggregatorListener, AggregatorStats, FlushDone } from './aggregator';
import { countWithin } from '@cdrflow/kpi';
import type { PartitionFlush } from '@cdrflow/store';
import { LabelBounder } from '@cdrflow/telemetry';
import type { ReadinessCheck } from '@cdrflow/telemetry';
import { ScrapeGate, type GatedCounter } from '@cdrflow/telemetry';
import { PROBE_TIMEOUT_MS, probe, withTimeout } from '@cdrflow/telemetry';
import { METRICS, type NetCounterDefinition } from '@cdrflow/ops/metric-names';

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

/** Each figure's metrics: the counter for increases and its `…_retracted` twin for decreases. */
const FIGURE_METRICS: Record<CallFigure, NetCounterDefinition & { labels: readonly Label[] }> = {
  offered: METRICS.callsOffered,
  answered: METRICS.callsAnswered,
  abandoned: METRICS.callsAbandoned,
  waitSeconds: METRICS.callsWaitSecondsSum,
  waitCount: METRICS.callsWaitSecondsCount,
  answeredWithinServiceLevel: METRICS.callsAnsweredWithinServiceLevel,
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
    this.statsCounter(METRICS.aggregatorRecordsReceived, (s) => s.received);
    this.statsCounter(METRICS.aggregatorDedupeHits, (s) => s.dedupeHits);
    this.statsCounter(METRICS.aggregatorUndecodable, (s) => s.undecodable);
    this.flushes = new Counter({
      name: METRICS.aggregatorFlushes.name,
      help: METRICS.aggregatorFlushes.help,
      registers,
    });
    this.flushDuration = new Histogram({
      name: METRICS.aggregatorFlushDuration.name,
      help: METRICS.aggregatorFlushDuration.help,
      buckets: [...METRICS.aggregatorFlushDuration.buckets],
      registers,
    });
    this.rowsPerFlush = new Histogram({
      name: METRICS.aggregatorRowsPerFlush.name,
      help: METRICS.aggregatorRowsPerFlush.help,
      buckets: [...METRICS.aggregatorRowsPerFlush.buckets],
      registers,
    });
    this.writeErrors = new Counter({
      name: METRICS.aggregatorClickhouseWriteErrors.name,
      help: METRICS.aggregatorClickhouseWriteErrors.help,
      registers,
    });
    this.newestArrival = new Gauge({
      name: METRICS.aggregatorNewestCallArrival.name,
      help: METRICS.aggregatorNewestCallArrival.help,
      registers,
    });
    const lagOf = () => this.lag();
    new Gauge({
      name: METRICS.aggregatorConsumerLag.name,
      help: METRICS.aggregatorConsumerLag.help,
      labelNames: METRICS.aggregatorConsumerLag.labels,
      registers,
      async collect() {
        this.reset();
        for (const { topic, partition, messages } of await lagOf())
          this.set({ topic, partition: String(partition) }, messages);
      },
    });
    const pair = (figure: CallFigure) => {
      const metric = FIGURE_METRICS[figure];
      const labelNames = metric.labels;
      return {
        up: this.gate.counter({ name: metric.name, help: metric.help, labelNames }),
        down: this.gate.counter({ name: metric.retracted.name, help: metric.retracted.help, labelNames }),
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
  private statsCounter(
    { name, help }: { type: 'counter'; name: string; help: string; labels: readonly [] },
    read: (stats: AggregatorStats) => number,
  ): void {
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
