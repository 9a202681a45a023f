import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CALENDAR_PERIOD_KINDS,
  DEFAULT_CALENDAR,
  PeriodInvalidError,
  parsePeriodKey,
  periodContaining,
  periodRange,
  previousPeriod,
  resolveCalendar,
  samePeriodLastYear,
  type Period,
} from '@cdrflow/kpi';

const LONDON = DEFAULT_CALENDAR;
const H = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const span = (p: Period): { key: string; label: string; start: string; end: string; hours: number } => ({
  key: p.key,
  label: p.label,
  start: iso(p.startUtcMs),
  end: iso(p.endUtcMs),
  hours: (p.endUtcMs - p.startUtcMs) / H,
});

describe('days across DST', () => {
  it('2020-03-29 (clocks go forward) is 23 hours: GMT midnight to BST midnight', () => {
    expect(span(periodContaining(Date.UTC(2020, 2, 29, 12), 'day', LONDON))).toEqual({
      key: '2020-03-29',
      label: 'Sun 29 Mar 2020',
      start: '2020-03-29T00:00:00.000Z',
      end: '2020-03-29T23:00:00.000Z',
      hours: 23,
    });
  });

  it('2020-10-25 (clocks go back) is 25 hours: BST midnight to GMT midnight', () => {
    expect(span(periodContaining(Date.UTC(2020, 9, 25, 12), 'day', LONDON))).toEqual({
      key: '2020-10-25',
      label: 'Sun 25 Oct 2020',
      start: '2020-10-24T23:00:00.000Z',
      end: '2020-10-26T00:00:00.000Z',
      hours: 25,
    });
  });

  it('places an instant by local date: 23:30 UTC on 28 June is 00:30 BST on 29 June', () => {
    expect(periodContaining(Date.UTC(2020, 5, 28, 23, 30), 'day', LONDON).key).toBe('2020-06-29');
    expect(periodContaining(Date.UTC(2020, 5, 28, 22, 59, 59, 999), 'day', LONDON).key).toBe('2020-06-28');
  });
});

describe('hours', () => {
  it('names the repeated hour on 2020-10-25 apart by its offset', () => {
    const first = periodContaining(Date.UTC(2020, 9, 25, 0, 30), 'hour', LONDON);
    const second = periodContaining(Date.UTC(2020, 9, 25, 1, 30), 'hour', LONDON);
    expect(span(first)).toEqual({
      key: '2020-10-25T01:00+01:00',
      label: 'Sun 25 Oct 2020 01:00 (UTC+01:00)',
      start: '2020-10-25T00:00:00.000Z',
      end: '2020-10-25T01:00:00.000Z',
      hours: 1,
    });
    expect(span(second)).toEqual({
      key: '2020-10-25T01:00+00:00',
      label: 'Sun 25 Oct 2020 01:00 (UTC+00:00)',
      start: '2020-10-25T01:00:00.000Z',
      end: '2020-10-25T02:00:00.000Z',
      hours: 1,
    });
    expect(previousPeriod(second, LONDON)).toEqual(first);
  });

  it('skips the missing hour on 2020-03-29: 00:00 GMT is followed by 02:00 BST', () => {
    const after = periodContaining(Date.UTC(2020, 2, 29, 1, 0), 'hour', LONDON);
    expect(after.key).toBe('2020-03-29T02:00+01:00');
    expect(previousPeriod(after, LONDON).key).toBe('2020-03-29T00:00+00:00');
  });

  it('starts hours on the half hour in a half-hour zone', () => {
    const kolkata = resolveCalendar({ zone: 'Asia/Kolkata' });
    // 04:40 UTC is 10:10 IST; the hour 10:00–11:00 IST is 04:30–05:30 UTC.
    expect(span(periodContaining(Date.UTC(2020, 5, 1, 4, 40), 'hour', kolkata))).toEqual({
      key: '2020-06-01T10:00+05:30',
      label: 'Mon 1 Jun 2020 10:00 (UTC+05:30)',
      start: '2020-06-01T04:30:00.000Z',
      end: '2020-06-01T05:30:00.000Z',
      hours: 1,
    });
  });
});

