import { describe, expect, it } from 'vitest';
import { CollectorMetrics } from '../src/collector-metrics';
import { loadConfig } from '@cdrflow/config';

async function values(metrics: CollectorMetrics, name: string): Promise<Array<[Record<string, unknown>, number]>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => [v.labels, v.value]);
}

describe('CollectorMetrics', () => {
  it('counts files by outcome, records by kind, rejects by reason and bytes; readiness asks the broker', async () => {
    let brokerUp = true;
    const metrics = new CollectorMetrics(() =>
      brokerUp ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9092')),
    );
    expect((await metrics.readiness()).kafka).toEqual({ ok: false, detail: 'connecting to Kafka' });
    metrics.connected();
    expect((await metrics.readiness()).kafka).toEqual({ ok: true, detail: 'broker answers; nothing published yet' });
    metrics.onFileDone({
      source: 'pbx',
      file: 'a.log',
      status: 'published',
      bytesRead: 1_000,
      published: {
        calls: 8,
        surveys: 0,
        agentTimes: 0,
        rejectsByReason: new Map([['duplicate_line', 1]]),
        repeatedLines: 4,
      },
    });
    metrics.onFileDone({
      source: 'pbx',
      file: 'a-again.log',
      status: 'duplicate',
      bytesRead: 0,
      published: { calls: 0, surveys: 0, agentTimes: 0, rejectsByReason: new Map(), repeatedLines: 0 },
    });
    expect((await metrics.readiness()).kafka).toEqual({
      ok: true,
      detail: 'broker answers; last publish acknowledged (a.log)',
    });
    metrics.onFileDone({
      source: 'pbx',
      file: 'b.log',
      status: 'failed',
      bytesRead: 500,
      published: { calls: 0, surveys: 0, agentTimes: 0, rejectsByReason: new Map(), repeatedLines: 0 },
    });
    // A failed publish is retried on the next scan: still ready while the broker answers, and the detail says so.
    expect((await metrics.readiness()).kafka).toEqual({
      ok: true,
      detail: 'broker answers; last publish failed (b.log); retried on the next scan',
    });
    brokerUp = false;
    expect((await metrics.readiness()).kafka).toEqual({
      ok: false,
      detail: 'connect ECONNREFUSED 127.0.0.1:9092; last publish failed (b.log); retried on the next scan',
    });

    // New label sets are scraped at 0 once (ScrapeGate), then count.
    expect(await metrics.render()).toContain(
      'cdrflow_collector_rows_rejected_total{source="pbx",reason="duplicate_line"} 0\n',
    );
    await metrics.render();
    expect(await values(metrics, 'cdrflow_collector_files_total')).toEqual([
      [{ source: 'pbx', status: 'published' }, 1],
      [{ source: 'pbx', status: 'duplicate' }, 1],
      [{ source: 'pbx', status: 'failed' }, 1],
    ]);
    expect(await values(metrics, 'cdrflow_collector_records_published_total')).toEqual([
      [{ source: 'pbx', kind: 'call' }, 8],
      [{ source: 'pbx', kind: 'reject' }, 1],
    ]);
    expect(await values(metrics, 'cdrflow_collector_rows_rejected_total')).toEqual([
      [{ source: 'pbx', reason: 'duplicate_line' }, 1],
    ]);
    expect(await values(metrics, 'cdrflow_collector_bytes_read_total')).toEqual([[{ source: 'pbx' }, 1_500]]);
    // Repeated lines are a figure, not rejects.
    expect(await values(metrics, 'cdrflow_collector_lines_repeated_total')).toEqual([[{ source: 'pbx' }, 4]]);
    // Default process metrics are on the service's own registry.
    expect(metrics.registry.getSingleMetric('process_cpu_seconds_total')).toBeDefined();
  });
});

describe('metrics configuration', () => {
  it('defaults to 0.0.0.0:9464 with 50 queue labels, and CDRFLOW_METRICS_PORT overrides the port', () => {
    expect(loadConfig({ file: null, env: {} }).metrics).toEqual({ port: 9464, host: '0.0.0.0', maxQueueLabels: 50 });
    expect(loadConfig({ file: null, env: { CDRFLOW_METRICS_PORT: '0' } }).metrics.port).toBe(0);
    expect(() => loadConfig({ file: null, env: { CDRFLOW_METRICS_PORT: 'http' } })).toThrow(/metrics\.port/);
  });
});
