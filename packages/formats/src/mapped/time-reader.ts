import { wallClockToUtc, type Disambiguation, type WallClock } from '@cdrflow/time';
import { compileTimePattern, daysInMonth } from './time-pattern';

/** Text → UTC epoch ms, or null when unreadable. `disambiguation` only matters for local times in an autumn overlap. */
export type TimeReader = (text: string, disambiguation?: Disambiguation) => number | null;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;
const EPOCH_S = /^\d+(?:\.\d+)?$/;
const EPOCH_MS = /^\d+$/;

function validClock(c: WallClock): boolean {
  return (
    c.month >= 1 &&
    c.month <= 12 &&
    c.day >= 1 &&
    c.day <= daysInMonth(c.year, c.month) &&
    c.hour <= 23 &&
    c.minute <= 59 &&
    c.second <= 59
  );
}

/**
 * Builds the reader for a source's `timeFormat`: `'iso'` (ISO 8601; with `Z`
 * or an offset the instant is exact, without one it is wall-clock time in
 * `zone`), `'epoch_s'` (decimal seconds allowed, rounded to the ms),
 * `'epoch_ms'`, or a date-fns-style pattern read in `zone`. Throws
 * TimePatternError on a pattern it cannot compile, so a bad config fails at
 * start, not per row.
 */
export function createTimeReader(format: string, zone: string): TimeReader {
  if (format === 'epoch_s') {
    return (text) => {
      const t = text.trim();
      return EPOCH_S.test(t) ? Math.round(Number(t) * 1000) : null;
    };
  }
  if (format === 'epoch_ms') {
    return (text) => {
      const t = text.trim();
      return EPOCH_MS.test(t) ? Number(t) : null;
    };
  }
  if (format === 'iso') {
    return (text, disambiguation = 'earlier') => {
      const m = ISO.exec(text.trim());
      if (m === null) return null;
      const clock: WallClock = {
        year: Number(m[1]),
        month: Number(m[2]),
        day: Number(m[3]),
        hour: Number(m[4]),
        minute: Number(m[5]),
        second: Number(m[6] ?? '0'),
        millisecond: Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')),
      };
      if (!validClock(clock)) return null;
      if (m[8] === undefined && m[9] === undefined) return wallClockToUtc(clock, zone, disambiguation);
      const naive = Date.UTC(
        clock.year,
        clock.month - 1,
        clock.day,
        clock.hour,
        clock.minute,
        clock.second,
        clock.millisecond,
      );
      if (m[8] === 'Z') return naive;
      const offsetMs = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
      return m[9] === '-' ? naive + offsetMs : naive - offsetMs;
    };
  }
  const read = compileTimePattern(format);
  return (text, disambiguation = 'earlier') => {
    const clock = read(text);
    return clock === null ? null : wallClockToUtc(clock, zone, disambiguation);
  };
}

/**
 * Reads a time that cannot precede `notBefore` (an answer or an end after the
 * arrival). In an autumn overlap the earlier reading is taken first; if it
 * falls before `notBefore` and the later one does not, the later one is right
 * (docs/formats.md, "Local times and DST").
 */
export function readTimeAfter(read: TimeReader, text: string, notBefore: number): number | null {
  const earlier = read(text, 'earlier');
  if (earlier === null || earlier >= notBefore) return earlier;
  const later = read(text, 'later');
  return later !== null && later >= notBefore ? later : earlier;
}