describe('weeks (ISO, Monday, local)', () => {
  it('2020-W13 runs from Monday 23 March to the end of Sunday 29 March: 7 × 24 − 1 = 167 hours', () => {
    expect(span(periodContaining(Date.UTC(2020, 2, 25), 'week', LONDON))).toEqual({
      key: '2020-W13',
      label: 'Week 13 of 2020 (23–29 Mar 2020)',
      start: '2020-03-23T00:00:00.000Z',
      end: '2020-03-29T23:00:00.000Z',
      hours: 167,
    });
  });

  it('uses the ISO week-year at the turn of the year', () => {
    // 2020 has 53 ISO weeks: W53 is Mon 28 Dec 2020 – Sun 3 Jan 2021.
    const w53 = periodContaining(Date.UTC(2021, 0, 1, 12), 'week', LONDON);
    expect(w53.key).toBe('2020-W53');
    expect(w53.label).toBe('Week 53 of 2020 (28 Dec 2020–3 Jan 2021)');
    // Monday 30 Dec 2019 starts 2020-W01.
    expect(periodContaining(Date.UTC(2019, 11, 30, 12), 'week', LONDON).key).toBe('2020-W01');
    expect(periodContaining(Date.UTC(2020, 2, 31, 12), 'week', LONDON).label).toBe(
      'Week 14 of 2020 (30 Mar–5 Apr 2020)',
    );
  });

  it('compares week 53 with week 52 of a year that has no week 53', () => {
    const w53 = parsePeriodKey('2020-W53', LONDON);
    expect(samePeriodLastYear(w53, LONDON).key).toBe('2019-W52');
    expect(samePeriodLastYear(parsePeriodKey('2020-W13', LONDON), LONDON).key).toBe('2019-W13');
  });
});

describe('months', () => {
  it('March 2020 ends at BST midnight: 31 × 24 − 1 = 743 hours', () => {
    expect(span(periodContaining(Date.UTC(2020, 2, 10), 'month', LONDON))).toEqual({
      key: '2020-03',
      label: 'Mar 2020',
      start: '2020-03-01T00:00:00.000Z',
      end: '2020-03-31T23:00:00.000Z',
      hours: 743,
    });
  });

  it('previous and last year', () => {
    const jan = parsePeriodKey('2021-01', LONDON);
    expect(previousPeriod(jan, LONDON).key).toBe('2020-12');
    expect(samePeriodLastYear(jan, LONDON).key).toBe('2020-01');
  });
});

describe('financial quarters (April start)', () => {
  const q1 = periodContaining(Date.UTC(2020, 4, 15), 'quarter', LONDON);

  it('Q1 2020/21 is April to June 2020, local midnight to local midnight', () => {
    expect(span(q1)).toEqual({
      key: '2020-21Q1',
      label: 'Q1 2020/21 (Apr–Jun 2020)',
      start: '2020-03-31T23:00:00.000Z',
      end: '2020-06-30T23:00:00.000Z',
      hours: 91 * 24, // 30 + 31 + 30 days, all BST
    });
  });

  it('the previous quarter is Q4 2019/20 and the same quarter last year Q1 2019/20', () => {
    expect(span(previousPeriod(q1, LONDON))).toEqual({
      key: '2019-20Q4',
      label: 'Q4 2019/20 (Jan–Mar 2020)',
      start: '2020-01-01T00:00:00.000Z',
      end: '2020-03-31T23:00:00.000Z',
      hours: 91 * 24 - 1, // 31 + 29 + 31 days, less the hour lost on 29 March
    });
    expect(span(samePeriodLastYear(q1, LONDON))).toEqual({
      key: '2019-20Q1',
      label: 'Q1 2019/20 (Apr–Jun 2019)',
      start: '2019-03-31T23:00:00.000Z',
      end: '2019-06-30T23:00:00.000Z',
      hours: 91 * 24,
    });
  });

  it('the boundary instant belongs to the later quarter', () => {
    expect(periodContaining(Date.UTC(2020, 2, 31, 22, 59, 59, 999), 'quarter', LONDON).key).toBe('2019-20Q4');
    expect(periodContaining(Date.UTC(2020, 2, 31, 23), 'quarter', LONDON).key).toBe('2020-21Q1');
  });

  it('Q3 2020/21 spans the October change: 92 × 24 + 1 hours', () => {
    expect(span(parsePeriodKey('2020-21Q3', LONDON))).toEqual({
      key: '2020-21Q3',
      label: 'Q3 2020/21 (Oct–Dec 2020)',
      start: '2020-09-30T23:00:00.000Z',
      end: '2021-01-01T00:00:00.000Z',
      hours: 92 * 24 + 1,
    });
  });

  it('the financial year 2020/21 runs April 2020 to March 2021', () => {
    const fy = periodContaining(Date.UTC(2021, 1, 1), 'fiscal_year', LONDON);
    expect(span(fy)).toEqual({
      key: 'FY2020-21',
      label: 'Financial year 2020/21 (Apr 2020–Mar 2021)',
      start: '2020-03-31T23:00:00.000Z',
      end: '2021-03-31T23:00:00.000Z',
      hours: 365 * 24,
    });
    expect(previousPeriod(fy, LONDON).key).toBe('FY2019-20');
    expect(samePeriodLastYear(fy, LONDON).key).toBe('FY2019-20');
  });

  it('names the year across the century as 1999-00', () => {
    expect(periodContaining(Date.UTC(1999, 5, 1), 'quarter', LONDON).key).toBe('1999-00Q1');
    expect(parsePeriodKey('FY1999-00', LONDON).label).toBe('Financial year 1999/00 (Apr 1999–Mar 2000)');
  });
});

