import type { WallClock } from '@cdrflow/time';

/** Reads one text value into a wall-clock time, or null when it does not fit the pattern. */
export type WallClockReader = (text: string) => WallClock | null;

export class TimePatternError extends Error {
  override readonly name = 'TimePatternError';
  constructor(
    readonly pattern: string,
    detail: string,
  ) {
    super(`time format ${JSON.stringify(pattern)} ${detail}`);
  }
}

type Field = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm';

/** date-fns token → what it reads and the regex for it. */
const TOKENS: Record<string, { field: Field; re: string }> = {
  yyyy: { field: 'year', re: '(\\d{4})' },
  yy: { field: 'year2', re: '(\\d{2})' },
  MM: { field: 'month', re: '(\\d{2})' },
  M: { field: 'month', re: '(\\d{1,2})' },
  dd: { field: 'day', re: '(\\d{2})' },
  d: { field: 'day', re: '(\\d{1,2})' },
  HH: { field: 'hour', re: '(\\d{2})' },
  H: { field: 'hour', re: '(\\d{1,2})' },
  hh: { field: 'hour12', re: '(\\d{2})' },
  h: { field: 'hour12', re: '(\\d{1,2})' },
  mm: { field: 'minute', re: '(\\d{2})' },
  m: { field: 'minute', re: '(\\d{1,2})' },
  ss: { field: 'second', re: '(\\d{2})' },
  s: { field: 'second', re: '(\\d{1,2})' },
  SSS: { field: 'fraction', re: '(\\d{3})' },
  SS: { field: 'fraction', re: '(\\d{2})' },
  S: { field: 'fraction', re: '(\\d)' },
  a: { field: 'ampm', re: '([AaPp][Mm])' },
};

export const SUPPORTED_TIME_TOKENS = Object.keys(TOKENS);

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A table, not `new Date(...)`: this runs for every time of every row. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

/**
 * Compiles a date-fns-style format (the common subset: yyyy yy MM M dd d HH H
 * hh h mm m ss s SSS SS S a, text in single quotes, `''` for a quote) into one
 * regex, once per source. Why not date-fns `parse`: measured at ~155k values/s
 * here (three per row makes it the bottleneck of a 240k rows/s reader), and it
 * returns a Date in the process's zone, which would have to be read back into
 * wall-clock fields before applying the source's zone anyway.
 */
export function compileTimePattern(pattern: string): WallClockReader {
  const fields: Field[] = [];
  let re = '^';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        re += "'";
        i += 2;
        continue;
      }
      const close = pattern.indexOf("'", i + 1);
      if (close === -1) throw new TimePatternError(pattern, 'has an unclosed quoted text');
      re += escapeRegex(pattern.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern.charAt(j) === c) j += 1;
      const token = pattern.slice(i, j);
      const spec = TOKENS[token];
      if (spec === undefined) {
        throw new TimePatternError(
          pattern,
          `uses ${JSON.stringify(token)}, which is not supported: use ${SUPPORTED_TIME_TOKENS.join(' ')}, text in single quotes, or 'iso', 'epoch_s', 'epoch_ms'`,
        );
      }
      if (fields.includes(spec.field)) throw new TimePatternError(pattern, `reads ${spec.field} twice`);
      fields.push(spec.field);
      re += spec.re;
      i = j;
      continue;
    }
    re += escapeRegex(c);
    i += 1;
  }
  re += '$';
  const has = (f: Field) => fields.includes(f);
  if (!has('year') && !has('year2')) throw new TimePatternError(pattern, 'has no year (yyyy or yy)');
  if (!has('month') || !has('day')) throw new TimePatternError(pattern, 'needs a month (MM) and a day (dd)');
  if (has('hour12') !== has('ampm'))
    throw new TimePatternError(pattern, 'must use hh together with a (AM/PM), or HH alone');
  if (has('hour') && has('hour12')) throw new TimePatternError(pattern, 'reads the hour twice');
  const regex = new RegExp(re);

  return (text) => {
    const m = regex.exec(text.trim());
    if (m === null) return null;
    const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
    let pm: boolean | null = null;
    for (let k = 0; k < fields.length; k += 1) {
      const v = m[k + 1] ?? '';
      switch (fields[k]) {
        case 'year':
          clock.year = Number(v);
          break;
        case 'year2':
          clock.year = 2000 + Number(v);
          break;
        case 'month':
          clock.month = Number(v);
          break;
        case 'day':
          clock.day = Number(v);
          break;
        case 'hour':
        case 'hour12':
          clock.hour = Number(v);
          break;
        case 'minute':
          clock.minute = Number(v);
          break;
        case 'second':
          clock.second = Number(v);
          break;
        case 'fraction':
          clock.millisecond = Number(v.padEnd(3, '0'));
          break;
        case 'ampm':
          pm = v.toLowerCase() === 'pm';
          break;
        case undefined:
          break;
      }
    }
    if (pm !== null) {
      if (clock.hour < 1 || clock.hour > 12) return null;
      clock.hour = (clock.hour % 12) + (pm ? 12 : 0);
    }
    if (clock.month < 1 || clock.month > 12) return null;
    if (clock.day < 1 || clock.day > daysInMonth(clock.year, clock.month)) return null;
    if (clock.hour > 23 || clock.minute > 59 || clock.second > 59) return null;
    return clock;
  };
}
