export {
  UnknownTimeZoneError,
  assertTimeZone,
  isAmbiguous,
  utcToWallClock,
  wallClockToUtc,
  zoneOffsetMs,
} from './local-time';
export type { Disambiguation, WallClock } from './local-time';
export {
  MONTH_ABBREVIATIONS,
  MONTH_NAMES,
  addDays,
  addMonthsToFirst,
  compareCivil,
  dateSpan,
  daysBetween,
  daysInMonth,
  isValidCivilDate,
  isoDate,
  isoWeekMonday,
  isoWeekOf,
  isoWeekday,
  isoWeeksInYear,
  longDate,
  monthName,
  monthSpan,
  parseIsoDate,
  sameDayYearBefore,
} from './civil-date';
export type { CivilDate } from './civil-date';
export {
  SUPPORTED_TIME_TOKENS,
  TimePatternError,
  compileNaiveTimePattern,
  compileTimePattern,
  compileTimePatternRegex,
} from './time-pattern';
export type { NaiveTimeReader, WallClockReader } from './time-pattern';
export { createTimeReader, localTimeConverter, readTimeAfter } from './time-reader';
export type { LocalTimeConverter, TimeReader } from './time-reader';
