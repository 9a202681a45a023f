/**
 * The wait histogram every accumulator stores. The bounds are data shared with
 * the ClickHouse `interval_stats` columns: changing them changes the meaning
 * of every stored row, so a new list needs a new table version.
 *
 * A wait of `w` ms falls in the first bucket whose bound satisfies
 * `w <= bound * 1000`; waits above the last bound fall in the overflow bucket
 * (index `WAIT_BUCKET_BOUNDS_SECONDS.length`). Because the test is `<=`,
 * "answered within T" for any bound T is exactly the sum of the buckets up to
 * and including T's, which is why service-level and short-abandon thresholds
 * must be bounds.
 */
export const WAIT_BUCKET_BOUNDS_SECONDS = [
  5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 3600,
] as const;

/** Bounds plus the overflow bucket. */
export const WAIT_BUCKET_COUNT = WAIT_BUCKET_BOUNDS_SECONDS.length + 1;

const OVERFLOW_INDEX = WAIT_BUCKET_BOUNDS_SECONDS.length;
const LAST_BOUND_SECONDS = 3600;
const BOUNDS_MS: readonly number[] = WAIT_BUCKET_BOUNDS_SECONDS.map((s) => s * 1000);

export function isWaitBucketBound(seconds: number): boolean {
  return (WAIT_BUCKET_BOUNDS_SECONDS as readonly number[]).includes(seconds);
}

/** Index of the bucket a wait falls in; never throws, because it runs once per call. */
export function waitBucketIndex(waitMs: number): number {
  for (let i = 0; i < OVERFLOW_INDEX; i++) {
    if (waitMs <= (BOUNDS_MS[i] as number)) return i;
  }
  return OVERFLOW_INDEX;
}

/** Contacts whose wait was at most `seconds`; `seconds` must be a bound, or the answer would be a guess. */
export function countWithin(buckets: readonly number[], seconds: number): number {
  const last = (WAIT_BUCKET_BOUNDS_SECONDS as readonly number[]).indexOf(seconds);
  if (last < 0) {
    throw new RangeError(
      `${seconds} s is not a wait-histogram bound; use one of ${WAIT_BUCKET_BOUNDS_SECONDS.join(', ')}`,
    );
  }
  let total = 0;
  for (let i = 0; i <= last; i++) total += buckets[i] ?? 0;
  return total;
}

/**
 * A percentile read from the histogram: the true value is at most
 * `atMostSeconds` (and above the previous bound), or above the last bound.
 */
export type WaitPercentile = { readonly atMostSeconds: number } | { readonly overSeconds: number };

/**
 * Nearest-rank percentile: the bucket holding the contact of rank
 * ceil(percent × total / 100). `percent` is a whole number so the rank is
 * computed in integers (0.7 × 10 in floating point is 7.000000000000001, which
 * would move the rank). Returns null when the histogram is empty.
 */
export function waitPercentile(buckets: readonly number[], percent: number): WaitPercentile | null {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
    throw new RangeError(`percentile ${percent} must be a whole number from 1 to 100`);
  }
  let total = 0;
  for (const n of buckets) total += n;
  if (total === 0) return null;
  const rank = Math.ceil((percent * total) / 100);
  let cumulative = 0;
  for (let i = 0; i < OVERFLOW_INDEX; i++) {
    cumulative += buckets[i] ?? 0;
    if (cumulative >= rank) return { atMostSeconds: WAIT_BUCKET_BOUNDS_SECONDS[i] as number };
  }
  return { overSeconds: LAST_BOUND_SECONDS };
}

/** "≤ 20 s", "> 3600 s" or "No data". */
export function formatWaitPercentile(p: WaitPercentile | null): string {
  if (p === null) return 'No data';
  return 'atMostSeconds' in p ? `≤ ${p.atMostSeconds} s` : `> ${p.overSeconds} s`;
}