describe('other financial-year starts', () => {
  it('January start: quarters are 2020Q1 and the year FY2020', () => {
    const cal = resolveCalendar({ fiscalYearStartMonth: 1 });
    const q = periodContaining(Date.UTC(2020, 1, 10), 'quarter', cal);
    expect([q.key, q.label]).toEqual(['2020Q1', 'Q1 2020 (Jan–Mar 2020)']);
    expect(previousPeriod(q, cal).key).toBe('2019Q4');
    const fy = periodContaining(Date.UTC(2020, 1, 10), 'fiscal_year', cal);
    expect([fy.key, fy.label]).toEqual(['FY2020', 'Financial year 2020 (Jan–Dec 2020)']);
    expect(parsePeriodKey('2020Q3', cal).label).toBe('Q3 2020 (Jul–Sep 2020)');
  });

  it('November start: Q1 2020/21 spans the turn of the year', () => {
    const cal = resolveCalendar({ fiscalYearStartMonth: 11 });
    const q = periodContaining(Date.UTC(2021, 0, 15), 'quarter', cal);
    expect([q.key, q.label]).toEqual(['2020-21Q1', 'Q1 2020/21 (Nov 2020–Jan 2021)']);
    expect(periodContaining(Date.UTC(2020, 9, 15), 'quarter', cal).key).toBe('2019-20Q4');
  });
});

describe('parsePeriodKey', () => {
  it('reads every kind of key back', () => {
    for (const key of [
      '2020-10-25T01:00+00:00',
      '2020-10-25T01:00+01:00',
      '2020-03-29',
      '2020-W13',
      '2020-06',
      '2020-21Q1',
      'FY2020-21',
      '2020-04-01..2020-06-30',
    ]) {
      expect(parsePeriodKey(key, LONDON).key).toBe(key);
    }
    expect(parsePeriodKey('2020-06', LONDON).kind).toBe('month');
  });

  it('explains what is wrong', () => {
    expect(() => parsePeriodKey('2020Q1', LONDON)).toThrow(
      '"2020Q1" does not fit this calendar, whose financial years start in April: write e.g. 2020-21Q1',
    );
    expect(() => parsePeriodKey('FY2020-22', LONDON)).toThrow('write e.g. FY2020-21');
    expect(() => parsePeriodKey('2020-13', LONDON)).toThrow(
      '"2020-13" is not a period key; keys look like 2020-10-25T01:00+01:00 (hour), 2020-03-29 (day), 2020-W13 (ISO week), 2020-06 (month), 2020-21Q1 (quarter), FY2020-21 (financial year), 2020-04-01..2020-06-30 (range)',
    );
    expect(() => parsePeriodKey('2020-W54', LONDON)).toThrow('"2020-W54": ISO year 2020 has weeks 1 to 53');
    expect(() => parsePeriodKey('2020-02-30', LONDON)).toThrow('date "2020-02-30" is not a date: use YYYY-MM-DD');
    // 01:00 GMT on 29 March 2020 is the instant the clocks went forward, shown as 02:00 BST.
    expect(() => parsePeriodKey('2020-03-29T01:00+00:00', LONDON)).toThrow(
      '"2020-03-29T01:00+00:00" is not a local hour in Europe/London; that instant is 2020-03-29T02:00+01:00',
    );
    expect(() => parsePeriodKey('last quarter', LONDON)).toThrow(PeriodInvalidError);
  });
});

