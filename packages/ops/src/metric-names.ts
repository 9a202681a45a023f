/**
 * Every Prometheus metric cdrflow exports, in one table: the services
 * register their metrics from it and the alert rules and dashboards build
 * their queries from it, so a name is spelled once. Imported by the
 * services through `@cdrflow/ops/metric-names`, so this file imports
 * nothing (the rest of the package pulls in the Grafana SDK).
 *
 * One entry per metric family (a business counter's `…_retracted` twin
 * rides in its entry), listed in the order each service registers them, so
 * in the order of their /metrics output. A histogram's entry is its base
 * name; Prometheus adds `_bucket`, `_sum` and `_count` (seriesNames). The
 * table's test checks it against both services' registries and against
 * every name the committed rules and dashboards use.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  /** The Prometheus name, `cdrflow_…`. */
  readonly name: string;
  readonly type: MetricType;
  /** The HELP text, exactly as exported. */
  readonly help: string;
  /** Label names, in registration order. */
  readonly labels: readonly string[];
  /** Histograms only: the upper bounds of the buckets. */
  readonly buckets?: readonly number[];
}

/**
 * A business counter that can only rise, with its `…_retracted` twin counting
 * what corrections took back (decisions §18): the net figure is `name` minus
 * `retracted.name`, and both series always exist for a label set.
 */
export interface NetCounterDefinition extends MetricDefinition {
  readonly type: 'counter';
  readonly retracted: MetricDefinition & { readonly type: 'counter' };
}

/** The labels of every business figure. */
export const CALL_METRIC_LABELS = ['queue', 'service', 'channel'] as const;

/** A business counter and its twin; `about` starts both HELP texts. */
function netCounter<const N extends string, const R extends string>(name: N, retracted: R, about: string) {
  return {
    name,
    type: 'counter',
    help: `${about}, from new record versions.`,
    labels: CALL_METRIC_LABELS,
    retracted: {
      name: retracted,
      type: 'counter',
      help: `${about}, taken back by corrections (subtract from ${name}).`,
      labels: CALL_METRIC_LABELS,
    },
  } as const satisfies NetCounterDefinition;
}

const callsWaitSecondsSum = netCounter(
  'cdrflow_calls_wait_seconds_sum',
  'cdrflow_calls_wait_seconds_retracted_sum',
  'Total queue wait of answered inbound contacts, in seconds',
);

