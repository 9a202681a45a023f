import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALENDAR,
  addCall,
  buildCommitteeTable,
  describeDefinitions,
  emptyCallAccumulator,
  emptySurveyAccumulator,
  parsePeriodKey,
  previousPeriod,
  resolveKpiSettings,
  samePeriodLastYear,
  type CommitteeTable,
  type PeriodInput,
} from '@cdrflow/kpi';
import { calls } from './builders';

const CAL = DEFAULT_CALENDAR;
const SETTINGS = resolveKpiSettings();
const Q1 = parsePeriodKey('2020-21Q1', CAL);

/** The published Q1 2020/21 table's counts, with call-weighted averages. */
const current: PeriodInput = {
  period: Q1,
  // 19,498 offered, 640 abandoned → 18,858 answered; 79.33 s each → 18,858 × 79,330 ms = 1,496,005,140 ms
  phone: calls(18_858, 640, 1_496_005_140),
  faceToFace: emptyCallAccumulator(), // lockdown: no visits
  survey: { responses: 1491, satisfied: 1489 },
};
const previous: PeriodInput = {
  period: previousPeriod(Q1, CAL),
  // 28,131 offered, 3,077 abandoned → 25,054 answered; × 325,000 ms = 8,142,550,000 ms
  phone: calls(25_054, 3_077, 8_142_550_000),
  faceToFace: calls(1_000, 0, 203_000_000), // 203 s each
  survey: { responses: 634, satisfied: 634 },
};
const lastYear: PeriodInput = {
  period: samePeriodLastYear(Q1, CAL),
  // 28,174 offered, 3,528 abandoned → 24,646 answered; × 314,330 ms = 7,746,977,180 ms
  phone: calls(24_646, 3_528, 7_746_977_180),
  faceToFace: calls(800, 0, 156_000_000), // 195 s each
  survey: { responses: 2536, satisfied: 2530 },
};

describe('buildCommitteeTable', () => {
  const table = buildCommitteeTable({ current, previous, lastYear, settings: SETTINGS, calendar: CAL });

  it('reproduces the published Q1 2020/21 table with "No data" where there were no visits', () => {
    expect(table).toEqual({
      definitionsVersion: 1,
      columns: [
        { role: 'current', title: 'This quarter', period: Q1 },
        { role: 'previous', title: 'Previous quarter', period: previous.period },
        { role: 'lastYear', title: 'Same quarter last year', period: lastYear.period },
      ],
      rows: [
        {
          id: 'CSU10',
          title: 'Call handling: average wait time',
          unit: 'seconds',
          target: '≤ 300 s',
          targetValue: { op: '<=', value: 300 },
          rag: 'green',
          cells: [
            { value: 79.33, display: '79.3 s', numerator: 1_496_005.14, denominator: 18_858 },
            { value: 325, display: '325.0 s', numerator: 8_142_550, denominator: 25_054 },
            { value: 314.33, display: '314.3 s', numerator: 7_746_977.18, denominator: 24_646 },
          ],
        },
        {
          id: 'CSU11',
          title: 'Call handling: abandoned call rate',
          unit: 'percent',
          target: '≤ 20 %',
          targetValue: { op: '<=', value: 20 },
          rag: 'green',
          cells: [
            // 640 × 100 / 19,498 = 3.2824 → 3.28
            { value: 64_000 / 19_498, display: '3.28 % (640 / 19,498)', numerator: 640, denominator: 19_498 },
            // 3,077 × 100 / 28,131 = 10.9381 → 10.94
            { value: 307_700 / 28_131, display: '10.94 % (3,077 / 28,131)', numerator: 3_077, denominator: 28_131 },
            // 3,528 × 100 / 28,174 = 12.5222 → 12.52
            { value: 352_800 / 28_174, display: '12.52 % (3,528 / 28,174)', numerator: 3_528, denominator: 28_174 },
          ],
        },
        {
          id: 'CSU12',
          title: 'Face to face: average wait time',
          unit: 'seconds',
          target: '≤ 450 s',
          targetValue: { op: '<=', value: 450 },
          rag: null,
          cells: [
            { value: null, display: 'No data', numerator: 0, denominator: 0 },
            { value: 203, display: '203.0 s', numerator: 203_000, denominator: 1_000 },
            { value: 195, display: '195.0 s', numerator: 156_000, denominator: 800 },
          ],
        },
        {
          id: 'CSU06',
          title: '% customers satisfied with the CSU',
          unit: 'percent',
          target: '≥ 80 %',
          targetValue: { op: '>=', value: 80 },
          rag: 'green',
          cells: [
            // 1,489 × 100 / 1,491 = 99.8659 → 99.87
            { value: 148_900 / 1_491, display: '99.87 % (1,489 / 1,491)', numerator: 1_489, denominator: 1_491 },
            { value: 100, display: '100.00 % (634 / 634)', numerator: 634, denominator: 634 },
            // 2,530 × 100 / 2,536 = 99.7634 → 99.76
            { value: 253_000 / 2_536, display: '99.76 % (2,530 / 2,536)', numerator: 2_530, denominator: 2_536 },
          ],
        },
      ],
      definitions: describeDefinitions(SETTINGS, CAL),
    } satisfies CommitteeTable);
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
  });
});

