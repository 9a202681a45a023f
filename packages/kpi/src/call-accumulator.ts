import type { CallRecord } from '@cdrflow/schema';
import { WAIT_BUCKET_COUNT, waitBucketIndex } from './wait-buckets';

/**
 * Sums and counts for a set of contacts: the columns of ClickHouse
 * `interval_stats`, so the field list is stable (CALL_ACCUMULATOR_SCALAR_FIELDS
 * plus the two bucket arrays). Every field is an integer and every field but
 * `maxWaitMs` is a plain sum, which is what makes accumulators mergeable across
 * intervals, queues and periods. No average is ever stored.
 *
 * Outcomes are counted separately (not pre-classified as abandoned or not)
 * because which exits count as abandoned is a read-time setting.
 */
export interface CallAccumulator {
  /** Every contact accumulated, whatever its outcome. */
  contacts: number;
  answered: number;
  abandoned: number;
  timeout: number;
  exitEmpty: number;
  exitKey: number;
  withdrawn: number;
  unclosed: number;
  other: number;
  /** Σ wait of answered contacts. */
  waitAnsweredMs: number;
  /** Σ wait of all contacts. */
  waitAllMs: number;
  talkMs: number;
  /**
   * Longest wait of any contact. Not retractable: a retraction contributes 0,
   * so after corrections this is an upper bound and the store derives the
   * exact longest wait from the calls table.
   */
  maxWaitMs: number;
  /** Histogram of answered waits (wait-buckets.ts). */
  answeredWaitBuckets: number[];
  /** Histogram of waits of outcome `abandoned` only (caller hang-ups, queue_log ABANDON). */
  abandonedWaitBuckets: number[];
}

export type CallFacts = Pick<CallRecord, 'outcome' | 'waitMs' | 'talkMs'>;

/** The scalar fields in column order; the bucket arrays follow them. */
export const CALL_ACCUMULATOR_SCALAR_FIELDS = [
  'contacts',
  'answered',
  'abandoned',
  'timeout',
  'exitEmpty',
  'exitKey',
  'withdrawn',
  'unclosed',
  'other',
  'waitAnsweredMs',
  'waitAllMs',
  'talkMs',
  'maxWaitMs',
] as const satisfies readonly (keyof CallAccumulator)[];

export type CallAccumulatorScalarField = (typeof CALL_ACCUMULATOR_SCALAR_FIELDS)[number];

/** Sums only: `maxWaitMs` merges by max and is left out. */
const SUM_FIELDS = CALL_ACCUMULATOR_SCALAR_FIELDS.filter((f) => f !== 'maxWaitMs');

export function emptyCallAccumulator(): CallAccumulator {
  return {
    contacts: 0,
    answered: 0,
    abandoned: 0,
    timeout: 0,
    exitEmpty: 0,
    exitKey: 0,
    withdrawn: 0,
    unclosed: 0,
    other: 0,
    waitAnsweredMs: 0,
    waitAllMs: 0,
    talkMs: 0,
    maxWaitMs: 0,
    answeredWaitBuckets: new Array<number>(WAIT_BUCKET_COUNT).fill(0),
    abandonedWaitBuckets: new Array<number>(WAIT_BUCKET_COUNT).fill(0),
  };
}

/** Adds one contact in place. Hot path: no allocation, never throws. */
export function addCall(acc: CallAccumulator, call: CallFacts): void {
  acc.contacts += 1;
  acc.waitAllMs += call.waitMs;
  acc.talkMs += call.talkMs;
  if (call.waitMs > acc.maxWaitMs) acc.maxWaitMs = call.waitMs;
  switch (call.outcome) {
    case 'answered':
      acc.answered += 1;
      acc.waitAnsweredMs += call.waitMs;
      acc.answeredWaitBuckets[waitBucketIndex(call.waitMs)]! += 1;
      break;
    case 'abandoned':
      acc.abandoned += 1;
      acc.abandonedWaitBuckets[waitBucketIndex(call.waitMs)]! += 1;
      break;
    case 'timeout':
      acc.timeout += 1;
      break;
    case 'exit_empty':
      acc.exitEmpty += 1;
      break;
    case 'exit_key':
      acc.exitKey += 1;
      break;
    case 'withdrawn':
      acc.withdrawn += 1;
      break;
    case 'unclosed':
      acc.unclosed += 1;
      break;
    case 'other':
      acc.other += 1;
      break;
  }
}

function sumBuckets(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(WAIT_BUCKET_COUNT);
  for (let i = 0; i < WAIT_BUCKET_COUNT; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}

/** A new accumulator holding both; neither input changes. */
export function mergeCallAccumulators(a: CallAccumulator, b: CallAccumulator): CallAccumulator {
  const out = emptyCallAccumulator();
  for (const f of SUM_FIELDS) out[f] = a[f] + b[f];
  out.maxWaitMs = Math.max(a.maxWaitMs, b.maxWaitMs);
  out.answeredWaitBuckets = sumBuckets(a.answeredWaitBuckets, b.answeredWaitBuckets);
  out.abandonedWaitBuckets = sumBuckets(a.abandonedWaitBuckets, b.abandonedWaitBuckets);
  return out;
}

/**
 * One call's contribution. With sign −1 it is a retraction, merged in when a
 * later version of a call replaces an earlier one: every count and sum is
 * negated and `maxWaitMs` is 0, because a maximum cannot be un-taken.
 */
export function callContribution(call: CallFacts, sign: 1 | -1): CallAccumulator {
  const acc = emptyCallAccumulator();
  addCall(acc, call);
  if (sign === 1) return acc;
  // `0 - v` rather than `-v`: -0 would make untouched fields differ from an empty accumulator under Object.is.
  for (const f of SUM_FIELDS) acc[f] = 0 - acc[f];
  acc.maxWaitMs = 0;
  acc.answeredWaitBuckets = acc.answeredWaitBuckets.map((v) => 0 - v);
  acc.abandonedWaitBuckets = acc.abandonedWaitBuckets.map((v) => 0 - v);
  return acc;
}

/**
 * True when every count and sum is zero. `maxWaitMs` is ignored: it survives a
 * retraction, and a period whose only call was retracted has no data.
 */
export function isEmptyAccumulator(acc: CallAccumulator): boolean {
  for (const f of SUM_FIELDS) if (acc[f] !== 0) return false;
  return acc.answeredWaitBuckets.every((v) => v === 0) && acc.abandonedWaitBuckets.every((v) => v === 0);
}
