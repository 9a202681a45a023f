import { UsageError } from '@cdrflow/errors';
import type { WallClock } from './local-time';
import { daysInMonth } from './civil-date';

/** Reads one text value into a wall-clock time, or null when it does not fit the pattern. */
export type WallClockReader = (text: string) => WallClock | null;

/** A source's `timeFormat` pattern that cannot be compiled. */
export class TimePatternError extends UsageError {
  override readonly name = 'TimePatternError';
  readonly code = 'time_pattern_invalid';
  constructor(
    readonly pattern: string,
    detail: string,
  ) {
    super(`time format ${JSON.stringify(pattern)} ${detail}`);
  }
}

type Field = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm';

/** date-fns token → what it reads, the regex for it, and its width when fixed (null: 1 or 2 digits). */
const TOKENS: Record<string, { field: Field; re: string; width: number | null }> = {
  yyyy: { field: 'year', re: '(\\d{4})', width: 4 },
  yy: { field: 'year2', re: '(\\d{2})', width: 2 },
  MM: { field: 'month', re: '(\\d{2})', width: 2 },
  M: { field: 'month', re: '(\\d{1,2})', width: null },
  dd: { field: 'day', re: '(\\d{2})', width: 2 },
  d: { field: 'day', re: '(\\d{1,2})', width: null },
  HH: { field: 'hour', re: '(\\d{2})', width: 2 },
  H: { field: 'hour', re: '(\\d{1,2})', width: null },
  hh: { field: 'hour12', re: '(\\d{2})', width: 2 },
  h: { field: 'hour12', re: '(\\d{1,2})', width: null },
  mm: { field: 'minute', re: '(\\d{2})', width: 2 },
  m: { field: 'minute', re: '(\\d{1,2})', width: null },
  ss: { field: 'second', re: '(\\d{2})', width: 2 },
  s: { field: 'second', re: '(\\d{1,2})', width: null },
  SSS: { field: 'fraction', re: '(\\d{3})', width: 3 },
  SS: { field: 'fraction', re: '(\\d{2})', width: 2 },
  S: { field: 'fraction', re: '(\\d)', width: 1 },
  a: { field: 'ampm', re: '([AaPp][Mm])', width: 2 },
};

export const SUPPORTED_TIME_TOKENS = Object.keys(TOKENS);

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A pattern cut into literal text and tokens. */
type Segment = { literal: string } | { field: Field; re: string; width: number | null };

function segmentsOf(pattern: string): Segment[] {
  const segments: Segment[] = [];
  const fields: Field[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        segments.push({ literal: "'" });
        i += 2;
        continue;
      }
      const close = pattern.indexOf("'", i + 1);
      if (close === -1) throw new TimePatternError(pattern, 'has an unclosed quoted text');
      segments.push({ literal: pattern.slice(i + 1, close) });
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
      segments.push(spec);
      i = j;
      continue;
    }
    segments.push({ literal: c });
    i += 1;
  }
  const has = (f: Field) => fields.includes(f);
  if (!has('year') && !has('year2')) throw new TimePatternError(pattern, 'has no year (yyyy or yy)');
  if (!has('month') || !has('day')) throw new TimePatternError(pattern, 'needs a month (MM) and a day (dd)');
  if (has('hour12') !== has('ampm'))
    throw new TimePatternError(pattern, 'must use hh together with a (AM/PM), or HH alone');
  if (has('hour') && has('hour12')) throw new TimePatternError(pattern, 'reads the hour twice');
  return segments;
}

/** The checks every reading ends with: a real calendar date and clock time. */
function checked(clock: WallClock, pm: boolean | null): WallClock | null {
  if (pm !== null) {
    if (clock.hour < 1 || clock.hour > 12) return null;
    clock.hour = (clock.hour % 12) + (pm ? 12 : 0);
  }
  if (clock.month < 1 || clock.month > 12) return null;
  if (clock.day < 1 || clock.day > daysInMonth(clock.year, clock.month)) return null;
  if (clock.hour > 23 || clock.minute > 59 || clock.second > 59) return null;
  return clock;
}

/** The value as `String.prototype.trim` leaves it, without a call when its ends are printable ASCII. */
function trimmed(text: string): string {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? text : text.trim();
}

/** Year, month, day, hour, minute, second, millisecond. */
type Fields = [number, number, number, number, number, number, number];

/** Reads text into wall-clock fields, or NaN when it does not fit: the wall time as if it were UTC, in ms. */
export type NaiveTimeReader = (text: string) => number;

/**
 * Compiles a date-fns-style format (the common subset: yyyy yy MM M dd d HH H
 * hh h mm m ss s SSS SS S a, text in single quotes, `''` for a quote) into a
 * reader, once per source. A pattern of fixed-width tokens only (every
 * pattern without M d H h m s, e.g. `dd/MM/yyyy HH:mm:ss`) is read by
 * position, character by character; any other by one regex
 * (compileTimePatternRegex), whose answers the positional reader gives
 * exactly (property-tested). Why not date-fns `parse`: measured at ~155k
 * values/s here (three per row makes it the bottleneck of a 240k rows/s
 * reader), and it returns a Date in the process's zone, which would have to
 * be read back into wall-clock fields before applying the source's zone
 * anyway. The regex, in turn, was a quarter of the mapped reader's time.
 */
export function compileTimePattern(pattern: string): WallClockReader {
  const segments = segmentsOf(pattern);
  const fields = positionalFields(segments);
  if (fields === null) return regexReader(segments);
  const f: Fields = [0, 0, 0, 0, 0, 0, 0];
  return (text) =>
    fields(text, f)
      ? { year: f[0], month: f[1], day: f[2], hour: f[3], minute: f[4], second: f[5], millisecond: f[6] }
      : null;
}

