import { describe, expect, it } from 'vitest';
import {
  WAIT_BUCKET_COUNT,
  abandonWaitBandLabels,
  abandonsByWaitBand,
  markRecovered,
  waitBucketIndex,
} from '@cdrflow/kpi';

function histogram(waitsSeconds: number[]): number[] {
  const buckets = new Array<number>(WAIT_BUCKET_COUNT).fill(0);
  for (const s of waitsSeconds) buckets[waitBucketIndex(s * 1000)]! += 1;
  return buckets;
}

describe('abandons by wait band', () => {
  it('counts each wait in the band it falls in, a wait equal to a bound in the band it closes', () => {
    expect(abandonWaitBandLabels()).toEqual(['≤ 30 s', '30–60 s', '60–120 s', '120–300 s', '300–600 s', '> 600 s']);
    // 5, 30 → ≤ 30; 31, 60 → 30–60; 61 → 60–120; 300 → 120–300; 301, 599 → 300–600; 601, 4000 → > 600
    expect(abandonsByWaitBand(histogram([5, 30, 31, 60, 61, 300, 301, 599, 601, 4000]))).toEqual([2, 2, 1, 1, 2, 2]);
    expect(abandonsByWaitBand(histogram([]))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('markRecovered', () => {
  const minute = 60_000;
  it('marks an abandon recovered by the same caller’s first answered call after the hang-up, within the window', () => {
    const abandoned = [
      { id: 'a1', callerKey: 'k1', endedMs: 0 },
      { id: 'a2', callerKey: 'k2', endedMs: 0 },
      { id: 'a3', callerKey: null, endedMs: 0 },
      { id: 'a4', callerKey: 'k3', endedMs: 10 * minute },
    ];
    const answered = [
      { callerKey: 'k1', arrivedMs: 75 * minute }, // too late for a 60-minute window
      { callerKey: 'k1', arrivedMs: 20 * minute }, // the first one in time (input out of order)
      { callerKey: 'k2', arrivedMs: 60 * minute }, // exactly at the edge: recovered
      { callerKey: 'k3', arrivedMs: 5 * minute }, // before the hang-up: not a recovery
      { callerKey: 'k9', arrivedMs: 1 * minute },
    ];
    expect(markRecovered(abandoned, answered, 60 * minute).map((a) => [a.id, a.recoveredAtMs])).toEqual([
      ['a1', 20 * minute],
      ['a2', 60 * minute],
      ['a3', null], // withheld number: never matched
      ['a4', null],
    ]);
  });
});