describe('periodRange', () => {
  it('covers whole local days, both ends inclusive', () => {
    const r = periodRange('2020-04-01', '2020-06-30', LONDON);
    expect(r).toEqual({
      kind: 'range',
      key: '2020-04-01..2020-06-30',
      label: '1 Apr–30 Jun 2020',
      startUtcMs: parsePeriodKey('2020-21Q1', LONDON).startUtcMs,
      endUtcMs: parsePeriodKey('2020-21Q1', LONDON).endUtcMs,
    });
    expect((periodRange('2020-03-29', '2020-03-29', LONDON).endUtcMs - Date.UTC(2020, 2, 29)) / H).toBe(23);
  });

  it('the previous range has the same number of days; last year shifts the dates', () => {
    const r = periodRange('2020-04-01', '2020-06-30', LONDON);
    // Apr–Jun = 30 + 31 + 30 = 91 days; the 91 days before 1 April 2020 are Jan + Feb + Mar = 31 + 29 + 31.
    expect(previousPeriod(r, LONDON).key).toBe('2020-01-01..2020-03-31');
    // 10 days (10–19 March) → the 10 days before: 29 February to 9 March.
    expect(previousPeriod(periodRange('2020-03-10', '2020-03-19', LONDON), LONDON).key).toBe('2020-02-29..2020-03-09');
    expect(samePeriodLastYear(r, LONDON).key).toBe('2019-04-01..2019-06-30');
    expect(samePeriodLastYear(periodRange('2020-02-29', '2020-02-29', LONDON), LONDON).key).toBe(
      '2019-02-28..2019-02-28',
    );
  });

  it('refuses a reversed or impossible range', () => {
    expect(() => periodRange('2020-06-30', '2020-04-01', LONDON)).toThrow(
      'from 2020-06-30 is after to 2020-04-01: the range is inclusive, so from ≤ to',
    );
    expect(() => periodRange('2020-4-1', '2020-06-30', LONDON)).toThrow('from "2020-4-1" is not a date');
  });
});

describe('samePeriodLastYear', () => {
  it('maps 29 February to 28 February', () => {
    expect(samePeriodLastYear(parsePeriodKey('2020-02-29', LONDON), LONDON).key).toBe('2019-02-28');
  });

  it('keeps the clock hour', () => {
    expect(samePeriodLastYear(parsePeriodKey('2020-06-01T09:00+01:00', LONDON), LONDON).key).toBe(
      '2019-06-01T09:00+01:00',
    );
  });
});

describe('period properties (Europe/London, 2019–2021)', () => {
  const instant = fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2022, 0, 1) - 1 });
  const kind = fc.constantFrom(...CALENDAR_PERIOD_KINDS);
  const calendar = fc.constantFrom(
    LONDON,
    resolveCalendar({ fiscalYearStartMonth: 1 }),
    resolveCalendar({ zone: 'America/New_York', fiscalYearStartMonth: 7 }),
  );

  it('a period holds its instant, tiles time with its neighbours and parses back from its key', () => {
    fc.assert(
      fc.property(instant, kind, calendar, (t, k, cal) => {
        const p = periodContaining(t, k, cal);
        expect(p.startUtcMs).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(p.endUtcMs);
        expect(periodContaining(p.startUtcMs, k, cal)).toEqual(p);
        expect(periodContaining(p.endUtcMs - 1, k, cal)).toEqual(p);
        expect(periodContaining(p.endUtcMs, k, cal).startUtcMs).toBe(p.endUtcMs);
        expect(previousPeriod(p, cal).endUtcMs).toBe(p.startUtcMs);
        expect(parsePeriodKey(p.key, cal)).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });
});