export const METRICS = {
  // The collector (CollectorMetrics). Its counters start each new label set at 0 (ScrapeGate).
  collectorFiles: {
    name: 'cdrflow_collector_files_total',
    type: 'counter',
    help: 'Export files handled, by outcome (failed files stay in the inbox and are retried).',
    labels: ['source', 'status'],
  },
  collectorRecordsPublished: {
    name: 'cdrflow_collector_records_published_total',
    type: 'counter',
    help: 'Records acknowledged by Kafka, by kind (call, survey, agent_time, reject).',
    labels: ['source', 'kind'],
  },
  collectorRowsRejected: {
    name: 'cdrflow_collector_rows_rejected_total',
    type: 'counter',
    help: 'Rows quarantined, by reject reason (docs/rejects.md).',
    labels: ['source', 'reason'],
  },
  collectorLinesRepeated: {
    name: 'cdrflow_collector_lines_repeated_total',
    type: 'counter',
    help: 'Lines read before from an earlier file (a re-read, an overlapping re-export): absorbed, not rejected.',
    labels: ['source'],
  },
  collectorBytesRead: {
    name: 'cdrflow_collector_bytes_read_total',
    type: 'counter',
    help: 'Bytes of export files and followed queue_logs parsed, including failed attempts.',
    labels: ['source'],
  },

  // The collector's live view of each followed queue_log (docs/runbooks/live-queues.md): gauges computed at
  // each scrape from the follower's session. Several collectors: sum (max for timestamps, min for "since") by queue.
  sourceLastPoll: {
    name: 'cdrflow_source_last_poll_timestamp_seconds',
    type: 'gauge',
    help: 'When the followed queue_log was last read and published successfully (Unix seconds); time() minus this is how long the follower has been stuck.',
    labels: ['source'],
  },
  sourceLastLine: {
    name: 'cdrflow_source_last_line_timestamp_seconds',
    type: 'gauge',
    help: 'When a new line of the followed queue_log was last read (Unix seconds, the collector clock); time() minus this is how long the feed has been quiet.',
    labels: ['source'],
  },
  queueCallersWaiting: {
    name: 'cdrflow_queue_callers_waiting',
    type: 'gauge',
    help: 'Callers in the queue now (ENTERQUEUE read, no CONNECT or exit yet, within the open-call timeout).',
    labels: ['source', 'queue', 'service'],
  },
  queueOldestWaitingSince: {
    name: 'cdrflow_queue_oldest_waiting_since_timestamp_seconds',
    type: 'gauge',
    help: 'ENTERQUEUE time of the longest-waiting caller (Unix seconds); time() minus this is the longest wait now. Absent while nobody waits.',
    labels: ['source', 'queue', 'service'],
  },
  queueLastAnswered: {
    name: 'cdrflow_queue_last_answered_timestamp_seconds',
    type: 'gauge',
    help: 'Time of the latest answer (CONNECT) in the queue (Unix seconds). Absent until one is read.',
    labels: ['source', 'queue', 'service'],
  },
  queueAgents: {
    name: 'cdrflow_queue_agents',
    type: 'gauge',
    help: 'Agents of the queue now, by state: logged_in = available + on_call + paused.',
    labels: ['source', 'queue', 'service', 'state'],
  },
  queueAgentsPaused: {
    name: 'cdrflow_queue_agents_paused',
    type: 'gauge',
    help: 'Paused agents of the queue now (not on a call), by pause reason ("" where the log gives none).',
    labels: ['source', 'queue', 'service', 'reason'],
  },

  // The aggregator's pipeline health (AggregatorMetrics).
  aggregatorRecordsReceived: {
    name: 'cdrflow_aggregator_records_received_total',
    type: 'counter',
    help: 'Records consumed from Kafka.',
    labels: [],
  },
  aggregatorDedupeHits: {
    name: 'cdrflow_aggregator_dedupe_hits_total',
    type: 'counter',
    help: 'Record versions not newer than one already held or stored (redelivery, re-drops, overlaps).',
    labels: [],
  },
  aggregatorUndecodable: {
    name: 'cdrflow_aggregator_undecodable_total',
    type: 'counter',
    help: 'Records no schema accepts (logged with offset and row in their envelope, then skipped).',
    labels: [],
  },
  aggregatorFlushes: {
    name: 'cdrflow_aggregator_flushes_total',
    type: 'counter',
    help: 'Flushes written to ClickHouse with their offsets.',
    labels: [],
  },
  aggregatorFlushDuration: {
    name: 'cdrflow_aggregator_flush_duration_seconds',
    type: 'histogram',
    help: 'Time to write one flush (lookups, rows and offsets).',
    labels: [],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  aggregatorRowsPerFlush: {
    name: 'cdrflow_aggregator_rows_per_flush',
    type: 'histogram',
    help: 'Rows (calls, surveys, rejects) written per flush.',
    labels: [],
    buckets: [1, 10, 100, 1_000, 10_000, 50_000, 100_000],
  },
  aggregatorClickhouseWriteErrors: {
    name: 'cdrflow_aggregator_clickhouse_write_errors_total',
    type: 'counter',
    help: 'Failed flushes; their records are held and written again.',
    labels: [],
  },
  aggregatorNewestCallArrival: {
    name: 'cdrflow_aggregator_newest_call_arrival_timestamp_seconds',
    type: 'gauge',
    help: 'Arrival time of the newest call written (Unix seconds); time() minus this is freshness.',
    labels: [],
  },
  aggregatorConsumerLag: {
    name: 'cdrflow_aggregator_consumer_lag_messages',
    type: 'gauge',
    help: 'Messages published to a partition this member owns and not yet written to ClickHouse (absent while Kafka does not answer).',
    labels: ['topic', 'partition'],
  },

  // The business figures, exported by the aggregator from what each flush writes, each with its `…_retracted` twin.
  callsOffered: netCounter(
    'cdrflow_calls_offered_total',
    'cdrflow_calls_offered_retracted_total',
    'Inbound contacts queued',
  ),
  callsAnswered: netCounter(
    'cdrflow_calls_answered_total',
    'cdrflow_calls_answered_retracted_total',
    'Inbound contacts answered',
  ),
  callsAbandoned: netCounter(
    'cdrflow_calls_abandoned_total',
    'cdrflow_calls_abandoned_retracted_total',
    'Inbound contacts whose caller hung up while queued (outcome abandoned)',
  ),
  callsWaitSecondsSum,
  callsWaitSecondsCount: netCounter(
    'cdrflow_calls_wait_seconds_count',
    'cdrflow_calls_wait_seconds_retracted_count',
    `Answered inbound contacts in ${callsWaitSecondsSum.name}`,
  ),
  callsAnsweredWithinServiceLevel: netCounter(
    'cdrflow_calls_answered_within_service_level_total',
    'cdrflow_calls_answered_within_service_level_retracted_total',
    'Inbound contacts answered within kpi.serviceLevelSeconds',
  ),
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** Every metric family in the table, `…_retracted` twins included, in registration order. */
export function metricFamilies(): MetricDefinition[] {
  return Object.values(METRICS).flatMap((m): MetricDefinition[] => ('retracted' in m ? [m, m.retracted] : [m]));
}

/** The series names a family exports: a histogram's `_bucket`, `_sum` and `_count`, otherwise its name. */
export function seriesNames(metric: MetricDefinition): string[] {
  return metric.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => metric.name + s) : [metric.name];
}
