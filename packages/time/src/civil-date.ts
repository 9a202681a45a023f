/**
 * Calendar-date arithmetic with no time zone: a date is a day on the local
 * calendar, and Date.UTC is used only as a day counter. Kept apart from
 * instants so no code path can read the process's own zone (date-fns would
 * work on `Date` in the process zone, which differs between machines).
 */
export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

export const MONTH_ABBREVIATIONS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const WEEKDAY_ABBREVIATIONS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function toDayNumber(d: CivilDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

function fromDayNumber(n: number): CivilDate {
  const date = new Date(n * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function addDays(d: CivilDate, days: number): CivilDate {
  return fromDayNumber(toDayNumber(d) + days);
}

/** First day of the month `months` after d's month (negative goes back). */
export function addMonthsToFirst(d: CivilDate, months: number): CivilDate {
  const index = d.year * 12 + (d.month - 1) + months;
  return { year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1, day: 1 };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A table, not `new Date(...)`: the time readers call this for every time of every row. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

export function isValidCivilDate(d: CivilDate): boolean {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

/** The same month and day a year earlier; 29 February becomes 28 February. */
export function sameDayYearBefore(d: CivilDate): CivilDate {
  const year = d.year - 1;
  return { year, month: d.month, day: Math.min(d.day, daysInMonth(year, d.month)) };
}

/** 1 = Monday … 7 = Sunday (ISO 8601). */
export function isoWeekday(d: CivilDate): number {
  const jsDay = new Date(toDayNumber(d) * DAY_MS).getUTCDay();
  return jsDay === 0 ? 7 : jsDay;
}

/** ISO week-numbering year and week of a date (the week belongs to the year holding its Thursday). */
export function isoWeekOf(d: CivilDate): { isoYear: number; week: number } {
  const thursday = addDays(d, 4 - isoWeekday(d));
  const week = Math.floor((toDayNumber(thursday) - toDayNumber({ year: thursday.year, month: 1, day: 1 })) / 7) + 1;
  return { isoYear: thursday.year, week };
}

/** Monday of ISO week `week` of `isoYear`. */
export function isoWeekMonday(isoYear: number, week: number): CivilDate {
  // 4 January is always in week 1.
  const jan4: CivilDate = { year: isoYear, month: 1, day: 4 };
  return addDays(jan4, 1 - isoWeekday(jan4) + (week - 1) * 7);
}

export function isoWeeksInYear(isoYear: number): number {
  return isoWeekOf({ year: isoYear, month: 12, day: 28 }).week;
}

export function compareCivil(a: CivilDate, b: CivilDate): number {
  return toDayNumber(a) - toDayNumber(b);
}

export function daysBetween(from: CivilDate, to: CivilDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** YYYY-MM-DD */
export function isoDate(d: CivilDate): string {
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

export function monthName(month: number): string {
  return MONTH_ABBREVIATIONS[month - 1] ?? '?';
}

/** "Sun 29 Mar 2020" */
export function longDate(d: CivilDate): string {
  return `${WEEKDAY_ABBREVIATIONS[isoWeekday(d) - 1] ?? '?'} ${d.day} ${monthName(d.month)} ${d.year}`;
}

/** "23–29 Mar 2020", "30 Mar–5 Apr 2020", "28 Dec 2020–3 Jan 2021" (both ends inclusive). */
export function dateSpan(first: CivilDate, last: CivilDate): string {
  if (first.year !== last.year) {
    return `${first.day} ${monthName(first.month)} ${first.year}–${last.day} ${monthName(last.month)} ${last.year}`;
  }
  if (first.month !== last.month) {
    return `${first.day} ${monthName(first.month)}–${last.day} ${monthName(last.month)} ${last.year}`;
  }
  return `${first.day}–${last.day} ${monthName(last.month)} ${last.year}`;
}

/** "Apr–Jun 2020", "Nov 2020–Jan 2021" for the months from `first` to `last` inclusive. */
export function monthSpan(first: CivilDate, last: CivilDate): string {
  if (first.year !== last.year) {
    return `${monthName(first.month)} ${first.year}–${monthName(last.month)} ${last.year}`;
  }
  return `${monthName(first.month)}–${monthName(last.month)} ${last.year}`;
}

/** Parses a strict YYYY-MM-DD that names a real date; null otherwise. */
export function parseIsoDate(text: string): CivilDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidCivilDate(d) ? d : null;
}
