import { describe, expect, it } from 'vitest';
import {
  addCall,
  computeCallFigures,
  computeSurveyFigures,
  emptyCallAccumulator,
  resolveKpiSettings,
  type CallAccumulator,
  type CallFacts,
  type CallFigures,
} from '@cdrflow/kpi';

const s = (seconds: number): number => seconds * 1000;

function accumulate(calls: readonly CallFacts[]): CallAccumulator {
  const acc = emptyCallAccumulator();
  for (const c of calls) addCall(acc, c);
  return acc;
}

/** 12 contacts: 4 answered, 3 hung up, and one of each other exit. */
const MIXED = accumulate([
  { outcome: 'answered', waitMs: s(10), talkMs: s(60) },
  { outcome: 'answered', waitMs: s(20), talkMs: s(120) },
  { outcome: 'answered', waitMs: s(25), talkMs: s(180) },
  { outcome: 'answered', waitMs: s(100), talkMs: s(240) },
  { outcome: 'abandoned', waitMs: s(3), talkMs: 0 },
  { outcome: 'abandoned', waitMs: s(8), talkMs: 0 },
  { outcome: 'abandoned', waitMs: s(40), talkMs: 0 },
  { outcome: 'timeout', waitMs: s(600), talkMs: 0 },
  { outcome: 'exit_key', waitMs: s(30), talkMs: 0 },
  { outcome: 'exit_empty', waitMs: 0, talkMs: 0 },
  { outcome: 'withdrawn', waitMs: s(12), talkMs: 0 },
  { outcome: 'unclosed', waitMs: s(50), talkMs: 0 },
]);

describe('computeCallFigures', () => {
  it('with the default settings', () => {
    expect(computeCallFigures(MIXED, resolveKpiSettings())).toEqual({
      contacts: 12,
      offered: 12,
      answered: 4,
      abandoned: 3, // hang-ups only
      shortAbandons: 0,
      timedOut: 1,
      exitedEmpty: 1,
      exitedWithKey: 1,
      withdrawn: 1,
      unclosed: 1,
      other: 0,
      answeredWithinServiceLevel: 2, // 10 s and 20 s (≤ 20 s is met)
      abandonedWithinServiceLevel: 2, // 3 s and 8 s
      avgWaitAnsweredSeconds: 38.75, // (10 + 20 + 25 + 100) / 4
      avgWaitSeconds: 38.75,
      avgWaitNumeratorMs: 155_000,
      avgWaitDenominator: 4,
      maxWaitSeconds: 600, // the timeout, not an answered call
      abandonRatePercent: 25, // 3 × 100 / 12
      serviceLevelPercent: 200 / 12, // 2 × 100 / 12 = 16.67
      serviceLevelOfAnsweredPercent: 50, // 2 × 100 / 4
      serviceLevelAbandonsMetPercent: 400 / 12, // (2 + 2) × 100 / 12 = 33.33
      // answered buckets: ≤10 s: 1, ≤20 s: 1, ≤30 s: 1, ≤120 s: 1.
      waitP50: { atMostSeconds: 20 }, // rank ceil(0.5 × 4) = 2 → cumulative 2 at ≤20 s
      waitP90: { atMostSeconds: 120 }, // rank ceil(0.9 × 4) = 4 → ≤120 s
      talkSeconds: 600, // 60 + 120 + 180 + 240
      avgTalkSeconds: 150, // 600 / 4
    } satisfies CallFigures);
  });

  it('with all-queued waits, more exits as abandoned, a 5 s short-abandon threshold and a 30 s service level', () => {
    const f = computeCallFigures(
      MIXED,
      resolveKpiSettings({
        waitBasis: 'all_queued',
        abandonedExits: ['timeout', 'exit_key'],
        shortAbandonSeconds: 5,
        serviceLevelSeconds: 30,
      }),
    );
    expect(f).toMatchObject({
      shortAbandons: 1, // the 3 s hang-up
      offered: 11, // 12 − 1
      abandoned: 4, // 3 hang-ups + 1 timeout + 1 exit by key − 1 short
      abandonRatePercent: 400 / 11, // 36.36
      // Σ all waits: 155 (answered) + 51 (hang-ups) + 600 + 30 + 0 + 12 + 50 = 898 s over 12 contacts
      avgWaitNumeratorMs: 898_000,
      avgWaitDenominator: 12,
      avgWaitSeconds: 898_000 / 12_000,
      avgWaitAnsweredSeconds: 38.75,
      answeredWithinServiceLevel: 3, // 10, 20, 25 s
      abandonedWithinServiceLevel: 1, // 3 s and 8 s are within 30 s, less the short 3 s
      serviceLevelPercent: 300 / 11,
      serviceLevelOfAnsweredPercent: 75, // 3 × 100 / 4
      serviceLevelAbandonsMetPercent: 400 / 11, // (3 + 1) × 100 / 11
    });
  });

  it('counts no abandon as met when every abandon within the service level is a short abandon', () => {
    const f = computeCallFigures(MIXED, resolveKpiSettings({ shortAbandonSeconds: 10, serviceLevelSeconds: 5 }));
    expect(f.shortAbandons).toBe(2); // 3 s and 8 s
    expect(f.abandonedWithinServiceLevel).toBe(0);
    expect(f.answeredWithinServiceLevel).toBe(0); // no answer within 5 s
    expect(f.serviceLevelPercent).toBe(0); // 0 × 100 / 10: data, so 0 and not null
  });

  it('gives null, never 0, for every average and rate of an empty period', () => {
    expect(computeCallFigures(emptyCallAccumulator(), resolveKpiSettings())).toEqual({
      contacts: 0,
      offered: 0,
      answered: 0,
      abandoned: 0,
      shortAbandons: 0,
      timedOut: 0,
      exitedEmpty: 0,
      exitedWithKey: 0,
      withdrawn: 0,
      unclosed: 0,
      other: 0,
      answeredWithinServiceLevel: 0,
      abandonedWithinServiceLevel: 0,
      avgWaitAnsweredSeconds: null,
      avgWaitSeconds: null,
      avgWaitNumeratorMs: 0,
      avgWaitDenominator: 0,
      maxWaitSeconds: null,
      abandonRatePercent: null,
      serviceLevelPercent: null,
      serviceLevelOfAnsweredPercent: null,
      serviceLevelAbandonsMetPercent: null,
      waitP50: null,
      waitP90: null,
      talkSeconds: 0,
      avgTalkSeconds: null,
    } satisfies CallFigures);
  });

  it('gives no average wait when nothing was answered, and no rate when everything was a short abandon', () => {
    const onlyShort = accumulate([{ outcome: 'abandoned', waitMs: s(2), talkMs: 0 }]);
    const f = computeCallFigures(onlyShort, resolveKpiSettings({ shortAbandonSeconds: 5 }));
    expect([f.offered, f.abandoned, f.abandonRatePercent, f.avgWaitSeconds, f.maxWaitSeconds]).toEqual([
      0,
      0,
      null,
      null,
      2,
    ]);
  });
});

describe('computeSurveyFigures', () => {
  it('computes % satisfied, null without responses', () => {
    expect(computeSurveyFigures({ responses: 1491, satisfied: 1489 })).toEqual({
      responses: 1491,
      satisfied: 1489,
      satisfiedPercent: 148_900 / 1491, // 99.87
    });
    expect(computeSurveyFigures({ responses: 0, satisfied: 0 }).satisfiedPercent).toBeNull();
  });
});
