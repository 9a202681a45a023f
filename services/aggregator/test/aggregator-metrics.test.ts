import { describe, expect, it } from 'vitest';
import { IntervalDeltas } from '@cdrflow/kpi';
import type { FlushDone } from '@cdrflow/aggregator';
import type { CallRecord } from '@cdrflow/schema';
import type { PartitionFlush } from '@cdrflow/store';
import { call } from '../../../test/support/records';
import { AggregatorMetrics, callIncrements } from '../src/aggregator-metrics';
import { LabelBounder } from '@cdrflow/telemetry';

/** One partition's flush built the way the aggregator builds it: +1 per new version, −1 per version it replaces. */
function flush(changes: Array<{ call: CallRecord; replaces?: CallRecord }>): PartitionFlush {
  const deltas = new IntervalDeltas();
  for (const change of changes) {
    if (change.replaces !== undefined) deltas.addCall(change.replaces, -1);
    deltas.addCall(change.call, 1);
  }
  return {
    provenance: { group: 'g', topic: 't', partition: 0, nextOffset: changes.length },
    calls: changes.map((c) => c.call),
    surveys: [],
    agentTimes: [],
    rejects: [],
    intervalDeltas: deltas.callDeltas(),
    surveyDeltas: deltas.surveyDeltas(),
  };
}

function bounders(max = 50) {
  return { queue: new LabelBounder(max), service: new LabelBounder(max) };
}

const SL = 20;

describe('callIncrements: a flush’s interval deltas → business metric increments', () => {
  it('counts new inbound versions per queue, service and channel; outbound calls are in no KPI', () => {
    const parts = [
      flush([
        { call: call({ id: 'p:1', waitMs: 10_000 }) },
        { call: call({ id: 'p:2', waitMs: 30_000 }) },
        { call: call({ id: 'p:3', queue: 'sales', service: 'Sales', outcome: 'abandoned', waitMs: 55_000 }) },
        { call: call({ id: 'p:4', direction: 'outbound' }) },
      ]),
      // Another partition and a later interval: same labels, added together.
      flush([{ call: call({ id: 'p:5', waitMs: 20_000, arrivedAt: Date.UTC(2020, 5, 2, 9) }) }]),
    ];
    expect(callIncrements(parts, SL, bounders())).toEqual([
      {
        labels: { queue: 'housing', service: 'Housing', channel: 'phone' },
        net: { offered: 3, answered: 3, abandoned: 0, waitSeconds: 60, waitCount: 3, answeredWithinServiceLevel: 2 },
      },
      {
        labels: { queue: 'sales', service: 'Sales', channel: 'phone' },
        net: { offered: 1, answered: 0, abandoned: 1, waitSeconds: 0, waitCount: 0, answeredWithinServiceLevel: 0 },
      },
    ]);
  });

  it('nets a correction: the retracted version is subtracted, the new one added', () => {
    const before = call({ id: 'p:1', version: 1, waitMs: 10_000 });
    const after = call({ id: 'p:1', version: 2, outcome: 'abandoned', waitMs: 40_000 });
    expect(callIncrements([flush([{ call: after, replaces: before }])], SL, bounders())).toEqual([
      {
        labels: { queue: 'housing', service: 'Housing', channel: 'phone' },
        net: {
          offered: 0,
          answered: -1,
          abandoned: 1,
          waitSeconds: -10,
          waitCount: -1,
          answeredWithinServiceLevel: -1,
        },
      },
    ]);
  });

  it('moves offered once at ENTERQUEUE and answered with its wait at CONNECT; the completion changes neither', () => {
    const labels = { queue: 'housing', service: 'Housing', channel: 'phone' };
    const queued = call({
      id: 'p:1',
      version: 2,
      outcome: 'queued',
      waitMs: 0,
      answeredAt: null,
      endedAt: null,
      talkMs: 0,
      agent: null,
    });
    const connected = call({ id: 'p:1', version: 4, waitMs: 12_000, endedAt: null, talkMs: 0 });
    const completed = call({ id: 'p:1', version: 10, waitMs: 12_000, talkMs: 60_000 });
    const zero = { offered: 0, answered: 0, abandoned: 0, waitSeconds: 0, waitCount: 0, answeredWithinServiceLevel: 0 };
    expect(callIncrements([flush([{ call: queued }])], SL, bounders())).toEqual([
      { labels, net: { ...zero, offered: 1 } },
    ]);
    expect(callIncrements([flush([{ call: connected, replaces: queued }])], SL, bounders())).toEqual([
      { labels, net: { ...zero, answered: 1, waitSeconds: 12, waitCount: 1, answeredWithinServiceLevel: 1 } },
    ]);
    expect(callIncrements([flush([{ call: completed, replaces: connected }])], SL, bounders())).toEqual([
      { labels, net: zero },
    ]);
    // A caller who hangs up while queued: abandoned at that event, offered still once.
    const abandoned = call({
      id: 'p:1',
      version: 8,
      outcome: 'abandoned',
      waitMs: 40_000,
      answeredAt: null,
      agent: null,
    });
    expect(callIncrements([flush([{ call: abandoned, replaces: queued }])], SL, bounders())).toEqual([
      { labels, net: { ...zero, abandoned: 1 } },
    ]);
  });

  it('bounds queue and service labels, adding everything past the limit under other', () => {
    const parts = [
      flush([
        { call: call({ id: 'p:1', queue: 'a', service: 'A' }) },
        { call: call({ id: 'p:2', queue: 'b', service: 'B' }) },
        { call: call({ id: 'p:3', queue: 'c', service: 'C' }) },
      ]),
    ];
    expect(callIncrements(parts, SL, bounders(1)).map((i) => [i.labels, i.net.offered])).toEqual([
      [{ queue: 'a', service: 'A', channel: 'phone' }, 1],
      [{ queue: 'other', service: 'other', channel: 'phone' }, 2],
    ]);
  });
});

