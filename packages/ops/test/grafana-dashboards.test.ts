import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Histogram } from 'prom-client';
import { DEFAULT_KPI_SETTINGS, resolveKpiSettings, targetFor, type KpiSettings } from '@cdrflow/kpi';
import { AggregatorMetrics } from '@cdrflow/aggregator';
import { CollectorMetrics } from '@cdrflow/collector';
import { dashboardJson, grafanaDashboards, panelQueries } from '../src/dashboards';
import { GrafanaDashboardSchema, PROMETHEUS_DATASOURCE, type GrafanaDashboard } from '../src/grafana-dashboard-schema';

const repo = join(import.meta.dirname, '..', '..', '..');
const grafana = join(repo, 'infra', 'grafana');
const committed = (file: string) => readFileSync(join(grafana, 'dashboards', file), 'utf8');
const overview = () => JSON.parse(committed('cdrflow-overview.json')) as GrafanaDashboard;

function issues(dashboard: unknown): string[] {
  const result = GrafanaDashboardSchema.safeParse(dashboard);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

type DataPanel = Extract<GrafanaDashboard['panels'][number], { targets: unknown }>;
const dataPanels = (d: GrafanaDashboard): DataPanel[] =>
  d.panels.filter((p): p is DataPanel => p.type !== 'row' && p.type !== 'text');

/** The panels of a freshly generated overview, parsed as Grafana would read them. */
function generatedOverview(settings: KpiSettings): GrafanaDashboard {
  const [first] = grafanaDashboards(settings);
  return GrafanaDashboardSchema.parse(JSON.parse(dashboardJson(first!.dashboard)));
}

/** Title and target step of the panel drawing a KPI (its title starts with the KPI's id). */
function targetOf(d: GrafanaDashboard, title: string | RegExp) {
  const panel = dataPanels(d).find((p) =>
    typeof title === 'string' ? p.title.startsWith(title) : title.test(p.title),
  );
  const steps = panel?.fieldConfig?.defaults.thresholds?.steps ?? [];
  return { title: panel?.title, steps };
}

describe('Grafana dashboards', () => {
  it('the committed dashboards are exactly what the KPI catalogue generates', () => {
    const generated = grafanaDashboards(DEFAULT_KPI_SETTINGS);
    expect(readdirSync(join(grafana, 'dashboards')).sort()).toEqual(generated.map((d) => d.file).sort());
    for (const { file, dashboard } of generated) expect(committed(file), file).toBe(dashboardJson(dashboard));
  });

  it('every committed dashboard passes the schema', () => {
    for (const file of readdirSync(join(grafana, 'dashboards'))) {
      expect(issues(JSON.parse(committed(file))), file).toEqual([]);
    }
  });

  it('draws the catalogue’s targets: 300 s, 20 % (as 0.2) and 450 s, red on the side that misses', () => {
    const d = overview();
    const expected = { CSU10: 300, CSU11: 0.2, CSU12: 450 };
    for (const [id, value] of Object.entries(expected)) {
      const { steps } = targetOf(d, `${id} `);
      expect(steps, id).toEqual([
        { value: null, color: 'transparent' },
        { value, color: 'red' },
      ]);
    }
    expect(targetFor('CSU10', DEFAULT_KPI_SETTINGS)?.value).toBe(expected.CSU10);
    expect(targetFor('CSU11', DEFAULT_KPI_SETTINGS)?.value).toBe(expected.CSU11 * 100);
    expect(targetFor('CSU12', DEFAULT_KPI_SETTINGS)?.value).toBe(expected.CSU12);
    expect(targetOf(d, 'CSU10 ').title).toBe('CSU10 Call handling: average wait time (target ≤ 300 s)');
  });

  it('follows a site’s own targets and service-level threshold', () => {
    const d = generatedOverview(
      resolveKpiSettings({
        serviceLevelSeconds: 30,
        targets: { CSU10: 240, CSU11: 15, CSU12: 600, PHONE_SERVICE_LEVEL_OF_ANSWERED: 80 },
      }),
    );
    expect(targetOf(d, 'CSU10 ').steps[1]?.value).toBe(240);
    expect(targetOf(d, 'CSU10 ').title).toContain('≤ 240 s');
    expect(targetOf(d, 'CSU11 ').steps[1]?.value).toBe(0.15);
    expect(targetOf(d, 'CSU12 ').steps[1]?.value).toBe(600);
    // A higher-is-better target shades below the line.
    expect(targetOf(d, /^Service level: .* within 30 s \(target ≥ 80 %\)$/).steps).toEqual([
      { value: null, color: 'red' },
      { value: 0.8, color: 'transparent' },
    ]);
    expect(targetOf(generatedOverview(DEFAULT_KPI_SETTINGS), /^Service level:/).steps).toEqual([]);
  });

  it('the live wallboard holds the longest wait against the CSU10 target and counts today over "Today so far"', () => {
    const live = (settings: KpiSettings) => {
      const found = grafanaDashboards(settings).find((d) => d.file === 'cdrflow-live.json');
      return GrafanaDashboardSchema.parse(JSON.parse(dashboardJson(found!.dashboard)));
    };
    const d = live(DEFAULT_KPI_SETTINGS);
    expect(d.time).toEqual({ from: 'now/d', to: 'now' });
    expect(targetOf(d, 'Longest wait now').title).toBe('Longest wait now (target ≤ 300 s)');
    expect(targetOf(d, 'Longest wait now').steps).toEqual([
      { value: null, color: 'green' },
      { value: 300, color: 'red' },
    ]);
    expect(targetOf(live(resolveKpiSettings({ targets: { CSU10: 240 } })), 'Longest wait now').steps[1]?.value).toBe(
      240,
    );
    // Every "today" figure is an increase over the dashboard's range, so "Today so far" is what it sums.
    const today = dataPanels(d).filter((p) => / today/.test(p.title));
    expect(today.map((p) => p.title)).toEqual([
      'Offered today',
      'Answered today',
      'Abandoned today',
      'Service level today (answered within 20 s)',
    ]);
    for (const p of today) for (const t of p.targets) expect(t.expr, p.title).toContain('increase(');
  });

  it('filters every business query by $queue and queries only metrics the services export', () => {
    const exported = new Set(
      [
        ...new AggregatorMetrics({ maxQueueLabels: 10, serviceLevelSeconds: 20 }).registry.getMetricsAsArray(),
        ...new CollectorMetrics(() => Promise.resolve()).registry.getMetricsAsArray(),
      ].flatMap((m) => (m instanceof Histogram ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name])),
    );
    const queries = grafanaDashboards(DEFAULT_KPI_SETTINGS).flatMap(({ dashboard }) => panelQueries(dashboard));
    expect(queries.length).toBeGreaterThanOrEqual(15);
    for (const { panel, expr, instant } of queries) {
      for (const [metric] of expr.matchAll(/\bcdrflow_\w+/g)) expect(exported, `${panel}: ${metric}`).toContain(metric);
      const business = [...expr.matchAll(/\bcdrflow_calls_\w+(\{[^}]*\})?/g)];
      for (const [selector] of business) expect(selector, panel).toContain('queue=~"$queue"');
      // Instant queries are the table's totals over the dashboard's range; graphs follow Grafana's rate window.
      if (expr.includes('[')) expect(expr, panel).toContain(instant ? '[$__range]' : '[$__rate_interval]');
    }
  });
});

