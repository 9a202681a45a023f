/**
 * The one table of accumulator fields. Everything else follows from it: the
 * CallAccumulator and SurveyAccumulator types, the empty accumulators, the
 * ClickHouse rows and the read-side sums (packages/store rows.ts), the fields
 * reconcile compares (packages/report reconcile.ts), and a test that the
 * interval_stats and survey_stats DDL has exactly these columns
 * (test/integration/accumulator-columns.test.ts).
 *
 * Adding a field: one entry here, a migration adding its column
 * (infra/clickhouse), and how a contact adds to it in addCall
 * (call-accumulator.ts), which stays explicit because it is the aggregator's
 * hot path; packages/kpi/test/accumulator-columns.test.ts fails until the
 * explicit code handles every field of the table.
 *
 * Every field is an integer (or a histogram of integers). Every stored field
 * merges by sum, which is what makes accumulators mergeable across intervals,
 * queues and periods, and lets the store keep signed deltas read with sum().
 * No average is ever stored.
 */

/** The ClickHouse type of an accumulator column: a count or sum, or a wait histogram (wait-buckets.ts). */
export type AccumulatorColumnType = 'Int64' | 'Array(Int64)';

export interface AccumulatorColumn {
  /** The accumulator's field. */
  readonly field: string;
  /** Its column in ClickHouse, or null when it is not stored. */
  readonly column: string | null;
  /** Int64: a number; Array(Int64): a number[] of WAIT_BUCKET_COUNT (wait-buckets.ts). */
  readonly type: AccumulatorColumnType;
  /** How two accumulators combine it. Only sums can be stored as signed deltas. */
  readonly merge: 'sum' | 'max';
}

/**
 * The fields of a CallAccumulator, in column order: the columns of ClickHouse
 * `interval_stats` after its dimensions. Outcomes are counted separately (not
 * pre-classified as abandoned or not) because which exits count as abandoned
 * is a read-time setting.
 */
export const CALL_ACCUMULATOR_COLUMNS = [
  // Every contact accumulated, whatever its outcome.
  { field: 'contacts', column: 'contacts', type: 'Int64', merge: 'sum' },
  { field: 'answered', column: 'answered', type: 'Int64', merge: 'sum' },
  { field: 'abandoned', column: 'abandoned', type: 'Int64', merge: 'sum' },
  { field: 'timeout', column: 'timeout', type: 'Int64', merge: 'sum' },
  { field: 'exitEmpty', column: 'exit_empty', type: 'Int64', merge: 'sum' },
  { field: 'exitKey', column: 'exit_key', type: 'Int64', merge: 'sum' },
  { field: 'withdrawn', column: 'withdrawn', type: 'Int64', merge: 'sum' },
  { field: 'unclosed', column: 'unclosed', type: 'Int64', merge: 'sum' },
  { field: 'other', column: 'other', type: 'Int64', merge: 'sum' },
  // Σ wait of answered contacts.
  { field: 'waitAnsweredMs', column: 'wait_answered_ms', type: 'Int64', merge: 'sum' },
  // Σ wait of all contacts.
  { field: 'waitAllMs', column: 'wait_all_ms', type: 'Int64', merge: 'sum' },
  { field: 'talkMs', column: 'talk_ms', type: 'Int64', merge: 'sum' },
  // Longest wait of any contact. Not retractable: a retraction contributes 0,
  // so after corrections this is an upper bound, and the store derives the
  // exact longest wait from the calls table instead of storing it.
  { field: 'maxWaitMs', column: null, type: 'Int64', merge: 'max' },
  // queue_log contacts rebuilt from a close or CONNECT without their ENTERQUEUE (CallRecord.rebuilt).
  { field: 'rebuilt', column: 'rebuilt', type: 'Int64', merge: 'sum' },
  // Histogram of answered waits (wait-buckets.ts).
  { field: 'answeredWaitBuckets', column: 'answered_wait_buckets', type: 'Array(Int64)', merge: 'sum' },
  // Histogram of waits of outcome `abandoned` only (caller hang-ups, queue_log ABANDON).
  { field: 'abandonedWaitBuckets', column: 'abandoned_wait_buckets', type: 'Array(Int64)', merge: 'sum' },
] as const satisfies readonly AccumulatorColumn[];

/** The fields of a SurveyAccumulator: the columns of ClickHouse `survey_stats` after its dimensions. */
export const SURVEY_ACCUMULATOR_COLUMNS = [
  { field: 'responses', column: 'responses', type: 'Int64', merge: 'sum' },
  { field: 'satisfied', column: 'satisfied', type: 'Int64', merge: 'sum' },
] as const satisfies readonly AccumulatorColumn[];

/** An accumulator with one field per column: a number, or a number[] for a histogram. */
export type AccumulatorOf<Columns extends readonly AccumulatorColumn[]> = {
  [C in Columns[number] as C['field']]: C['type'] extends 'Array(Int64)' ? number[] : number;
};

type CallColumn = (typeof CALL_ACCUMULATOR_COLUMNS)[number];
type ScalarCallColumn = Extract<CallColumn, { type: 'Int64' }>;
type SumScalarCallColumn = Extract<ScalarCallColumn, { merge: 'sum' }>;
type HistogramCallColumn = Extract<CallColumn, { type: 'Array(Int64)' }>;
type StoredCallColumn = Exclude<CallColumn, { column: null }>;

export type CallAccumulatorField = CallColumn['field'];
export type CallAccumulatorScalarField = ScalarCallColumn['field'];
export type CallAccumulatorSumField = SumScalarCallColumn['field'];
export type CallAccumulatorHistogramField = HistogramCallColumn['field'];
/** The fields interval_stats has a column for. */
export type StoredCallAccumulatorField = StoredCallColumn['field'];

/** The scalar fields in column order (every Int64 field, stored or not). */
export const CALL_ACCUMULATOR_SCALAR_FIELDS: readonly CallAccumulatorScalarField[] = CALL_ACCUMULATOR_COLUMNS.filter(
  (c): c is ScalarCallColumn => c.type === 'Int64',
).map((c) => c.field);

/** The scalar fields merged by sum, in column order (all but `maxWaitMs`, which merges by max). */
export const CALL_ACCUMULATOR_SUM_FIELDS: readonly CallAccumulatorSumField[] = CALL_ACCUMULATOR_COLUMNS.filter(
  (c): c is SumScalarCallColumn => c.type === 'Int64' && c.merge === 'sum',
).map((c) => c.field);

/** The wait histograms, in column order. */
export const CALL_ACCUMULATOR_HISTOGRAM_FIELDS: readonly CallAccumulatorHistogramField[] =
  CALL_ACCUMULATOR_COLUMNS.filter((c): c is HistogramCallColumn => c.type === 'Array(Int64)').map((c) => c.field);

/** The columns interval_stats stores, in column order (`maxWaitMs` is not one). */
export const STORED_CALL_ACCUMULATOR_COLUMNS: readonly StoredCallColumn[] = CALL_ACCUMULATOR_COLUMNS.filter(
  (c): c is StoredCallColumn => c.column !== null,
);
