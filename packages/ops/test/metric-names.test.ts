import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import { AggregatorMetrics } from '@cdrflow/aggregator';
import { CollectorMetrics } from '@cdrflow/collector';
import { METRICS, metricFamilies, seriesNames, type MetricDefinition } from '../src/metric-names';

const repo = join(import.meta.dirname, '..', '..', '..');

/** Every `cdrflow_…` name in the files of one folder of the repository, with the file it was found in. */
function namesUsedIn(folder: string, extension: string): Array<{ file: string; name: string }> {
  const dir = join(repo, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith(extension))
    .flatMap((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/\bcdrflow_\w+/g)].map(([name]) => ({
        file: `${folder}/${file}`,
        name,
      })),
    );
}

/**
 * What a registry holds of cdrflow's own metrics, in the table's shape. prom-client
 * types expose only name and help, so type, label names and bucket bounds are
 * read from the metric objects' own fields.
 */
function registered(registry: Registry): MetricDefinition[] {
  return registry
    .getMetricsAsArray()
    .map(
      (m) => m as unknown as { name: string; help: string; type: string; labelNames: string[]; upperBounds?: number[] },
    )
    .filter((m) => m.name.startsWith('cdrflow_'))
    .map((m) => ({
      name: m.name,
      type: m.type as MetricDefinition['type'],
      help: m.help,
      labels: [...m.labelNames],
      ...(m.upperBounds === undefined ? {} : { buckets: [...m.upperBounds] }),
    }));
}

/** A table entry as a registry reports it: the family alone, without its twin. */
const family = ({ name, type, help, labels, buckets }: MetricDefinition): MetricDefinition => ({
  name,
  type,
  help,
  labels: [...labels],
  ...(buckets === undefined ? {} : { buckets: [...buckets] }),
});

describe('the metric-name table', () => {
  it('names each metric family once, every name cdrflow_…', () => {
    const names = metricFamilies().map((m) => m.name);
    expect(names).toHaveLength(33);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^cdrflow_[a-z_]+$/);
  });

  it('names each business figure’s twin after it: …_retracted_total, _sum or _count', () => {
    const pairs = Object.values(METRICS).flatMap((m) => ('retracted' in m ? [[m.name, m.retracted.name]] : []));
    expect(pairs).toHaveLength(6);
    for (const [name, retracted] of pairs)
      expect(retracted).toBe(name!.replace(/_(total|sum|count)$/, '_retracted_$1'));
  });

  it('is exactly what the collector and the aggregator register: names, types, help, labels and buckets', () => {
    const collector = registered(new CollectorMetrics(() => Promise.resolve()).registry);
    const aggregator = registered(new AggregatorMetrics({ maxQueueLabels: 10, serviceLevelSeconds: 20 }).registry);
    expect(collector.map((m) => m.name)).toEqual(
      metricFamilies()
        .map((m) => m.name)
        .filter((n) => /^cdrflow_(collector|source|queue)_/.test(n)),
    );
    expect([...collector, ...aggregator].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      metricFamilies()
        .map(family)
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('holds every metric the committed alert rules, their promtool tests and the dashboards query', () => {
    const series = new Set(metricFamilies().flatMap(seriesNames));
    const used = [
      ...namesUsedIn('infra/prometheus/rules', '.yml'),
      ...namesUsedIn('infra/prometheus/tests', '.yml'),
      ...namesUsedIn('infra/grafana/dashboards', '.json'),
    ];
    // Both rule files, the three promtool tests and the three dashboards name metrics.
    expect(new Set(used.map((u) => u.file)).size).toBe(8);
    for (const { file, name } of used) expect(series, `${file}: ${name}`).toContain(name);
  });

  it('gives a histogram its _bucket, _sum and _count series and any other metric its name alone', () => {
    expect(seriesNames(METRICS.aggregatorRowsPerFlush)).toEqual([
      'cdrflow_aggregator_rows_per_flush_bucket',
      'cdrflow_aggregator_rows_per_flush_sum',
      'cdrflow_aggregator_rows_per_flush_count',
    ]);
    expect(seriesNames(METRICS.callsWaitSecondsSum)).toEqual(['cdrflow_calls_wait_seconds_sum']);
  });
});
