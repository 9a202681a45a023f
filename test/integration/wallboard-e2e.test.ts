import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { panelQueries } from '@cdrflow/ops';
import { freePorts } from '../../infra/local/kafka';
import { startPrometheus, type LocalPrometheus } from '../../infra/local/prometheus';
import { deployment, type Deployment } from '../support/deployment';
import { kafkaBrokers } from '../support/kafka';
import { LiveQueueLog, nowSeconds } from '../support/live-queue-log';
import { instantQuery, waitForTargetsUp } from '../support/prometheus';
import { startCdrflow, waitUntil, type RunningProcess, killLeftoverServices } from '../support/services';
import { tempDir } from '../support/temp-dir';

/**
 * The Grafana wallboard "cdrflow — live" against real parts: a collector
 * following a live queue_log this test appends to, publishing through the
 * real Kafka broker to a real aggregator, both scraped every second by a
 * real Prometheus. Every panel query of the committed dashboard is run with
 * Grafana's variables expanded as Grafana would ("Today so far" as a 1 h
 * range, every queue), and each must return the figure the log lines make.
 * Also the collector's own /wallboard.json, which has no today's figures.
 */
const repo = join(import.meta.dirname, '..', '..');
const TIMEOUT = { timeoutMs: 120_000 };

describe('the live Grafana dashboard through a real Prometheus', () => {
  let d: Deployment;
  let prometheus: LocalPrometheus;
  let aggregator: RunningProcess;
  let collector: RunningProcess;
  let collectorPort: number;
  let queueLog: LiveQueueLog;
  const logs = () => `--- aggregator\n${aggregator.output()}\n--- collector\n${collector.output()}`;
  const value = async (expr: string) => (await instantQuery(prometheus.url, expr))[0]?.value[1];

  beforeAll(async () => {
    const brokers = kafkaBrokers();
    const [aggregatorPort, port] = await freePorts(2);
    collectorPort = port!;
    const dir = tempDir('wallboard-e2e-log');
    queueLog = new LiveQueueLog(join(dir, 'queue_log'));
    d = deployment('wallboard-e2e', brokers, {
      extraSources: [
        '  - name: live',
        '    format: queue_log',
        '    inbox: inbox-live',
        `    follow: { path: ${queueLog.path}, pollIntervalMs: 200 }`,
      ],
    });
    aggregator = startCdrflow(['aggregator'], { ...d.env, CDRFLOW_METRICS_PORT: String(aggregatorPort) });
    collector = startCdrflow(['collector', '--poll-interval', '1'], {
      ...d.env,
      CDRFLOW_METRICS_PORT: String(collectorPort),
    });
    prometheus = await startPrometheus({
      dir: tempDir('wallboard-prometheus'),
      config: stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          { job_name: 'cdrflow-aggregator', static_configs: [{ targets: [`127.0.0.1:${aggregatorPort}`] }] },
          { job_name: 'cdrflow-collector', static_configs: [{ targets: [`127.0.0.1:${collectorPort}`] }] },
        ],
      }),
    });
    await waitForTargetsUp(prometheus.url, 2, { ...TIMEOUT, context: logs });
  }, 180_000);

  // After hooks run last-declared first: whatever a failure left running goes after the clean stop below.
  afterAll(killLeftoverServices);
  afterAll(async () => {
    await prometheus?.stop();
    const stopping = [collector, aggregator].map(async (p) => (p?.child.kill('SIGTERM'), p?.exited));
    await Promise.all(stopping);
  });

  it('every panel’s query returns what the live queue_log says', async () => {
    const t = nowSeconds();
    // Made by hand: sales has alice on c2 (answered after 10 s, within the 20 s service level), bob paused,
    // c1 waiting since 400 s ago (over the 300 s target), and c3 who hung up after 10 s.
    queueLog.append(
      [t - 600, 'NONE|sales|PJSIP/alice|ADDMEMBER|'],
      [t - 600, 'NONE|sales|PJSIP/bob|ADDMEMBER|'],
      [t - 500, 'NONE|sales|PJSIP/bob|PAUSE|Lunch'],
      [t - 400, 'c1|sales|NONE|ENTERQUEUE||07700900001|1'],
      [t - 100, 'c2|sales|NONE|ENTERQUEUE||07700900002|2'],
      [t - 90, 'c2|sales|PJSIP/alice|CONNECT|10|c2.1|3'],
      [t - 80, 'c3|sales|NONE|ENTERQUEUE||07700900003|2'],
      [t - 70, 'c3|sales|NONE|ABANDON|2|2|10'],
    );
    // Counters need a sample before their rise for increase() to see it: wait for the total, then two scrapes more.
    await waitUntil(
      async () => (await value('sum(cdrflow_calls_offered_total{queue="sales"})')) === '3',
      'the aggregator to count the three sales calls',
      { ...TIMEOUT, context: logs },
    );
    await new Promise((r) => setTimeout(r, 2_500));

    const dashboard = JSON.parse(
      readFileSync(join(repo, 'infra', 'grafana', 'dashboards', 'cdrflow-live.json'), 'utf8'),
    ) as object;
    const expand = (expr: string) => expr.replaceAll('$__range', '1h').replaceAll('$queue', '.*');
    const results = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
    for (const { panel, expr } of panelQueries(dashboard)) {
      const samples = await instantQuery(prometheus.url, expand(expr));
      results.set(
        panel,
        samples.map((s) => ({ labels: s.metric, value: Number(s.value[1]) })),
      );
    }
    const only = (panel: string) => {
      const r = results.get(panel);
      expect(r, panel).toBeDefined();
      expect(
        r!.map((s) => s.labels['queue']),
        panel,
      ).toEqual(['sales']);
      return r![0]!.value;
    };
    expect([...results.keys()]).toEqual([
      'Callers waiting now',
      'Longest wait now (target ≤ 300 s)',
      'Agents now',
      'Offered today',
      'Answered today',
      'Abandoned today',
      'Service level today (answered within 20 s)',
    ]);
    expect(only('Callers waiting now')).toBe(1);
    const longest = only('Longest wait now (target ≤ 300 s)');
    expect(longest).toBeGreaterThanOrEqual(400);
    expect(longest).toBeLessThan(400 + TIMEOUT.timeoutMs / 1000 + 60);
    const agents = Object.fromEntries(
      results.get('Agents now')!.map((s): [string, number] => [s.labels['state'] ?? '', s.value]),
    );
    expect(agents).toEqual({ available: 0, on_call: 1, paused: 1 });
    // increase() extrapolates to the range's edges, so a count is at least the rise and never negative.
    expect(only('Offered today')).toBeGreaterThanOrEqual(3);
    expect(only('Answered today')).toBeGreaterThanOrEqual(1);
    expect(only('Abandoned today')).toBeGreaterThanOrEqual(1);
    // Both counters rose by one in the same scrapes, so their extrapolations cancel: exactly 1 (100 %).
    expect(only('Service level today (answered within 20 s)')).toBeCloseTo(1, 9);
  }, 300_000);

  it('the collector serves the wallboard with the live state and says where today’s figures are', async () => {
    const response = await fetch(`http://127.0.0.1:${collectorPort}/wallboard.json`);
    expect(response.status).toBe(200);
    const snap = (await response.json()) as {
      waitTargetSeconds: number;
      todayNote: string | null;
      queues: Array<{ queue: string; live: { callersWaiting: number; agents: object } | null; today: unknown }>;
    };
    expect(snap.waitTargetSeconds).toBe(300);
    expect(snap.todayNote).toMatch(/from the aggregator/);
    expect(snap.queues.map((q) => q.queue)).toEqual(['sales']);
    const [sales] = snap.queues;
    expect(sales!.live?.callersWaiting).toBe(1);
    expect(sales!.live?.agents).toEqual({ available: 0, onCall: 1, paused: 1, loggedIn: 2 });
    expect(sales!.today).toBeNull();
    const page = await fetch(`http://127.0.0.1:${collectorPort}/wallboard`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('fetch("wallboard.json"');
    // Self-contained: nothing loaded from anywhere else.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
  });
});
