import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALENDAR,
  commentary,
  emptyCallAccumulator,
  parsePeriodKey,
  previousPeriod,
  resolveKpiSettings,
  samePeriodLastYear,
} from '@cdrflow/kpi';
import { calls, periodInput as input } from './builders';

const CAL = DEFAULT_CALENDAR;
const SETTINGS = resolveKpiSettings();
const Q2 = parsePeriodKey('2020-21Q2', CAL);

describe('commentary', () => {
  it('states volume, wait and abandoned rate against both comparison periods, with the target, in sentences', () => {
    // The committee's question: calls rose by 1,500 in a quarter and wait rose with them.
    // This quarter 10,000 offered (9,000 answered × 320 s, 1,000 abandoned = 10 %);
    // previous 8,500 (8,000 × 200 s, 500 abandoned = 5.88 %); last year 9,000 (8,600 × 250 s, 400 = 4.44 %).
    const lines = commentary({
      current: input(Q2, calls(9_000, 1_000, 9_000 * 320_000), calls(100, 0, 100 * 400_000)),
      previous: input(previousPeriod(Q2, CAL), calls(8_000, 500, 8_000 * 200_000)),
      lastYear: input(samePeriodLastYear(Q2, CAL), calls(8_600, 400, 8_600 * 250_000)),
      settings: SETTINGS,
    });
    expect(lines).toEqual([
      // 1,500 / 8,500 = 17.6 %; 1,000 / 9,000 = 11.1 %
      'Calls offered were 10,000 this quarter, up 1,500 (17.6 %) on the previous quarter (8,500), and up 1,000 (11.1 %) on the same quarter last year (9,000).',
      'Average wait was 320.0 s this quarter, up 120.0 s on the previous quarter (200.0 s), and up 70.0 s on the same quarter last year (250.0 s); outside the ≤ 300 s target.',
      // 10 − 5.88 = 4.12; 10 − 4.44 = 5.56
      'The abandoned call rate was 10.00 % this quarter, up 4.12 percentage points on the previous quarter (5.88 %), and up 5.56 percentage points on the same quarter last year (4.44 %); within the ≤ 20 % target.',
      'Face-to-face average wait was 400.0 s this quarter, there is no data for the previous quarter, and there is no data for the same quarter last year; within the ≤ 450 s target.',
      'Wait rose with volume: 1,500 more calls than the previous quarter, answered on average 120.0 s later.',
    ]);
  });

  it('says "no data" for a period without contacts instead of reporting zero, and draws no link', () => {
    const lines = commentary({
      current: input(Q2, emptyCallAccumulator()),
      previous: input(previousPeriod(Q2, CAL), calls(10, 0, 10 * 60_000), calls(5, 0, 5 * 100_000)),
      lastYear: input(samePeriodLastYear(Q2, CAL), emptyCallAccumulator()),
      settings: SETTINGS,
    });
    expect(lines).toEqual([
      'Calls offered: no data this quarter (10 the previous quarter).',
      'Average wait: no data this quarter (60.0 s the previous quarter).',
      'The abandoned call rate: no data this quarter (0.00 % the previous quarter).',
      'Face-to-face average wait: no data this quarter (100.0 s the previous quarter).',
    ]);
  });
});
