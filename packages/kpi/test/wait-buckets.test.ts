import { describe, expect, it } from 'vitest';
import {
  WAIT_BUCKET_BOUNDS_SECONDS,
  WAIT_BUCKET_COUNT,
  countWithin,
  formatWaitPercentile,
  isWaitBucketBound,
  waitBucketIndex,
  waitPercentile,
} from '@cdrflow/kpi';

/** A histogram with `counts` at the given bucket indexes and 0 elsewhere. */
function histogram(counts: Record<number, number>): number[] {
  const h = new Array<number>(WAIT_BUCKET_COUNT).fill(0);
  for (const [i, n] of Object.entries(counts)) h[Number(i)] = n;
  return h;
}

describe('wait buckets', () => {
  it('has 18 bounds and an overflow bucket', () => {
    expect(WAIT_BUCKET_BOUNDS_SECONDS.length).toBe(18);
    expect(WAIT_BUCKET_COUNT).toBe(19);
  });

  it('puts a wait equal to a bound in that bound’s bucket and one millisecond more in the next', () => {
    expect(waitBucketIndex(0)).toBe(0);
    expect(waitBucketIndex(5_000)).toBe(0);
    expect(waitBucketIndex(5_001)).toBe(1);
    expect(waitBucketIndex(20_000)).toBe(3);
    expect(waitBucketIndex(20_001)).toBe(4);
    expect(waitBucketIndex(300_000)).toBe(11);
    expect(waitBucketIndex(3_600_000)).toBe(17);
    expect(waitBucketIndex(3_600_001)).toBe(18);
    expect(waitBucketIndex(86_400_000)).toBe(18);
  });

  it('knows its bounds', () => {
    expect(isWaitBucketBound(20)).toBe(true);
    expect(isWaitBucketBound(25)).toBe(false);
    expect(isWaitBucketBound(0)).toBe(false);
  });

  it('counts waits within a bound as the sum of buckets up to it', () => {
    // buckets ≤5 s: 3, ≤10 s: 4, ≤15 s: 5, ≤20 s: 6, ≤30 s: 7 → within 20 s = 3 + 4 + 5 + 6 = 18
    const h = histogram({ 0: 3, 1: 4, 2: 5, 3: 6, 4: 7, 18: 2 });
    expect(countWithin(h, 20)).toBe(18);
    expect(countWithin(h, 5)).toBe(3);
    // everything but the overflow: 3 + 4 + 5 + 6 + 7 = 25
    expect(countWithin(h, 3600)).toBe(25);
  });

  it('refuses a threshold that is not a bound', () => {
    expect(() => countWithin(histogram({}), 25)).toThrow('25 s is not a wait-histogram bound; use one of 5, 10, 15');
  });
});

describe('waitPercentile', () => {
  it('is null for an empty histogram', () => {
    expect(waitPercentile(histogram({}), 50)).toBeNull();
    expect(formatWaitPercentile(null)).toBe('No data');
  });

  it('takes the bucket holding the nearest-rank contact', () => {
    // 10 contacts: 4 in ≤5 s, 3 in ≤10 s, 2 in ≤15 s, 1 in ≤20 s.
    // p50: rank ceil(50 × 10 / 100) = 5; cumulative 4, 7 → ≤10 s.
    // p70: rank 7 → cumulative reaches 7 at ≤10 s (0.7 × 10 in floats is 7.000000000000001, which would give rank 8).
    // p90: rank 9; cumulative 4, 7, 9 → ≤15 s. p100: rank 10 → ≤20 s.
    const h = histogram({ 0: 4, 1: 3, 2: 2, 3: 1 });
    expect(waitPercentile(h, 50)).toEqual({ atMostSeconds: 10 });
    expect(waitPercentile(h, 70)).toEqual({ atMostSeconds: 10 });
    expect(waitPercentile(h, 90)).toEqual({ atMostSeconds: 15 });
    expect(waitPercentile(h, 100)).toEqual({ atMostSeconds: 20 });
    expect(formatWaitPercentile({ atMostSeconds: 15 })).toBe('≤ 15 s');
  });

  it('reports the overflow bucket as over the last bound', () => {
    // 3 contacts: 1 in ≤5 s, 2 over an hour. p50: rank ceil(1.5) = 2 → overflow.
    const h = histogram({ 0: 1, 18: 2 });
    expect(waitPercentile(h, 50)).toEqual({ overSeconds: 3600 });
    expect(formatWaitPercentile({ overSeconds: 3600 })).toBe('> 3600 s');
    expect(waitPercentile(h, 33)).toEqual({ atMostSeconds: 5 }); // rank ceil(0.99) = 1
  });

  it('accepts whole percentiles from 1 to 100 only', () => {
    expect(() => waitPercentile(histogram({ 0: 1 }), 0)).toThrow('percentile 0 must be a whole number from 1 to 100');
    expect(() => waitPercentile(histogram({ 0: 1 }), 99.5)).toThrow(RangeError);
  });
});
