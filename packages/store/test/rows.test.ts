import { describe, expect, it } from 'vitest';
import {
  CALL_ACCUMULATOR_COLUMNS,
  STORED_CALL_ACCUMULATOR_COLUMNS,
  SURVEY_ACCUMULATOR_COLUMNS,
  WAIT_BUCKET_COUNT,
  emptyCallAccumulator,
  type CallAccumulator,
  type IntervalDelta,
  type SurveyDelta,
} from '@cdrflow/kpi';
import type { CallRecord } from '@cdrflow/schema';
import {
  ACCUMULATOR_SUMS,
  INTERVAL_STATS_COLUMNS,
  SURVEY_STATS_COLUMNS,
  SURVEY_SUMS,
  UNSTORED_ACCUMULATOR_ZEROS,
  callRow,
  intervalRow,
  surveyStatsRow,
  type Provenance,
} from '../src/rows';

const provenance: Provenance = { group: 'g', topic: 'cdrflow.calls.v1', partition: 2, nextOffset: 41 };
const PROVENANCE_ROW = { consumer_group: 'g', src_topic: 'cdrflow.calls.v1', src_partition: 2, src_offset: 41 };

/** Each field a value of its own, so a value landing in the wrong column shows. */
function distinctAccumulator(): CallAccumulator {
  const acc = emptyCallAccumulator() as unknown as Record<string, number | number[]>;
  CALL_ACCUMULATOR_COLUMNS.forEach((c, i) => {
    acc[c.field] = c.type === 'Int64' ? 100 + i : Array.from({ length: WAIT_BUCKET_COUNT }, (_, j) => 1000 * i + j);
  });
  return acc as unknown as CallAccumulator;
}

const delta: IntervalDelta = {
  intervalStartMs: Date.UTC(2024, 0, 2, 9, 15),
  source: 'pbx',
  channel: 'phone',
  direction: 'inbound',
  queue: 'housing',
  service: 'Housing',
  acc: distinctAccumulator(),
};

/** SQL with its whitespace made single spaces. */
const squeeze = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('interval_stats rows', () => {
  it('have every column of INTERVAL_STATS_COLUMNS, in its order', () => {
    expect(Object.keys(intervalRow(delta, provenance))).toEqual(INTERVAL_STATS_COLUMNS.map((c) => c.name));
  });

  it('put each stored accumulator field in its column, and the interval in seconds', () => {
    const row = intervalRow(delta, provenance);
    for (const { field, column } of STORED_CALL_ACCUMULATOR_COLUMNS)
      expect(row[column], field).toEqual(delta.acc[field]);
    expect(row).toMatchObject({
      interval_start: Date.UTC(2024, 0, 2, 9, 15) / 1000,
      source: 'pbx',
      channel: 'phone',
      direction: 'inbound',
      queue: 'housing',
      service: 'Housing',
      ...PROVENANCE_ROW,
    });
    // The longest wait is not stored (the store reads it from the calls).
    expect(Object.values(row)).not.toContain(delta.acc.maxWaitMs);
  });

  it('are the rows of before the table, value for value', () => {
    const a = delta.acc;
    expect(intervalRow(delta, provenance)).toStrictEqual({
      interval_start: Math.floor(delta.intervalStartMs / 1000),
      source: 'pbx',
      channel: 'phone',
      direction: 'inbound',
      queue: 'housing',
      service: 'Housing',
      contacts: a.contacts,
      answered: a.answered,
      abandoned: a.abandoned,
      timeout: a.timeout,
      exit_empty: a.exitEmpty,
      exit_key: a.exitKey,
      withdrawn: a.withdrawn,
      unclosed: a.unclosed,
      other: a.other,
      wait_answered_ms: a.waitAnsweredMs,
      wait_all_ms: a.waitAllMs,
      talk_ms: a.talkMs,
      rebuilt: a.rebuilt,
      answered_wait_buckets: a.answeredWaitBuckets,
      abandoned_wait_buckets: a.abandonedWaitBuckets,
      ...PROVENANCE_ROW,
    });
  });

  it('are summed back into every stored field by ACCUMULATOR_SUMS, the SQL of before', () => {
    expect(squeeze(ACCUMULATOR_SUMS)).toBe(
      squeeze(`
        sum(contacts) AS contacts, sum(answered) AS answered, sum(abandoned) AS abandoned,
        sum(timeout) AS timeout, sum(exit_empty) AS exitEmpty, sum(exit_key) AS exitKey,
        sum(withdrawn) AS withdrawn, sum(unclosed) AS unclosed, sum(other) AS other,
        sum(wait_answered_ms) AS waitAnsweredMs, sum(wait_all_ms) AS waitAllMs, sum(talk_ms) AS talkMs,
        sum(rebuilt) AS rebuilt,
        sumForEach(answered_wait_buckets) AS answeredWaitBuckets,
        sumForEach(abandoned_wait_buckets) AS abandonedWaitBuckets`),
    );
    expect(UNSTORED_ACCUMULATOR_ZEROS).toEqual(['0 AS maxWaitMs']);
  });

  it('name each column of the table once, the accumulator columns between the dimensions and provenance', () => {
    const names = INTERVAL_STATS_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(INTERVAL_STATS_COLUMNS.slice(6, 6 + STORED_CALL_ACCUMULATOR_COLUMNS.length)).toEqual(
      STORED_CALL_ACCUMULATOR_COLUMNS.map((c) => ({ name: c.column, type: c.type })),
    );
  });
});

