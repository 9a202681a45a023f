import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsToFirst,
  daysBetween,
  daysInMonth,
  isValidCivilDate,
  isoWeekMonday,
  isoWeekOf,
  isoWeekday,
  isoWeeksInYear,
  parseIsoDate,
  sameDayYearBefore,
  type CivilDate,
} from '../src/civil-date';

const date = (year: number, month: number, day: number): CivilDate => ({ year, month, day });

describe('daysInMonth', () => {
  it('gives February 29 days in leap years: every 4th, but not centuries unless divisible by 400', () => {
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
  });

  it('knows the 30- and 31-day months, and has no month 0 or 13', () => {
    expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2024, m))).toEqual([
      31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 0)).toBe(0);
    expect(daysInMonth(2024, 13)).toBe(0);
  });

  it('agrees with the proleptic Gregorian calendar of Date.UTC for every month of 1600–2400', () => {
    // Day 0 of the next month is the last day of this one.
    for (let year = 1600; year <= 2400; year++) {
      for (let month = 1; month <= 12; month++) {
        expect(daysInMonth(year, month), `${year}-${month}`).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
      }
    }
  });
});

/** Expected ISO weeks are GNU date's, e.g. `date -d 2021-01-03 +%G-W%V` → 2020-W53. */
describe('isoWeekOf', () => {
  it.each([
    [date(2019, 12, 29), 2019, 52], // Sunday
    [date(2019, 12, 30), 2020, 1], // Monday of the week holding 2 January 2020, a Thursday
    [date(2020, 12, 31), 2020, 53], // Thursday: 2020 has 53 weeks
    [date(2021, 1, 1), 2020, 53], // Friday, still in 2020's last week
    [date(2021, 1, 3), 2020, 53], // Sunday
    [date(2021, 1, 4), 2021, 1], // Monday
    [date(2024, 12, 29), 2024, 52],
    [date(2024, 12, 30), 2025, 1],
    [date(2025, 12, 29), 2026, 1],
    [date(2026, 1, 1), 2026, 1], // a Thursday 1 January is in week 1
    [date(2026, 1, 4), 2026, 1],
    [date(2016, 1, 3), 2015, 53],
    [date(2016, 1, 4), 2016, 1],
    [date(2008, 12, 29), 2009, 1],
    [date(2010, 1, 3), 2009, 53],
  ])('%o is in week %i-W%i', (d, isoYear, week) => {
    expect(isoWeekOf(d)).toEqual({ isoYear, week });
  });

  it('counts 53 weeks in years that start (or, in leap years, end) on a Thursday', () => {
    expect([2015, 2020, 2021, 2024, 2026].map(isoWeeksInYear)).toEqual([53, 53, 52, 52, 53]);
  });

  it('isoWeekMonday inverts it across the year boundary', () => {
    expect(isoWeekMonday(2020, 1)).toEqual(date(2019, 12, 30));
    expect(isoWeekMonday(2020, 53)).toEqual(date(2020, 12, 28));
    expect(isoWeekMonday(2021, 1)).toEqual(date(2021, 1, 4));
    for (let d = date(2019, 12, 1); daysBetween(d, date(2027, 1, 31)) >= 0; d = addDays(d, 1)) {
      const { isoYear, week } = isoWeekOf(d);
      expect(addDays(isoWeekMonday(isoYear, week), isoWeekday(d) - 1)).toEqual(d);
    }
  });
});

describe('addMonthsToFirst', () => {
  it.each([
    [date(2020, 1, 31), 1, date(2020, 2, 1)],
    [date(2020, 1, 15), 0, date(2020, 1, 1)],
    [date(2020, 12, 15), 1, date(2021, 1, 1)],
    [date(2020, 1, 15), -1, date(2019, 12, 1)],
    [date(2020, 1, 15), -13, date(2018, 12, 1)],
    [date(2020, 3, 31), -12, date(2019, 3, 1)],
    [date(2020, 11, 30), 26, date(2023, 1, 1)],
  ])('%o + %i months → %o', (d, months, expected) => {
    expect(addMonthsToFirst(d, months)).toEqual(expected);
  });
});

describe('parseIsoDate', () => {
  it('reads a strict YYYY-MM-DD naming a real date', () => {
    expect(parseIsoDate('2024-02-29')).toEqual(date(2024, 2, 29));
    expect(parseIsoDate('2000-02-29')).toEqual(date(2000, 2, 29));
    expect(parseIsoDate('2021-12-31')).toEqual(date(2021, 12, 31));
  });

  it.each([
    '2021-02-29', // 2021 is not a leap year
    '1900-02-29', // nor is 1900
    '2021-04-31',
    '2021-13-01',
    '2021-00-10',
    '2021-01-00',
    '2021-1-05',
    '21-01-05',
    '2021-01-05T00:00',
    ' 2021-01-05',
    '20210105',
    '',
  ])('rejects %j', (text) => {
    expect(parseIsoDate(text)).toBeNull();
  });
});

describe('other date arithmetic', () => {
  it('addDays and daysBetween cross leap days and years', () => {
    expect(addDays(date(2024, 2, 28), 1)).toEqual(date(2024, 2, 29));
    expect(addDays(date(2023, 2, 28), 1)).toEqual(date(2023, 3, 1));
    expect(addDays(date(2021, 1, 1), -1)).toEqual(date(2020, 12, 31));
    expect(daysBetween(date(2024, 1, 1), date(2025, 1, 1))).toBe(366);
    expect(daysBetween(date(2023, 1, 1), date(2024, 1, 1))).toBe(365);
  });

  it('sameDayYearBefore turns 29 February into 28 February', () => {
    expect(sameDayYearBefore(date(2024, 2, 29))).toEqual(date(2023, 2, 28));
    expect(sameDayYearBefore(date(2025, 3, 1))).toEqual(date(2024, 3, 1));
  });

  it('isValidCivilDate checks the month and the day against the month', () => {
    expect(isValidCivilDate(date(2024, 2, 29))).toBe(true);
    expect(isValidCivilDate(date(2023, 2, 29))).toBe(false);
    expect(isValidCivilDate(date(2023, 0, 1))).toBe(false);
    expect(isValidCivilDate(date(2023, 6, 0))).toBe(false);
  });
});
