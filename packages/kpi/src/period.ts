import { UsageError } from '@cdrflow/errors';
import { utcToWallClock, wallClockToUtc, zoneOffsetMs } from '@cdrflow/time';
import type { Calendar } from './calendar';
import {
  addDays,
  addMonthsToFirst,
  compareCivil,
  dateSpan,
  daysBetween,
  isoDate,
  isoWeekMonday,
  isoWeekOf,
  isoWeeksInYear,
  MONTH_NAMES,
  longDate,
  monthName,
  monthSpan,
  parseIsoDate,
  sameDayYearBefore,
  type CivilDate,
} from '@cdrflow/time';
import { fiscalPositionOf, fiscalQuarterStart, fiscalYearName } from './fiscal-year';

/** `quarter` and `fiscal_year` follow the calendar's financial year. */
export const CALENDAR_PERIOD_KINDS = ['hour', 'day', 'week', 'month', 'quarter', 'fiscal_year'] as const;
export type CalendarPeriodKind = (typeof CALENDAR_PERIOD_KINDS)[number];
/** `range` is a run of whole local days chosen by the user (periodRange). */
export type PeriodKind = CalendarPeriodKind | 'range';

/**
 * A half-open span [startUtcMs, endUtcMs) of the local calendar. Boundaries
 * are local wall-clock times, so a day is 23 or 25 hours long on DST change
 * days. `key` is unique per kind and calendar and parses back (parsePeriodKey).
 */
export interface Period {
  kind: PeriodKind;
  key: string;
  label: string;
  startUtcMs: number;
  endUtcMs: number;
}

/** A period, date or period key asked for that does not exist or does not parse. */
export class PeriodInvalidError extends UsageError {
  override readonly name = 'PeriodInvalidError';
  readonly code = 'period_invalid';
}

const HOUR_MS = 3_600_000;
const pad2 = (n: number): string => String(n).padStart(2, '0');

type DayAlignedKind = Exclude<CalendarPeriodKind, 'hour'>;

function localMidnightUtc(d: CivilDate, zone: string): number {
  // A midnight skipped by a DST jump is read as the instant of the jump (the @cdrflow/time gap rule).
  return wallClockToUtc({ year: d.year, month: d.month, day: d.day, hour: 0, minute: 0, second: 0 }, zone);
}

/** First local day of the period of `kind` holding `date`. */
function firstDayOf(kind: DayAlignedKind, date: CivilDate, calendar: Calendar): CivilDate {
  switch (kind) {
    case 'day':
      return date;
    case 'week': {
      const { isoYear, week } = isoWeekOf(date);
      return isoWeekMonday(isoYear, week);
    }
    case 'month':
      return { year: date.year, month: date.month, day: 1 };
    case 'quarter': {
      const { startYear, quarter } = fiscalPositionOf(date, calendar.fiscalYearStartMonth);
      return fiscalQuarterStart(startYear, quarter, calendar.fiscalYearStartMonth);
    }
    case 'fiscal_year': {
      const { startYear } = fiscalPositionOf(date, calendar.fiscalYearStartMonth);
      return fiscalQuarterStart(startYear, 1, calendar.fiscalYearStartMonth);
    }
  }
}

function nextFirstDay(kind: DayAlignedKind, first: CivilDate): CivilDate {
  switch (kind) {
    case 'day':
      return addDays(first, 1);
    case 'week':
      return addDays(first, 7);
    case 'month':
      return addMonthsToFirst(first, 1);
    case 'quarter':
      return addMonthsToFirst(first, 3);
    case 'fiscal_year':
      return addMonthsToFirst(first, 12);
  }
}

function keyAndLabel(kind: DayAlignedKind, first: CivilDate, calendar: Calendar): { key: string; label: string } {
  const startMonth = calendar.fiscalYearStartMonth;
  switch (kind) {
    case 'day':
      return { key: isoDate(first), label: longDate(first) };
    case 'week': {
      const { isoYear, week } = isoWeekOf(first);
      return {
        key: `${isoYear}-W${pad2(week)}`,
        label: `Week ${week} of ${isoYear} (${dateSpan(first, addDays(first, 6))})`,
      };
    }
    case 'month':
      return { key: `${first.year}-${pad2(first.month)}`, label: `${monthName(first.month)} ${first.year}` };
    case 'quarter': {
      const { startYear, quarter } = fiscalPositionOf(first, startMonth);
      return {
        key: `${fiscalYearName(startYear, startMonth, '-')}Q${quarter}`,
        label: `Q${quarter} ${fiscalYearName(startYear, startMonth, '/')} (${monthSpan(first, addMonthsToFirst(first, 2))})`,
      };
    }
    case 'fiscal_year': {
      const { startYear } = fiscalPositionOf(first, startMonth);
      return {
        key: `FY${fiscalYearName(startYear, startMonth, '-')}`,
        label: `Financial year ${fiscalYearName(startYear, startMonth, '/')} (${monthSpan(first, addMonthsToFirst(first, 11))})`,
      };
    }
  }
}