async function values(metrics: AggregatorMetrics, name: string): Promise<Array<[Record<string, unknown>, number]>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => [v.labels, v.value]);
}

function done(parts: PartitionFlush[]): FlushDone {
  return { parts, durationMs: 12, rows: parts.reduce((n, p) => n + p.calls.length, 0) };
}

describe('AggregatorMetrics', () => {
  it('adds increases to the counters and decreases to their …_retracted twins, so no counter ever falls', async () => {
    const metrics = new AggregatorMetrics({ maxQueueLabels: 50, serviceLevelSeconds: SL });
    const first = call({ id: 'p:1', version: 1, waitMs: 10_000 });
    metrics.onFlush(done([flush([{ call: first }])]));
    metrics.onFlush(
      done([flush([{ call: call({ id: 'p:1', version: 2, outcome: 'abandoned', waitMs: 40_000 }), replaces: first }])]),
    );
    const labels = { queue: 'housing', service: 'Housing', channel: 'phone' };
    // A new label set is scraped at 0 first (ScrapeGate), so rate() has a sample to rise from ...
    const firstScrape = await metrics.render();
    expect(firstScrape).toContain('cdrflow_calls_offered_total{queue="housing",service="Housing",channel="phone"} 0\n');
    expect(firstScrape).toContain(
      'cdrflow_calls_wait_seconds_sum{queue="housing",service="Housing",channel="phone"} 0\n',
    );
    // ... and counts from the next scrape on.
    await metrics.render();
    expect(await values(metrics, 'cdrflow_calls_offered_total')).toEqual([[labels, 1]]);
    // present at 0, so PromQL's offered - offered_retracted finds its pair
    expect(await values(metrics, 'cdrflow_calls_offered_retracted_total')).toEqual([[labels, 0]]);
    expect(await values(metrics, 'cdrflow_calls_answered_total')).toEqual([[labels, 1]]);
    expect(await values(metrics, 'cdrflow_calls_answered_retracted_total')).toEqual([[labels, 1]]);
    expect(await values(metrics, 'cdrflow_calls_abandoned_total')).toEqual([[labels, 1]]);
    expect(await values(metrics, 'cdrflow_calls_wait_seconds_sum')).toEqual([[labels, 10]]);
    expect(await values(metrics, 'cdrflow_calls_wait_seconds_retracted_sum')).toEqual([[labels, 10]]);
    expect(await values(metrics, 'cdrflow_calls_wait_seconds_count')).toEqual([[labels, 1]]);
    expect(await values(metrics, 'cdrflow_calls_answered_within_service_level_total')).toEqual([[labels, 1]]);
    expect(await values(metrics, 'cdrflow_aggregator_flushes_total')).toEqual([[{}, 2]]);
    expect(await values(metrics, 'cdrflow_aggregator_newest_call_arrival_timestamp_seconds')).toEqual([
      [{}, Date.UTC(2020, 5, 1, 9) / 1000],
    ]);
    // A label set already scraped counts at once.
    metrics.onFlush(done([flush([{ call: call({ id: 'p:2', version: 1, waitMs: 5_000 }) }])]));
    expect(await values(metrics, 'cdrflow_calls_offered_total')).toEqual([[labels, 2]]);
    expect(await values(metrics, 'cdrflow_calls_wait_seconds_sum')).toEqual([[labels, 15]]);
  });

  it('follows the aggregator’s stats at scrape time and reports readiness from its probes and the last flush', async () => {
    const metrics = new AggregatorMetrics({ maxQueueLabels: 50, serviceLevelSeconds: SL });
    const stats = { received: 0, written: 0, dedupeHits: 0, flushes: 0, undecodable: 0 };
    let storeUp = true;
    let kafkaUp = true;
    metrics.attach({
      stats,
      lag: () =>
        kafkaUp
          ? Promise.resolve([
              { topic: 'cdrflow.calls.v1', partition: 0, messages: 5 },
              { topic: 'cdrflow.calls.v1', partition: 2, messages: 0 },
            ])
          : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9092')),
      pingStore: () => (storeUp ? Promise.resolve() : Promise.reject(new Error('cannot reach ClickHouse'))),
    });
    stats.received = 7;
    stats.dedupeHits = 2;
    expect(await values(metrics, 'cdrflow_aggregator_records_received_total')).toEqual([[{}, 7]]);
    stats.received = 9;
    expect(await values(metrics, 'cdrflow_aggregator_records_received_total')).toEqual([[{}, 9]]);
    expect(await values(metrics, 'cdrflow_aggregator_dedupe_hits_total')).toEqual([[{}, 2]]);

    // Before the consumer joined: not ready, and no lag figure yet.
    expect((await metrics.readiness()).kafka).toEqual({ ok: false, detail: 'joining the consumer group' });
    expect(await values(metrics, 'cdrflow_aggregator_consumer_lag_messages')).toEqual([]);
    metrics.consumingStarted();
    const ready = await metrics.readiness();
    expect(ready.kafka).toEqual({
      ok: true,
      detail: 'consumer running; broker answers; 5 messages behind on 2 partitions',
    });
    expect(ready.clickhouse).toEqual({ ok: true, detail: 'answers ping; nothing flushed yet' });
    expect(await values(metrics, 'cdrflow_aggregator_consumer_lag_messages')).toEqual([
      [{ topic: 'cdrflow.calls.v1', partition: '0' }, 5],
      [{ topic: 'cdrflow.calls.v1', partition: '2' }, 0],
    ]);

    // Kafka stops answering: not ready with its reason, and the lag series go rather than stay stale.
    kafkaUp = false;
    expect((await metrics.readiness()).kafka).toEqual({ ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:9092' });
    expect(await values(metrics, 'cdrflow_aggregator_consumer_lag_messages')).toEqual([]);
    kafkaUp = true;

    metrics.onFlushFailed(new Error('connect ECONNREFUSED'));
    expect((await metrics.readiness()).clickhouse).toEqual({
      ok: false,
      detail: 'answers ping, but last flush failed, retrying with records held: connect ECONNREFUSED',
    });
    expect(await values(metrics, 'cdrflow_aggregator_clickhouse_write_errors_total')).toEqual([[{}, 1]]);
    metrics.onFlush(done([]));
    expect((await metrics.readiness()).clickhouse).toEqual({ ok: true, detail: 'answers ping; last flush written' });
    storeUp = false;
    expect((await metrics.readiness()).clickhouse).toEqual({ ok: false, detail: 'cannot reach ClickHouse' });
  });

  it('reports a dependency that hangs as not ready once the probe times out', async () => {
    const { probe } = await import('@cdrflow/telemetry');
    const hanging = new Promise<string>(() => undefined);
    expect(await probe('ClickHouse', () => hanging, 50)).toEqual({
      ok: false,
      detail: 'ClickHouse did not answer within 0.05 s',
    });
  });
});
