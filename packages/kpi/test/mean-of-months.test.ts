import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALENDAR,
  MEAN_OF_MONTHS_NOTE,
  buildCommitteeTable,
  emptyCallAccumulator,
  monthsOf,
  parsePeriodKey,
  previousPeriod,
  resolveKpiSettings,
  samePeriodLastYear,
  withMeanOfMonths,
  type Period,
  type PeriodInput,
} from '@cdrflow/kpi';
import { calls, periodInput } from './builders';

const CAL = DEFAULT_CALENDAR;
const SETTINGS = resolveKpiSettings();
const Q1 = parsePeriodKey('2020-21Q1', CAL);

/** `count` answered calls each waiting `waitSeconds`, and `abandoned` more. */
const answered = (count: number, waitSeconds: number, abandoned = 0) =>
  calls(count, abandoned, count * waitSeconds * 1000);
const input = (period: Period, phone: ReturnType<typeof calls>): PeriodInput => periodInput(period, phone);

describe('monthsOf', () => {
  it('splits a fiscal quarter and a financial year into their calendar months, in local time', () => {
    expect(monthsOf(Q1, CAL).map((m) => m.key)).toEqual(['2020-04', '2020-05', '2020-06']);
    const year = monthsOf(parsePeriodKey('FY2020-21', CAL), CAL).map((m) => m.key);
    expect(year).toHaveLength(12);
    expect([year[0], year[11]]).toEqual(['2020-04', '2021-03']);
  });
});

describe('withMeanOfMonths', () => {
  // April: 10 calls waiting 60 s; May: 1,000 calls waiting 120 s (and 10 abandoned); June: no contacts.
  const months = monthsOf(Q1, CAL);
  const april = input(months[0]!, answered(10, 60));
  const may = input(months[1]!, answered(1_000, 120, 10));
  const june = input(months[2]!, emptyCallAccumulator());
  const quarter = input(Q1, answered(1_010, 0, 10));
  quarter.phone.waitAnsweredMs = april.phone.waitAnsweredMs + may.phone.waitAnsweredMs;
  const empty = (p: Period) => input(p, emptyCallAccumulator());
  const previous = empty(previousPeriod(Q1, CAL));
  const lastYear = empty(samePeriodLastYear(Q1, CAL));
  const table = buildCommitteeTable({ current: quarter, previous, lastYear, settings: SETTINGS, calendar: CAL });

  it('is call-weighted by default: (10 × 60 + 1,000 × 120) / 1,010 = 119.4 s', () => {
    expect(table.rows.find((r) => r.id === 'CSU10')!.cells[0].display).toBe('119.4 s');
  });

  it('reproduces the published practice: (60 + 120) / 2 = 90.0 s, June left out; rates stay call-weighted', () => {
    const monthly = [[april, may, june], [empty(previous.period)], [empty(lastYear.period)]] as const;
    const old = withMeanOfMonths(table, monthly, SETTINGS);
    const wait = old.rows.find((r) => r.id === 'CSU10')!;
    expect(wait.cells[0]).toEqual({ value: 90, display: '90.0 s' });
    expect(wait.cells[1].display).toBe('No data');
    expect(wait.rag).toBe('green');
    // 10 / 1,020 abandoned: the same as the call-weighted table's.
    expect(old.rows.find((r) => r.id === 'CSU11')).toEqual(table.rows.find((r) => r.id === 'CSU11'));
    // The footnote says which average was used, replacing the call-weighted statement.
    expect(old.definitions).toContain(MEAN_OF_MONTHS_NOTE);
    expect(old.definitions.some((d) => d.startsWith('Averages and rates are weighted by contacts'))).toBe(false);
    expect(table.definitions.some((d) => d.startsWith('Averages and rates are weighted by contacts'))).toBe(true);
  });

  it('judges RAG again on the mean: a quiet slow month can turn the quarter red', () => {
    // April: 1 call waiting 900 s; May: 1,000 calls waiting 60 s. Call-weighted 60.8 s (green); mean 480 s (red).
    const slowApril = input(months[0]!, answered(1, 900));
    const busyMay = input(months[1]!, answered(1_000, 60));
    const q = input(Q1, { ...answered(1_001, 0), waitAnsweredMs: 900_000 + 60_000_000 });
    const t = buildCommitteeTable({ current: q, previous, lastYear, settings: SETTINGS, calendar: CAL });
    expect(t.rows.find((r) => r.id === 'CSU10')!.rag).toBe('green');
    const old = withMeanOfMonths(t, [[slowApril, busyMay], [], []], SETTINGS);
    const wait = old.rows.find((r) => r.id === 'CSU10')!;
    expect(wait.cells[0].display).toBe('480.0 s');
    expect(wait.rag).toBe('red');
  });
});