function dayAlignedPeriod(kind: DayAlignedKind, first: CivilDate, calendar: Calendar): Period {
  return {
    kind,
    ...keyAndLabel(kind, first, calendar),
    startUtcMs: localMidnightUtc(first, calendar.zone),
    endUtcMs: localMidnightUtc(nextFirstDay(kind, first), calendar.zone),
  };
}

function offsetText(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / 60_000;
  return `${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/**
 * The local clock hour holding utcMs. The key carries the UTC offset because
 * the hour before the clocks go back happens twice: 2020-10-25T01:00+01:00
 * and 2020-10-25T01:00+00:00 are different hours. Assumes, as holds for every
 * zone with whole- or half-hour DST shifts, that offsets change only on a
 * local hour boundary.
 */
function hourContaining(utcMs: number, zone: string): Period {
  const offset = zoneOffsetMs(zone, utcMs);
  const local = utcMs + offset;
  const localHourStart = Math.floor(local / HOUR_MS) * HOUR_MS;
  const startUtcMs = localHourStart - offset;
  const wall = new Date(localHourStart);
  const date: CivilDate = { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
  const hh = pad2(wall.getUTCHours());
  return {
    kind: 'hour',
    key: `${isoDate(date)}T${hh}:00${offsetText(offset)}`,
    label: `${longDate(date)} ${hh}:00 (UTC${offsetText(offset)})`,
    startUtcMs,
    endUtcMs: startUtcMs + HOUR_MS,
  };
}

function localDateOf(utcMs: number, zone: string): CivilDate {
  const wall = utcToWallClock(utcMs, zone);
  return { year: wall.year, month: wall.month, day: wall.day };
}

/** The period of `kind` in which the instant falls; a contact belongs to the period in which it arrived. */
export function periodContaining(utcMs: number, kind: CalendarPeriodKind, calendar: Calendar): Period {
  if (kind === 'hour') return hourContaining(utcMs, calendar.zone);
  let first = firstDayOf(kind, localDateOf(utcMs, calendar.zone), calendar);
  let period = dayAlignedPeriod(kind, first, calendar);
  // Where clocks go back across midnight the repeated hour reads as the
  // previous date but lies after that date's end: it belongs to the next period.
  while (utcMs >= period.endUtcMs) {
    first = nextFirstDay(kind, first);
    period = dayAlignedPeriod(kind, first, calendar);
  }
  while (utcMs < period.startUtcMs) {
    first = firstDayOf(kind, addDays(first, -1), calendar);
    period = dayAlignedPeriod(kind, first, calendar);
  }
  return period;
}

function rangePeriod(from: CivilDate, to: CivilDate, calendar: Calendar): Period {
  return {
    kind: 'range',
    key: `${isoDate(from)}..${isoDate(to)}`,
    label: dateSpan(from, to),
    startUtcMs: localMidnightUtc(from, calendar.zone),
    endUtcMs: localMidnightUtc(addDays(to, 1), calendar.zone),
  };
}

function parseDateOrThrow(text: string, what: string): CivilDate {
  const d = parseIsoDate(text);
  if (d === null) throw new PeriodInvalidError(`${what} ${JSON.stringify(text)} is not a date: use YYYY-MM-DD`);
  return d;
}

/** Whole local days from `fromLocalDate` to `toLocalDate`, both inclusive ('YYYY-MM-DD'). */
export function periodRange(fromLocalDate: string, toLocalDate: string, calendar: Calendar): Period {
  const from = parseDateOrThrow(fromLocalDate, 'from');
  const to = parseDateOrThrow(toLocalDate, 'to');
  if (compareCivil(from, to) > 0) {
    throw new PeriodInvalidError(
      `from ${fromLocalDate} is after to ${toLocalDate}: the range is inclusive, so from ≤ to`,
    );
  }
  return rangePeriod(from, to, calendar);
}

function rangeEnds(period: Period): { from: CivilDate; to: CivilDate } {
  const [fromText = '', toText = ''] = period.key.split('..');
  return { from: parseDateOrThrow(fromText, 'range start'), to: parseDateOrThrow(toText, 'range end') };
}

/** The period just before: for a range, the same number of days ending the day before it starts. */
export function previousPeriod(period: Period, calendar: Calendar): Period {
  if (period.kind === 'range') {
    const { from, to } = rangeEnds(period);
    const days = daysBetween(from, to) + 1;
    return rangePeriod(addDays(from, -days), addDays(from, -1), calendar);
  }
  return periodContaining(period.startUtcMs - 1, period.kind, calendar);
}

/**
 * The comparable period a year earlier. Weeks compare by ISO week number
 * (week 53 maps to week 52 when the earlier year has none); days and ranges by
 * date (29 February maps to 28 February); hours by date and clock hour.
 */
export function samePeriodLastYear(period: Period, calendar: Calendar): Period {
  const zone = calendar.zone;
  switch (period.kind) {
    case 'range': {
      const { from, to } = rangeEnds(period);
      return rangePeriod(sameDayYearBefore(from), sameDayYearBefore(to), calendar);
    }
    case 'hour': {
      const wall = utcToWallClock(period.startUtcMs, zone);
      const date = sameDayYearBefore(wall);
      const utc = wallClockToUtc({ ...date, hour: wall.hour, minute: 0, second: 0 }, zone);
      return periodContaining(utc, 'hour', calendar);
    }
    case 'week': {
      const { isoYear, week } = isoWeekOf(localDateOf(period.startUtcMs, zone));
      const monday = isoWeekMonday(isoYear - 1, Math.min(week, isoWeeksInYear(isoYear - 1)));
      return dayAlignedPeriod('week', monday, calendar);
    }
    default: {
      const first = sameDayYearBefore(localDateOf(period.startUtcMs, zone));
      return dayAlignedPeriod(period.kind, firstDayOf(period.kind, first, calendar), calendar);
    }
  }
}

function keyFormats(calendar: Calendar): string {
  const fy = expectedFiscalName(2020, calendar);
  return (
    `2020-10-25T01:00+01:00 (hour), 2020-03-29 (day), 2020-W13 (ISO week), 2020-06 (month), ` +
    `${fy}Q1 (quarter), FY${fy} (financial year), 2020-04-01..2020-06-30 (range)`
  );
}

function expectedFiscalName(startYear: number, calendar: Calendar): string {
  return fiscalYearName(startYear, calendar.fiscalYearStartMonth, '-');
}

/** Start year of a financial-year name ("2020-21" or "2020"), checked against the calendar's start month. */
function fiscalStartYear(name: string, calendar: Calendar, key: string, example: (fyName: string) => string): number {
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(name);
  const startYear = Number(m?.[1]);
  if (m === null || expectedFiscalName(startYear, calendar) !== name) {
    const startsIn = MONTH_NAMES[calendar.fiscalYearStartMonth - 1] ?? '?';
    throw new PeriodInvalidError(
      `${JSON.stringify(key)} does not fit this calendar, whose financial years start in ${startsIn}: ` +
        `write e.g. ${example(expectedFiscalName(startYear, calendar))}`,
    );
  }
  return startYear;
}

/** The period a key names; the inverse of `Period.key` for the same calendar. */
export function parsePeriodKey(key: string, calendar: Calendar): Period {
  const invalid = (): PeriodInvalidError =>
    new PeriodInvalidError(`${JSON.stringify(key)} is not a period key; keys look like ${keyFormats(calendar)}`);
  let m: RegExpExecArray | null;

  if ((m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(key)) !== null) {
    return periodRange(m[1] ?? '', m[2] ?? '', calendar);
  }
  if ((m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):00([+-])(\d{2}):(\d{2})$/.exec(key)) !== null) {
    const date = parseDateOrThrow(m[1] ?? '', 'date');
    const offsetMs = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * HOUR_MS + Number(m[5]) * 60_000);
    const utc = Date.UTC(date.year, date.month - 1, date.day, Number(m[2])) - offsetMs;
    const period = hourContaining(utc, calendar.zone);
    if (period.key !== key) {
      throw new PeriodInvalidError(
        `${JSON.stringify(key)} is not a local hour in ${calendar.zone}; that instant is ${period.key}`,
      );
    }
    return period;
  }
  if ((m = /^\d{4}-\d{2}-\d{2}$/.exec(key)) !== null) {
    return dayAlignedPeriod('day', parseDateOrThrow(key, 'date'), calendar);
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(key)) !== null) {
    const isoYear = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > isoWeeksInYear(isoYear)) {
      throw new PeriodInvalidError(
        `${JSON.stringify(key)}: ISO year ${isoYear} has weeks 1 to ${isoWeeksInYear(isoYear)}`,
      );
    }
    return dayAlignedPeriod('week', isoWeekMonday(isoYear, week), calendar);
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(key)) !== null) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw invalid();
    return dayAlignedPeriod('month', { year: Number(m[1]), month, day: 1 }, calendar);
  }
  if ((m = /^(\d{4}(?:-\d{2})?)Q([1-4])$/.exec(key)) !== null) {
    const quarter = Number(m[2]);
    const startYear = fiscalStartYear(m[1] ?? '', calendar, key, (fy) => `${fy}Q${quarter}`);
    const first = fiscalQuarterStart(startYear, quarter, calendar.fiscalYearStartMonth);
    return dayAlignedPeriod('quarter', first, calendar);
  }
  if ((m = /^FY(\d{4}(?:-\d{2})?)$/.exec(key)) !== null) {
    const startYear = fiscalStartYear(m[1] ?? '', calendar, key, (fy) => `FY${fy}`);
    return dayAlignedPeriod('fiscal_year', fiscalQuarterStart(startYear, 1, calendar.fiscalYearStartMonth), calendar);
  }
  throw invalid();
}