describe('Grafana dashboard schema', () => {
  const rejects: Array<[string, (d: GrafanaDashboard) => void, RegExp]> = [
    [
      'overlapping panels',
      (d) => {
        const [a, b] = dataPanels(d);
        b!.gridPos = { ...a!.gridPos, x: a!.gridPos.x + 1, w: a!.gridPos.w - 1 };
      },
      /overlaps/,
    ],
    [
      'a duplicate panel id',
      (d) => {
        const [a, b] = dataPanels(d);
        b!.id = a!.id;
      },
      /share id/,
    ],
    [
      'an undeclared variable',
      (d) => {
        d.templating.list = [];
      },
      /refers to \$queue/,
    ],
    [
      'a missing expr',
      (d) => {
        Reflect.deleteProperty(dataPanels(d)[0]!.targets[0]!, 'expr');
      },
      /targets\.0\.expr/,
    ],
    [
      'a panel past the 24th column',
      (d) => {
        dataPanels(d)[0]!.gridPos.x = 20;
      },
      /within the 24 columns/,
    ],
    [
      'a threshold base that is not null',
      (d) => {
        const steps = targetOf(d, 'CSU10 ').steps;
        steps[0]!.value = 0;
      },
      /must be null/,
    ],
  ];

  it.each(rejects)('rejects %s', (_name, mutate, message) => {
    const d = overview();
    expect(issues(d)).toEqual([]);
    mutate(d);
    expect(issues(d).join('\n')).toMatch(message);
  });
});

describe('Grafana provisioning', () => {
  const yaml = (file: string) => parse(readFileSync(join(grafana, 'provisioning', file), 'utf8')) as unknown;

  it('provisions the datasource every dashboard refers to', () => {
    const { datasources } = yaml('datasources/prometheus.yml') as {
      datasources: Array<{ name: string; uid: string; type: string; url: string; jsonData: { timeInterval: string } }>;
    };
    expect(datasources).toHaveLength(1);
    const [source] = datasources;
    expect(source).toMatchObject({ name: 'Prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
    const referenced = new Set<string>();
    for (const file of readdirSync(join(grafana, 'dashboards'))) {
      JSON.stringify(JSON.parse(committed(file)), (key, value: unknown) => {
        if (key === 'datasource') referenced.add(JSON.stringify(value));
        return value;
      });
    }
    expect([...referenced]).toEqual([JSON.stringify({ type: source!.type, uid: source!.uid })]);
    expect(source!.uid).toBe(PROMETHEUS_DATASOURCE.uid);
    // $__rate_interval is at least four of these, so it must be Prometheus's scrape interval.
    const prometheus = parse(readFileSync(join(repo, 'infra', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      global: { scrape_interval: string };
    };
    expect(source!.jsonData.timeInterval).toBe(prometheus.global.scrape_interval);
  });

  it('loads the dashboards from the folder they are mounted at', () => {
    const { providers } = yaml('dashboards/cdrflow.yml') as {
      providers: Array<{ type: string; folder: string; options: { path: string } }>;
    };
    expect(providers).toEqual([
      expect.objectContaining({ type: 'file', folder: 'cdrflow', options: { path: '/var/lib/grafana/dashboards' } }),
    ]);
  });
});
