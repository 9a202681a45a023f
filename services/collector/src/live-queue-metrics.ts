import { Gauge, type Registry } from 'prom-client';
import type { LiveQueueState } from '@cdrflow/formats';
import { LabelBounder } from '@cdrflow/telemetry';
import { METRICS } from '@cdrflow/ops/metric-names';

/** A followed live queue_log, as the live gauges read it at each scrape. */
export interface LiveFeed {
  readonly source: string;
  /** Wall time of the last poll that read and published successfully (UTC ms), or null. */
  lastPollMs(): number | null;
  /** Wall time at which a new line was last read (UTC ms), or null. */
  lastLineMs(): number | null;
  /** Each queue's state now. */
  queues(nowMs: number): LiveQueueState[];
}

const AGENT_STATES = ['logged_in', 'available', 'on_call', 'paused'] as const;
/** Pause reasons are free text typed at the phone or in the dial plan: a few keep their own series. */
const MAX_PAUSE_REASONS = 20;

interface Row {
  labels: { source: string; queue: string; service: string };
  q: LiveQueueState;
}

/**
 * The live queue gauges, computed from the followers' sessions at each
 * scrape (prom-client `collect`), so /metrics shows the state as of the
 * scrape, not of the last poll, and a restart shows what the restored
 * session holds. Queue and service labels are bounded like the aggregator's;
 * queues past the bound are merged into `other` (counts summed, the oldest
 * wait kept, the latest answer kept).
 */
export class LiveQueueMetrics {
  private feeds: readonly LiveFeed[] = [];
  private readonly bound: { queue: LabelBounder; service: LabelBounder; reason: LabelBounder };

  constructor(registry: Registry, maxQueueLabels: number, now: () => number = Date.now) {
    this.bound = {
      queue: new LabelBounder(maxQueueLabels),
      service: new LabelBounder(maxQueueLabels),
      reason: new LabelBounder(MAX_PAUSE_REASONS),
    };
    const gauge = <L extends string>(
      metric: { name: string; help: string; labels: readonly L[] },
      fill: (g: Gauge<L>, rows: Row[], nowMs: number) => void,
    ) => {
      // Arrow functions keep `this`; prom-client calls `collect` with the gauge as `this`, passed on explicitly.
      const feedsOf = () => this.feeds;
      const rowsOf = (nowMs: number) => this.rows(nowMs);
      return new Gauge<L>({
        name: metric.name,
        help: metric.help,
        labelNames: metric.labels,
        registers: [registry],
        collect() {
          this.reset();
          if (feedsOf().length > 0) fill(this, rowsOf(now()), now());
        },
      });
    };
    const seconds = (ms: number) => ms / 1000;
    const perFeed = (g: Gauge<'source'>, pick: (f: LiveFeed) => number | null) => {
      for (const f of this.feeds) {
        const ms = pick(f);
        if (ms !== null) g.set({ source: f.source }, seconds(ms));
      }
    };
    gauge(METRICS.sourceLastPoll, (g) => perFeed(g, (f) => f.lastPollMs()));
    gauge(METRICS.sourceLastLine, (g) => perFeed(g, (f) => f.lastLineMs()));
    gauge(METRICS.queueCallersWaiting, (g, rows) => {
      for (const { labels, q } of rows) g.inc(labels, q.callersWaiting);
    });
    gauge(METRICS.queueOldestWaitingSince, (g, rows) => {
      for (const [key, ms] of extreme(rows, (q) => q.oldestWaitingSinceMs, Math.min)) g.set(key, seconds(ms));
    });
    gauge(METRICS.queueLastAnswered, (g, rows) => {
      for (const [key, ms] of extreme(rows, (q) => q.lastAnsweredMs, Math.max)) g.set(key, seconds(ms));
    });
    gauge(METRICS.queueAgents, (g, rows) => {
      for (const { labels, q } of rows) {
        const counts = {
          logged_in: q.agents.loggedIn,
          available: q.agents.available,
          on_call: q.agents.onCall,
          paused: q.agents.paused,
        };
        for (const state of AGENT_STATES) g.inc({ ...labels, state }, counts[state]);
      }
    });
    gauge(METRICS.queueAgentsPaused, (g, rows) => {
      for (const { labels, q } of rows) {
        for (const [reason, n] of q.pausedByReason) g.inc({ ...labels, reason: this.bound.reason.value(reason) }, n);
      }
    });
  }

  /** The followed sources to show; the gauges stay empty without any. */
  watch(feeds: readonly LiveFeed[]): void {
    this.feeds = feeds;
  }

  private rows(nowMs: number): Row[] {
    return this.feeds.flatMap((f) =>
      f.queues(nowMs).map((q) => ({
        labels: {
          source: f.source,
          queue: this.bound.queue.value(q.queue),
          service: this.bound.service.value(q.service),
        },
        q,
      })),
    );
  }
}

/** Per label set, the min or max of a timestamp over the queues merged into it; label sets without one are left out. */
function extreme(
  rows: Row[],
  pick: (q: LiveQueueState) => number | null,
  keep: (a: number, b: number) => number,
): Array<[Row['labels'], number]> {
  const byKey = new Map<string, [Row['labels'], number]>();
  for (const { labels, q } of rows) {
    const ms = pick(q);
    if (ms === null) continue;
    const key = `${labels.source}\u0000${labels.queue}\u0000${labels.service}`;
    const held = byKey.get(key);
    byKey.set(key, [labels, held === undefined ? ms : keep(held[1], ms)]);
  }
  return [...byKey.values()];
}
