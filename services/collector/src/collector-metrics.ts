import { Registry, collectDefaultMetrics } from 'prom-client';
import type { CollectorListener, FileDone } from './collector';
import type { PublishedCounts } from './outbox';
import type { ReadinessCheck } from '@cdrflow/telemetry';
import { ScrapeGate, type GatedCounter } from '@cdrflow/telemetry';
import { probe } from '@cdrflow/telemetry';
import { METRICS } from '@cdrflow/ops/metric-names';
import { LiveQueueMetrics, type LiveFeed } from './live-queue-metrics';

/**
 * The collector's Prometheus metrics, fed through its listener interface.
 * Label values are bounded by construction: `source` comes from the
 * configuration, `status` and `kind` are fixed sets and `reason` is one of
 * the schema's reject reasons.
 */
export class CollectorMetrics implements CollectorListener {
  readonly registry = new Registry();
  private readonly gate = new ScrapeGate(this.registry);
  private readonly files: GatedCounter<'source' | 'status'>;
  private readonly records: GatedCounter<'source' | 'kind'>;
  private readonly rejected: GatedCounter<'source' | 'reason'>;
  private readonly bytes: GatedCounter<'source'>;
  private readonly repeated: GatedCounter<'source'>;
  private connectedToBus = false;
  private lastPublish = 'nothing published yet';
  private readonly live: LiveQueueMetrics;

  /**
   * `pingKafka` asks the broker something cheap; readiness runs it on every probe.
   * `maxQueueLabels` bounds the live gauges' queue and service labels (`metrics.maxQueueLabels`).
   */
  constructor(
    private readonly pingKafka: () => Promise<unknown>,
    maxQueueLabels = 50,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const counter = <L extends string>(metric: { type: 'counter'; name: string; help: string; labels: readonly L[] }) =>
      this.gate.counter({ name: metric.name, help: metric.help, labelNames: metric.labels });
    this.files = counter(METRICS.collectorFiles);
    this.records = counter(METRICS.collectorRecordsPublished);
    this.rejected = counter(METRICS.collectorRowsRejected);
    this.repeated = counter(METRICS.collectorLinesRepeated);
    this.bytes = counter(METRICS.collectorBytesRead);
    this.live = new LiveQueueMetrics(this.registry, maxQueueLabels);
  }

  /** The followed queue_logs whose live queue state /metrics shows. */
  watchLive(feeds: readonly LiveFeed[]): void {
    this.live.watch(feeds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** One scrape (new label sets show 0 first: ScrapeGate). */
  render(): Promise<string> {
    return this.gate.render();
  }

  /** Kafka answered at start-up and the topics exist. */
  connected(): void {
    this.connectedToBus = true;
  }

  onFileDone(event: FileDone): void {
    this.files.inc({ source: event.source, status: event.status }, 1);
    this.count(event.source, event.bytesRead, event.published);
    // A duplicate never touches the bus, so it says nothing about it.
    if (event.status !== 'duplicate') this.busState(event.status === 'published', event.file);
  }

  onPollDone(event: {
    source: string;
    status: 'published' | 'failed';
    bytesRead: number;
    published: PublishedCounts;
  }): void {
    this.count(event.source, event.bytesRead, event.published);
    this.busState(event.status === 'published', `followed queue_log of ${event.source}`);
  }

  /**
   * Ready when the broker answers now. A failed publish alone does not make
   * the collector unready (the file is retried on the next scan), but the
   * detail says so.
   */
  async readiness(): Promise<{ kafka: ReadinessCheck }> {
    if (!this.connectedToBus) return { kafka: { ok: false, detail: 'connecting to Kafka' } };
    const kafka = await probe('Kafka', async () => {
      await this.pingKafka();
      return `broker answers; ${this.lastPublish}`;
    });
    return { kafka: kafka.ok ? kafka : { ok: false, detail: `${kafka.detail}; ${this.lastPublish}` } };
  }

  private busState(ok: boolean, what: string): void {
    this.lastPublish = ok
      ? `last publish acknowledged (${what})`
      : `last publish failed (${what}); retried on the next scan`;
  }

  private count(source: string, bytes: number, published: PublishedCounts): void {
    if (bytes > 0) this.bytes.inc({ source }, bytes);
    if (published.calls > 0) this.records.inc({ source, kind: 'call' }, published.calls);
    if (published.surveys > 0) this.records.inc({ source, kind: 'survey' }, published.surveys);
    if (published.agentTimes > 0) this.records.inc({ source, kind: 'agent_time' }, published.agentTimes);
    let rejects = 0;
    for (const [reason, n] of published.rejectsByReason) {
      this.rejected.inc({ source, reason }, n);
      rejects += n;
    }
    if (rejects > 0) this.records.inc({ source, kind: 'reject' }, rejects);
    if (published.repeatedLines > 0) this.repeated.inc({ source }, published.repeatedLines);
  }
}