describe('survey_stats rows', () => {
  const surveyDelta: SurveyDelta = {
    intervalStartMs: Date.UTC(2024, 0, 2, 9, 15),
    source: 'survey',
    acc: { responses: 7, satisfied: 5 },
  };

  it('have every column of SURVEY_STATS_COLUMNS, in its order, with each field in its column', () => {
    const row = surveyStatsRow(surveyDelta, provenance);
    expect(Object.keys(row)).toEqual(SURVEY_STATS_COLUMNS.map((c) => c.name));
    for (const { field, column } of SURVEY_ACCUMULATOR_COLUMNS) expect(row[column]).toBe(surveyDelta.acc[field]);
    expect(row).toStrictEqual({
      interval_start: Date.UTC(2024, 0, 2, 9, 15) / 1000,
      source: 'survey',
      responses: 7,
      satisfied: 5,
      ...PROVENANCE_ROW,
    });
  });

  it('are summed back by SURVEY_SUMS, the SQL of before', () => {
    expect(SURVEY_SUMS).toBe('sum(responses) AS responses, sum(satisfied) AS satisfied');
  });
});

describe('calls rows', () => {
  it('carry every field of the call, then provenance', () => {
    const call: CallRecord = {
      schema: 'call.v1',
      id: 'pbx:1.1',
      contactId: 'pbx:1',
      stint: 1,
      version: 2,
      source: 'pbx',
      channel: 'phone',
      direction: 'inbound',
      queue: 'housing',
      service: 'Housing',
      arrivedAt: 1_000,
      answeredAt: 2_000,
      endedAt: 3_000,
      waitMs: 1_000,
      talkMs: 1_000,
      outcome: 'answered',
      exitKey: null,
      callerKey: 'k',
      agent: 'a',
      file: 'queue_log',
      line: 7,
      rebuilt: true,
    };
    expect(callRow(call, provenance)).toStrictEqual({
      id: 'pbx:1.1',
      contact_id: 'pbx:1',
      stint: 1,
      version: 2,
      source: 'pbx',
      channel: 'phone',
      direction: 'inbound',
      queue: 'housing',
      service: 'Housing',
      arrived_at: 1_000,
      answered_at: 2_000,
      ended_at: 3_000,
      wait_ms: 1_000,
      talk_ms: 1_000,
      outcome: 'answered',
      exit_key: null,
      caller_key: 'k',
      agent: 'a',
      file: 'queue_log',
      line: 7,
      rebuilt: true,
      ...PROVENANCE_ROW,
    });
  });
});