/**
 * The same reading as compileTimePattern, straight to `Date.UTC` of the
 * fields (NaN when the text does not fit), with no object per value: what
 * the row readers use, three times a row.
 */
export function compileNaiveTimePattern(pattern: string): NaiveTimeReader {
  const segments = segmentsOf(pattern);
  const fields = positionalFields(segments);
  if (fields === null) {
    const read = regexReader(segments);
    return (text) => {
      const c = read(text);
      return c === null
        ? Number.NaN
        : Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, c.millisecond ?? 0);
    };
  }
  const f: Fields = [0, 0, 0, 0, 0, 0, 0];
  return (text) => (fields(text, f) ? Date.UTC(f[0], f[1] - 1, f[2], f[3], f[4], f[5], f[6]) : Number.NaN);
}

/** The regex reader for any pattern: the reference the positional reader is tested against. */
export function compileTimePatternRegex(pattern: string): WallClockReader {
  return regexReader(segmentsOf(pattern));
}

function regexReader(segments: readonly Segment[]): WallClockReader {
  const tokens: Array<{ field: Field; width: number | null }> = [];
  let re = '^';
  for (const s of segments) {
    if ('literal' in s) {
      re += escapeRegex(s.literal);
    } else {
      tokens.push(s);
      re += s.re;
    }
  }
  const regex = new RegExp(`${re}$`);

  return (text) => {
    const m = regex.exec(text.trim());
    if (m === null) return null;
    const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
    let pm: boolean | null = null;
    for (let k = 0; k < tokens.length; k++) {
      const { field, width } = tokens[k] as (typeof tokens)[number];
      const v = m[k + 1] ?? '';
      if (field === 'ampm') pm = v.toLowerCase() === 'pm';
      else setField(clock, field, Number(v), width ?? v.length);
    }
    return checked(clock, pm);
  };
}

/** Puts a token's number where it goes; a fraction of `width` digits becomes milliseconds. */
function setField(clock: WallClock, field: Exclude<Field, 'ampm'>, v: number, width: number): void {
  switch (field) {
    case 'year':
      clock.year = v;
      break;
    case 'year2':
      clock.year = 2000 + v;
      break;
    case 'month':
      clock.month = v;
      break;
    case 'day':
      clock.day = v;
      break;
    case 'hour':
    case 'hour12':
      clock.hour = v;
      break;
    case 'minute':
      clock.minute = v;
      break;
    case 'second':
      clock.second = v;
      break;
    case 'fraction':
      clock.millisecond = v * (width === 1 ? 100 : width === 2 ? 10 : 1);
      break;
  }
}

/**
 * Reads a fixed-width pattern by position: the text (trimmed, as the regex
 * reads it) must have the pattern's length, each literal character in its
 * place and ASCII digits (`\d`) where a number goes. Fills `f` with year,
 * month, day, hour (0–23), minute, second, millisecond, after the same
 * checks as the regex reader; false when the text does not fit. Null for a
 * pattern with a variable-width token.
 */
function positionalFields(segments: readonly Segment[]): ((text: string, f: Fields) => boolean) | null {
  if (!segments.every((s) => 'literal' in s || s.width !== null)) return null;
  // One entry per character of the pattern: a literal char code, -1 for a digit, -2/-3 for the two letters of AM/PM.
  const expect: number[] = [];
  const numbers: Array<{ field: Exclude<Field, 'ampm'>; at: number; width: number }> = [];
  let ampmAt = -1;
  for (const s of segments) {
    if ('literal' in s) {
      for (let i = 0; i < s.literal.length; i++) expect.push(s.literal.charCodeAt(i));
    } else if (s.field === 'ampm') {
      ampmAt = expect.length;
      expect.push(-2, -3);
    } else {
      const width = s.width ?? 0;
      numbers.push({ field: s.field, at: expect.length, width });
      for (let i = 0; i < width; i++) expect.push(-1);
    }
  }
  const length = expect.length;
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };

  return (text, f) => {
    const t = trimmed(text);
    if (t.length !== length) return false;
    for (let i = 0; i < length; i++) {
      const want = expect[i] as number;
      const c = t.charCodeAt(i);
      if (want >= 0) {
        if (c !== want) return false;
      } else if (want === -1) {
        if (c < 0x30 || c > 0x39) return false;
      } else if (want === -2) {
        if (c !== 0x41 && c !== 0x61 && c !== 0x50 && c !== 0x70) return false; // A a P p
      } else if (c !== 0x4d && c !== 0x6d) {
        return false; // M m
      }
    }
    clock.year = 0;
    clock.month = 0;
    clock.day = 0;
    clock.hour = 0;
    clock.minute = 0;
    clock.second = 0;
    clock.millisecond = 0;
    for (const n of numbers) {
      let v = 0;
      for (let i = n.at; i < n.at + n.width; i++) v = v * 10 + (t.charCodeAt(i) - 0x30);
      setField(clock, n.field, v, n.width);
    }
    const pm = ampmAt === -1 ? null : (t.charCodeAt(ampmAt) | 0x20) === 0x70;
    if (checked(clock, pm) === null) return false;
    f[0] = clock.year;
    f[1] = clock.month;
    f[2] = clock.day;
    f[3] = clock.hour;
    f[4] = clock.minute;
    f[5] = clock.second;
    f[6] = clock.millisecond ?? 0;
    return true;
  };
}
