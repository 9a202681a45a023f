import { FailureError } from '@cdrflow/errors';
import type { Calendar } from './calendar';
import { emptyCallAccumulator, mergeCallAccumulators, type CallAccumulator } from './call-accumulator';
import { periodContaining, type CalendarPeriodKind, type Period } from './period';
import { emptySurveyAccumulator, mergeSurveyAccumulators, type SurveyAccumulator } from './survey-accumulator';

// The grain is part of the record contract (agent_time.v1 is checked against it), so it lives in schema.
import { INTERVAL_MS, intervalStart } from '@cdrflow/schema';
export { INTERVAL_MS, intervalStart };

export interface IntervalRow<A> {
  intervalStartMs: number;
  acc: A;
}

/** An interval start off the 15-minute UTC grain, or an interval that straddles a period's end in the calendar's zone. */
export class IntervalMisalignedError extends FailureError {
  override readonly name = 'IntervalMisalignedError';
  readonly code = 'interval_misaligned';
}

/**
 * Sums interval accumulators into periods. Exact, not an approximation: every
 * UTC offset in use is a multiple of 15 minutes and clocks change on local
 * quarter hours, so each 15-minute UTC interval lies wholly inside one local
 * hour, day, week, month, quarter and year; the check below fails loudly for
 * a zone where that does not hold rather than splitting an interval silently.
 */
function rollUpWith<A>(
  intervals: Iterable<IntervalRow<A>>,
  kind: CalendarPeriodKind,
  calendar: Calendar,
  empty: () => A,
  merge: (a: A, b: A) => A,
): Map<string, A> {
  const out = new Map<string, A>();
  // Rows usually arrive in time order, so the last period found usually holds the next row too.
  let current: Period | undefined;
  for (const row of intervals) {
    const start = row.intervalStartMs;
    if (intervalStart(start) !== start) {
      throw new IntervalMisalignedError(`interval start ${start} is not on a 15-minute UTC boundary`);
    }
    if (current === undefined || start < current.startUtcMs || start >= current.endUtcMs) {
      current = periodContaining(start, kind, calendar);
    }
    if (start + INTERVAL_MS > current.endUtcMs) {
      throw new IntervalMisalignedError(
        `the 15-minute interval at ${new Date(start).toISOString()} straddles the end of ${kind} ${current.key} in ${calendar.zone}`,
      );
    }
    out.set(current.key, merge(out.get(current.key) ?? empty(), row.acc));
  }
  return out;
}

/** Call accumulators per period key (Period.key of `kind`). */
export function rollUp(
  intervals: Iterable<IntervalRow<CallAccumulator>>,
  kind: CalendarPeriodKind,
  calendar: Calendar,
): Map<string, CallAccumulator> {
  return rollUpWith(intervals, kind, calendar, emptyCallAccumulator, mergeCallAccumulators);
}

/** Survey accumulators per period key. */
export function rollUpSurveys(
  intervals: Iterable<IntervalRow<SurveyAccumulator>>,
  kind: CalendarPeriodKind,
  calendar: Calendar,
): Map<string, SurveyAccumulator> {
  return rollUpWith(intervals, kind, calendar, emptySurveyAccumulator, mergeSurveyAccumulators);
}
