import type { AgentTime, CallRecord, Reject, SurveyResponse } from '@cdrflow/schema';
import {
  CALL_ACCUMULATOR_COLUMNS,
  STORED_CALL_ACCUMULATOR_COLUMNS,
  SURVEY_ACCUMULATOR_COLUMNS,
  type AccumulatorColumnType,
  type IntervalDelta,
  type SurveyDelta,
} from '@cdrflow/kpi';

/** Which flush wrote a row: the consumer group, partition and the offset the flush commits up to. */
export interface Provenance {
  group: string;
  topic: string;
  partition: number;
  /** The next offset to read after the batch this row came from. */
  nextOffset: number;
}

/** A column of a ClickHouse table, as DESCRIBE TABLE names and types it. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
}

/** The columns every flushed row ends with (provenanceColumns). */
const PROVENANCE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'consumer_group', type: 'LowCardinality(String)' },
  { name: 'src_topic', type: 'LowCardinality(String)' },
  { name: 'src_partition', type: 'UInt16' },
  { name: 'src_offset', type: 'UInt64' },
];

const dimension = (name: string): ColumnSpec => ({ name, type: 'LowCardinality(String)' });
const INTERVAL_START: ColumnSpec = { name: 'interval_start', type: "DateTime('UTC')" };

/**
 * interval_stats (infra/clickhouse) column by column: the interval and the
 * call dimensions, the stored accumulator columns of packages/kpi
 * CALL_ACCUMULATOR_COLUMNS, then provenance. intervalRow writes exactly these,
 * and test/integration/accumulator-columns.test.ts proves the DDL agrees.
 */
export const INTERVAL_STATS_COLUMNS: readonly ColumnSpec[] = [
  INTERVAL_START,
  ...['source', 'channel', 'direction', 'queue', 'service'].map(dimension),
  ...STORED_CALL_ACCUMULATOR_COLUMNS.map((c) => ({ name: c.column, type: c.type })),
  ...PROVENANCE_COLUMNS,
];

/** survey_stats column by column: the interval and source, SURVEY_ACCUMULATOR_COLUMNS, then provenance. */
export const SURVEY_STATS_COLUMNS: readonly ColumnSpec[] = [
  INTERVAL_START,
  dimension('source'),
  ...SURVEY_ACCUMULATOR_COLUMNS.map((c) => ({ name: c.column, type: c.type })),
  ...PROVENANCE_COLUMNS,
];

function provenanceColumns(p: Provenance) {
  return {
    consumer_group: p.group,
    src_topic: p.topic,
    src_partition: p.partition,
    src_offset: p.nextOffset,
  };
}

export function callRow(c: CallRecord, p: Provenance) {
  return {
    id: c.id,
    contact_id: c.contactId,
    stint: c.stint,
    version: c.version,
    source: c.source,
    channel: c.channel,
    direction: c.direction,
    queue: c.queue,
    service: c.service,
    arrived_at: c.arrivedAt,
    answered_at: c.answeredAt,
    ended_at: c.endedAt,
    wait_ms: c.waitMs,
    talk_ms: c.talkMs,
    outcome: c.outcome,
    exit_key: c.exitKey,
    caller_key: c.callerKey,
    agent: c.agent,
    file: c.file,
    line: c.line,
    rebuilt: c.rebuilt,
    ...provenanceColumns(p),
  };
}

export function surveyRow(s: SurveyResponse, p: Provenance) {
  return {
    id: s.id,
    version: s.version,
    source: s.source,
    at: s.at,
    call_id: s.callId,
    score: s.score,
    scale: s.scale,
    satisfied: s.satisfied,
    file: s.file,
    line: s.line,
    ...provenanceColumns(p),
  };
}

export function agentTimeRow(a: AgentTime, p: Provenance) {
  return {
    id: a.id,
    version: a.version,
    source: a.source,
    agent: a.agent,
    interval_start: Math.floor(a.intervalStart / 1000),
    logged_in_ms: a.loggedInMs,
    paused_ms: a.pausedMs,
    rings_not_answered: a.ringsNotAnswered,
    paused_by_reason_ms: a.pausedByReasonMs,
    file: a.file,
    line: a.line,
    ...provenanceColumns(p),
  };
}

export function rejectRow(r: Reject, p: Provenance) {
  return {
    source: r.source,
    file: r.file,
    line: r.line,
    reason: r.reason,
    detail: r.detail,
    raw: r.raw,
    ...provenanceColumns(p),
  };
}

/** An interval_stats row: every column of INTERVAL_STATS_COLUMNS, in its order. */
export function intervalRow(d: IntervalDelta, p: Provenance): Record<string, unknown> {
  const row: Record<string, unknown> = {
    interval_start: Math.floor(d.intervalStartMs / 1000),
    source: d.source,
    channel: d.channel,
    direction: d.direction,
    queue: d.queue,
    service: d.service,
  };
  for (const { field, column } of STORED_CALL_ACCUMULATOR_COLUMNS) row[column] = d.acc[field];
  return Object.assign(row, provenanceColumns(p));
}

/** A survey_stats row: every column of SURVEY_STATS_COLUMNS, in its order. */
export function surveyStatsRow(d: SurveyDelta, p: Provenance): Record<string, unknown> {
  const row: Record<string, unknown> = {
    interval_start: Math.floor(d.intervalStartMs / 1000),
    source: d.source,
  };
  for (const { field, column } of SURVEY_ACCUMULATOR_COLUMNS) row[column] = d.acc[field];
  return Object.assign(row, provenanceColumns(p));
}

/** `sum(col) AS field` per column; histograms add up bucket by bucket with sumForEach. */
function sumsOf(columns: readonly { field: string; column: string; type: AccumulatorColumnType }[]): string {
  return columns
    .map((c) => `${c.type === 'Array(Int64)' ? 'sumForEach' : 'sum'}(${c.column}) AS ${c.field}`)
    .join(', ');
}

/** The SQL that sums interval_stats columns back into a CallAccumulator's stored fields, in column order. */
export const ACCUMULATOR_SUMS = sumsOf(STORED_CALL_ACCUMULATOR_COLUMNS);

/** The CallAccumulator fields interval_stats does not store (`maxWaitMs`), as SQL zeros: `0 AS maxWaitMs`. */
export const UNSTORED_ACCUMULATOR_ZEROS: readonly string[] = CALL_ACCUMULATOR_COLUMNS.filter(
  (c) => c.column === null,
).map((c) => `0 AS ${c.field}`);

/** The SQL that sums survey_stats columns back into a SurveyAccumulator. */
export const SURVEY_SUMS = sumsOf(SURVEY_ACCUMULATOR_COLUMNS);
