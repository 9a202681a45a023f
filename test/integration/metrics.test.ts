import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archived, deployment, drop } from '../support/deployment';
import { kafkaBrokers } from '../support/kafka';
import { consumerLag, startCdrflow, waitUntil, type RunningProcess, killLeftoverServices } from '../support/services';

/**
 * `/metrics`, `/healthz` and `/readyz` of the real services: `cdrflow
 * collector` and `cdrflow aggregator` as child processes on the test broker,
 * each on a port the OS picks (CDRFLOW_METRICS_PORT=0) and read from its log.
 * One file goes through, and the counters must say exactly what it held.
 */
const day1 = join(import.meta.dirname, '..', '..', 'fixtures', 'queue_log', 'day1.log');

/** The URL a service logged for its metrics server. */
async function metricsUrl(p: RunningProcess): Promise<string> {
  const pattern = /metrics and health endpoints listening on (http:\/\/[^\s"]+)/;
  await waitUntil(() => pattern.test(p.output()), 'the metrics server to listen', { context: p.output });
  // Bound to 0.0.0.0 by default: reach it on loopback.
  return pattern.exec(p.output())![1]!.replace('0.0.0.0', '127.0.0.1');
}

type Samples = Map<string, number>;

/** Prometheus text format → `name{label="value",…}` (labels sorted) → value. */
function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable metrics line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}="${v}"`)
      .sort();
    samples.set(labels.length === 0 ? match[1]! : `${match[1]}{${labels.join(',')}}`, Number(match[3]));
  }
  return samples;
}

async function scrape(url: string): Promise<Samples> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

/** A counter's value, 0 when the series does not exist (prom-client shows a labelled series only once used). */
function value(samples: Samples, series: string): number {
  return samples.get(series) ?? 0;
}

async function stop(...processes: RunningProcess[]): Promise<void> {
  for (const p of processes) p.child.kill('SIGTERM');
  for (const p of processes) expect(await p.exited, p.output()).toBe(0);
}

describe('metrics and health endpoints of the collector and aggregator services', () => {
  afterEach(killLeftoverServices);
  it('one dropped queue_log → exact pipeline and business counters, and both services live and ready', async () => {
    const brokers = kafkaBrokers();
    const d = deployment('metrics', brokers, { env: { CDRFLOW_METRICS_PORT: '0' } });
    const aggregator = startCdrflow(['aggregator'], d.env);
    const collector = startCdrflow(['collector', '--poll-interval', '1'], d.env);
    try {
      const [aggregatorUrl, collectorUrl] = await Promise.all([metricsUrl(aggregator), metricsUrl(collector)]);
      expect(aggregatorUrl).not.toBe(collectorUrl);

      drop(d, day1, 'queue_log-20240101');
      await waitUntil(() => archived(d).length === 1, 'the file archived', { context: collector.output });
      await waitUntil(async () => (await consumerLag(brokers, d.group, d.topics)) === 0, 'the aggregator to catch up', {
        context: aggregator.output,
      });

      // The first scrape shows every new label set at 0 (rate() needs that sample to see the rise); the next counts.
      const zeros = await scrape(collectorUrl);
      expect(zeros.get('cdrflow_collector_files_total{source="pbx",status="published"}')).toBe(0);
      expect(zeros.get('cdrflow_collector_records_published_total{kind="call",source="pbx"}')).toBe(0);
      const c = await scrape(collectorUrl);
      expect(value(c, 'cdrflow_collector_files_total{source="pbx",status="published"}')).toBe(1);
      expect(value(c, 'cdrflow_collector_files_total{source="pbx",status="duplicate"}')).toBe(0);
      expect(value(c, 'cdrflow_collector_files_total{source="pbx",status="failed"}')).toBe(0);
      expect(value(c, 'cdrflow_collector_bytes_read_total{source="pbx"}')).toBe(statSync(day1).size);
      // fixtures/queue_log/README.md, day1 alone: one reject, day1:18 duplicate_line.
      expect(value(c, 'cdrflow_collector_rows_rejected_total{reason="duplicate_line",source="pbx"}')).toBe(1);
      expect(value(c, 'cdrflow_collector_records_published_total{kind="reject",source="pbx"}')).toBe(1);
      expect(value(c, 'cdrflow_collector_records_published_total{kind="survey",source="pbx"}')).toBe(0);
      const callsPublished = value(c, 'cdrflow_collector_records_published_total{kind="call",source="pbx"}');
      // c0 c1 c2 c3 c4 c4/2 c5 c6 closed, and c7 answered (connected, talk time not known at the end of day1).
      expect(callsPublished).toBe(9);
      // README "Staffing": Agent/1001 and Agent/1002, 09:00 complete and 09:15 provisional at the end of day1.
      const agentTimes = value(c, 'cdrflow_collector_records_published_total{kind="agent_time",source="pbx"}');
      expect(agentTimes).toBe(4);
      expect(c.has('process_cpu_seconds_total')).toBe(true);

      const aggregatorZeros = await scrape(aggregatorUrl);
      expect(aggregatorZeros.get('cdrflow_calls_offered_total{channel="phone",queue="sales",service=""}')).toBe(0);
      const a = await scrape(aggregatorUrl);
      expect(value(a, 'cdrflow_aggregator_records_received_total')).toBe(callsPublished + agentTimes + 1);
      expect(value(a, 'cdrflow_aggregator_undecodable_total')).toBe(0);
      expect(value(a, 'cdrflow_aggregator_dedupe_hits_total')).toBe(0);
      expect(value(a, 'cdrflow_aggregator_clickhouse_write_errors_total')).toBe(0);
      expect(value(a, 'cdrflow_aggregator_flushes_total')).toBeGreaterThanOrEqual(1);
      expect(value(a, 'cdrflow_aggregator_flush_duration_seconds_count')).toBe(
        value(a, 'cdrflow_aggregator_flushes_total'),
      );
      expect(value(a, 'cdrflow_aggregator_rows_per_flush_sum')).toBe(callsPublished + agentTimes + 1);
      // The newest stint written: c7, arrived B+900 (2024-01-01 09:15:00 UTC), answered and not yet completed.
      expect(value(a, 'cdrflow_aggregator_newest_call_arrival_timestamp_seconds')).toBe(1_704_100_500);
      expect(a.has('process_resident_memory_bytes')).toBe(true);
      // Lag per owned partition, read from the broker at scrape time, all caught up:
      // calls and surveys have 3 partitions each, rejects 1 (kept in file order).
      const lagSeries = [...a.keys()].filter((k) => k.startsWith('cdrflow_aggregator_consumer_lag_messages{'));
      expect(lagSeries, JSON.stringify(lagSeries)).toHaveLength(7);
      expect(lagSeries.map((k) => value(a, k))).toEqual(Array(7).fill(0));

      // Business figures, day1 alone (README: records from day1 lines): per queue,
      // sales c1 c2 c4/2 c5 and c7 (answered with its wait at its CONNECT), housing c0 c3 c4 c6.
      // No queue→service mapping: service "".
      const series = (name: string, queue: string) => `${name}{channel="phone",queue="${queue}",service=""}`;
      const expected: Record<string, { sales: number; housing: number }> = {
        cdrflow_calls_offered_total: { sales: 5, housing: 4 },
        cdrflow_calls_answered_total: { sales: 3, housing: 2 }, // c1 c4/2 c7 | c0 c3
        cdrflow_calls_abandoned_total: { sales: 1, housing: 0 }, // c2
        cdrflow_calls_wait_seconds_sum: { sales: 18 + 30 + 90, housing: 40 + 60 },
        cdrflow_calls_wait_seconds_count: { sales: 3, housing: 2 },
        cdrflow_calls_answered_within_service_level_total: { sales: 1, housing: 0 }, // c1 (18 s ≤ 20 s)
      };
      for (const [name, byQueue] of Object.entries(expected)) {
        for (const [queue, figure] of Object.entries(byQueue)) {
          expect(value(a, series(name, queue)), `${name} ${queue}`).toBe(figure);
        }
      }
      // Each call arrives once, in one version, so nothing is retracted.
      expect([...a.keys()].filter((k) => k.includes('_retracted_') && value(a, k) !== 0)).toEqual([]);

      for (const [url, checks] of [
        [collectorUrl, ['kafka']],
        [aggregatorUrl, ['kafka', 'clickhouse']],
      ] as const) {
        const live = await fetch(`${url}/healthz`);
        expect(live.status).toBe(200);
        expect(await live.json()).toEqual({ status: 'ok', checks: { eventLoop: { ok: true, detail: 'responding' } } });
        const ready = await fetch(`${url}/readyz`);
        const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
        expect(ready.status, JSON.stringify(body)).toBe(200);
        expect(body.status).toBe('ready');
        expect(Object.keys(body.checks).sort()).toEqual([...checks].sort());
        expect(Object.values(body.checks).every((check) => check.ok)).toBe(true);
      }
    } finally {
      await stop(collector, aggregator);
    }
  });
});