describe('committee RAG', () => {
  const withPhoneWait = (waitAnsweredMs: number, answered: number): CommitteeTable =>
    buildCommitteeTable({
      current: { ...current, phone: calls(answered, 0, waitAnsweredMs) },
      previous,
      lastYear,
      settings: SETTINGS,
      calendar: CAL,
      rows: ['CSU10'],
    });

  it('judges the figure as printed: 300.04 s prints as 300.0 s and is green, 300.05 s prints as 300.1 s and is amber', () => {
    // 2 calls, Σ 600,080 ms → 300.04 s; Σ 600,100 ms → 300.05 s
    const green = withPhoneWait(600_080, 2).rows[0];
    expect([green?.cells[0].display, green?.rag]).toEqual(['300.0 s', 'green']);
    const amber = withPhoneWait(600_100, 2).rows[0];
    expect([amber?.cells[0].display, amber?.rag]).toEqual(['300.1 s', 'amber']);
  });

  it('is amber up to 330.0 s and red beyond with the default 10 % tolerance', () => {
    expect(withPhoneWait(330_000, 1).rows[0]?.rag).toBe('amber');
    expect(withPhoneWait(330_100, 1).rows[0]?.rag).toBe('red'); // 330.1 s
  });

  it('uses the target override', () => {
    const t = buildCommitteeTable({
      current,
      previous,
      lastYear,
      settings: resolveKpiSettings({ targets: { CSU10: 60 } }),
      calendar: CAL,
      rows: ['CSU10'],
    });
    // 79.3 s against ≤ 60 s: band 60 × 10 / 100 = 6 → amber to 66, so red
    expect([t.rows[0]?.target, t.rows[0]?.rag]).toEqual(['≤ 60 s', 'red']);
  });
});

describe('volume and service-level rows', () => {
  it('shows counts, service levels and "No data" for a period without contacts', () => {
    const phone = emptyCallAccumulator();
    for (const waitMs of [5_000, 20_000, 45_000]) addCall(phone, { outcome: 'answered', waitMs, talkMs: 60_000 });
    addCall(phone, { outcome: 'abandoned', waitMs: 10_000, talkMs: 0 });
    const empty: PeriodInput = {
      period: previous.period,
      phone: emptyCallAccumulator(),
      faceToFace: emptyCallAccumulator(),
      survey: emptySurveyAccumulator(),
    };
    const t = buildCommitteeTable({
      current: { ...current, phone },
      previous: empty,
      lastYear: { ...empty, period: lastYear.period },
      settings: SETTINGS,
      calendar: CAL,
      rows: [
        'PHONE_OFFERED',
        'PHONE_ANSWERED',
        'PHONE_ABANDONED',
        'PHONE_SERVICE_LEVEL',
        'PHONE_SERVICE_LEVEL_OF_ANSWERED',
        'PHONE_SERVICE_LEVEL_ABANDONS_MET',
        'CSU06',
      ],
    });
    expect(t.rows.map((r) => [r.id, r.title, r.target, r.rag, r.cells[0].display, r.cells[1].display])).toEqual([
      ['PHONE_OFFERED', 'Calls offered', null, null, '4', 'No data'],
      ['PHONE_ANSWERED', 'Calls answered', null, null, '3', 'No data'],
      ['PHONE_ABANDONED', 'Calls abandoned', null, null, '1', 'No data'],
      // 2 answered within 20 s (5 s, 20 s) of 4 offered = 50 %
      ['PHONE_SERVICE_LEVEL', 'Service level: calls answered within 20 s', null, null, '50.00 % (2 / 4)', 'No data'],
      // 2 of 3 answered = 66.67 %
      [
        'PHONE_SERVICE_LEVEL_OF_ANSWERED',
        'Service level: answered calls answered within 20 s',
        null,
        null,
        '66.67 % (2 / 3)',
        'No data',
      ],
      // (2 answered + 1 hung up at 10 s) of 4 = 75 %
      [
        'PHONE_SERVICE_LEVEL_ABANDONS_MET',
        'Service level: calls answered or abandoned within 20 s',
        null,
        null,
        '75.00 % (3 / 4)',
        'No data',
      ],
      ['CSU06', '% customers satisfied with the CSU', '≥ 80 %', 'green', '99.87 % (1,489 / 1,491)', 'No data'],
    ]);
    expect(t.rows[0]?.cells[1]).toEqual({ value: null, display: 'No data' });
  });

  it('titles columns after the period kind', () => {
    const month = parsePeriodKey('2020-06', CAL);
    const t = buildCommitteeTable({
      current: { ...current, period: month },
      previous: { ...previous, period: previousPeriod(month, CAL) },
      lastYear: { ...lastYear, period: samePeriodLastYear(month, CAL) },
      settings: SETTINGS,
      calendar: CAL,
    });
    expect(t.columns.map((c) => `${c.title}: ${c.period.label}`)).toEqual([
      'This month: Jun 2020',
      'Previous month: May 2020',
      'Same month last year: Jun 2019',
    ]);
  });
});
