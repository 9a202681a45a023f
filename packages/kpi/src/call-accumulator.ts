import type { CallRecord } from '@cdrflow/schema';
import { CALL_ACCUMULATOR_SUM_FIELDS, type AccumulatorOf, type CALL_ACCUMULATOR_COLUMNS } from './accumulator-columns';
import { WAIT_BUCKET_COUNT, waitBucketIndex } from './wait-buckets';

/**
 * Sums and counts for a set of contacts: one field per entry of
 * CALL_ACCUMULATOR_COLUMNS (accumulator-columns.ts), which documents each
 * field and maps it to its ClickHouse `interval_stats` column. Every field is
 * an integer and every field but `maxWaitMs` is a plain sum, which is what
 * makes accumulators mergeable across intervals, queues and periods. No
 * average is ever stored.
 */
export type CallAccumulator = AccumulatorOf<typeof CALL_ACCUMULATOR_COLUMNS>;

/** `rebuilt` may be left out by figures built by hand (a contact read with its ENTERQUEUE, or not from a queue_log). */
export type CallFacts = Pick<CallRecord, 'outcome' | 'waitMs' | 'talkMs'> & Partial<Pick<CallRecord, 'rebuilt'>>;

/** Sums only: `maxWaitMs` merges by max and is left out. */
const SUM_FIELDS = CALL_ACCUMULATOR_SUM_FIELDS;

/**
 * All zeros. Written out rather than built from the table: a literal is about
 * twice as fast, and this runs for every new interval delta. The type is the
 * table's, so a field missing here does not compile, and a unit test checks
 * the order (packages/kpi/test/accumulator-columns.test.ts).
 */
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
    rebuilt: 0,
    answeredWaitBuckets: new Array<number>(WAIT_BUCKET_COUNT).fill(0),
    abandonedWaitBuckets: new Array<number>(WAIT_BUCKET_COUNT).fill(0),
  };
}

/**
 * Adds one contact in place. Hot path: no allocation, never throws; so every
 * field is written out, and a unit test checks that each field of the table
 * is reached by some call.
 */
export function addCall(acc: CallAccumulator, call: CallFacts): void {
  acc.contacts += 1;
  acc.waitAllMs += call.waitMs;
  acc.talkMs += call.talkMs;
  if (call.waitMs > acc.maxWaitMs) acc.maxWaitMs = call.waitMs;
  if (call.rebuilt === true) acc.rebuilt += 1;
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
    case 'queued':
      // Still waiting (queue_log, fate not known yet): offered, and in no wait figure (its wait is 0
      // here and it is in no bucket); a later version with its fate replaces it.
      break;
  }
}

function sumBuckets(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(WAIT_BUCKET_COUNT);
  for (let i = 0; i < WAIT_BUCKET_COUNT; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}

/** A new accumulator holding both; neither input changes. Each field merges as its table entry says. */
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
