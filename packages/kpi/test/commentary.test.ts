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
  describe('staffing', () => {
    const H = 3_600_000;
    // Same calls as the first test. Staffing: this quarter 1,500 h logged in, 265.5 h paused
    // (staffed 1,234.5 h); previous 1,600 − 215.5 = 1,384.5 h; last year 1,550 − 250 = 1,300.0 h.
    const current = (staffing: { loggedInMs: number; pausedMs: number; agents: number } | null) => ({
      ...input(Q2, calls(9_000, 1_000, 9_000 * 320_000)),
      staffing,
    });
    const previous = (staffing: { loggedInMs: number; pausedMs: number; agents: number } | null) => ({
      ...input(previousPeriod(Q2, CAL), calls(8_000, 500, 8_000 * 200_000)),
      staffing,
    });
    const lastYear = (staffing: { loggedInMs: number; pausedMs: number; agents: number } | null) => ({
      ...input(samePeriodLastYear(Q2, CAL), calls(8_600, 400, 8_600 * 250_000)),
      staffing,
    });

    it('states staffed hours against both periods with calls per staffed hour, and links wait to volume and staffing', () => {
      const lines = commentary({
        current: current({ loggedInMs: 1_500 * H, pausedMs: 265.5 * H, agents: 40 }),
        previous: previous({ loggedInMs: 1_600 * H, pausedMs: 215.5 * H, agents: 44 }),
        lastYear: lastYear({ loggedInMs: 1_550 * H, pausedMs: 250 * H, agents: 42 }),
        settings: SETTINGS,
      });
      expect(lines.slice(4)).toEqual([
        // 1,384.5 − 1,234.5 = 150.0, 150 / 1,384.5 = 10.83 %; 1,300 − 1,234.5 = 65.5, 65.5 / 1,300 = 5.04 %;
        // 9,000 / 1,234.5 = 7.29; 8,000 / 1,384.5 = 5.78; 8,600 / 1,300 = 6.62
        'Staffed hours were 1,234.5 this quarter (1,500.0 logged in, 265.5 paused), down 150.0 (10.8 %) on the previous quarter (1,384.5), and down 65.5 (5.0 %) on the same quarter last year (1,300.0); 7.3 answered calls per staffed hour (5.8 the previous quarter, 6.6 the same quarter last year).',
        'Wait rose as calls rose and staffed hours fell: 1,500 more calls than the previous quarter with 150.0 fewer staffed hours (10.8 %), so each staffed hour answered 7.3 calls against 5.8, and calls were answered on average 120.0 s later.',
      ]);
    });

    it('keeps the volume-only link when staffed hours did not fall, and says "no data" for a period without agent events', () => {
      const lines = commentary({
        current: current({ loggedInMs: 1_500 * H, pausedMs: 0, agents: 40 }),
        previous: previous({ loggedInMs: 1_200 * H, pausedMs: 0, agents: 40 }),
        lastYear: lastYear(null),
        settings: SETTINGS,
      });
      // 300 / 1,200 = 25.0 %; 9,000 / 1,500 = 6.0; 8,000 / 1,200 = 6.67
      expect(lines.slice(4)).toEqual([
        'Staffed hours were 1,500.0 this quarter (1,500.0 logged in, 0.0 paused), up 300.0 (25.0 %) on the previous quarter (1,200.0), and there is no data for the same quarter last year; 6.0 answered calls per staffed hour (6.7 the previous quarter).',
        'Wait rose with volume: 1,500 more calls than the previous quarter, answered on average 120.0 s later.',
      ]);
      const none = commentary({
        current: current(null),
        previous: previous({ loggedInMs: 1_200 * H, pausedMs: 0, agents: 40 }),
        lastYear: lastYear(null),
        settings: SETTINGS,
      });
      expect(none[4]).toBe('Staffed hours: no data this quarter (1,200.0 the previous quarter).');
    });
  });
});
