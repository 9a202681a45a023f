import { utcToWallClock, wallClockToUtc, type Disambiguation, type WallClock } from './local-time';
import { daysInMonth } from './civil-date';
import { compileNaiveTimePattern } from './time-pattern';

const HOUR_MS = 3_600_000;
/** Local hours remembered per reader and disambiguation; beyond it the memo starts again. */
const MEMO_HOURS = 4096;

/**
 * A wall-clock time in one zone → UTC epoch ms. The wall time comes as
 * `Date.UTC` of its fields (its "naive" ms); the answer is the same as
 * `wallClockToUtc(clock, zone, disambiguation)`.
 */
export type LocalTimeConverter = (naiveMs: number, disambiguation: Disambiguation) => number;

/**
 * `wallClockToUtc` for one zone, remembering the offset of each local hour.
 * An hour is remembered only when its first and last millisecond convert with
 * the same offset, so the whole hour does (zones change offset at most once
 * within an hour, and a gap or overlap converts by one offset throughout);
 * an hour that holds a change of offset part-way (a 30-minute shift) is
 * converted each time. Rows come roughly in time order, so nearly every
 * conversion is one map lookup.
 */
export function localTimeConverter(zone: string): LocalTimeConverter {
  const memo: Record<Disambiguation, Map<number, number>> = { earlier: new Map(), later: new Map() };
  return (naive, disambiguation) => {
    const hours = memo[disambiguation];
    const hour = Math.floor(naive / HOUR_MS);
    let offset = hours.get(hour);
    if (offset === undefined) {
      offset = hourOffset(hour * HOUR_MS, zone, disambiguation);
      if (hours.size >= MEMO_HOURS) hours.clear();
      hours.set(hour, offset);
    }
    return Number.isNaN(offset) ? wallClockToUtc(clockAt(naive), zone, disambiguation) : naive - offset;
  };
}

/** The offset every wall time of the local hour starting at `naiveStart` converts with, or NaN when they differ. */
function hourOffset(naiveStart: number, zone: string, disambiguation: Disambiguation): number {
  const first = naiveStart - wallClockToUtc(clockAt(naiveStart), zone, disambiguation);
  const lastMs = naiveStart + HOUR_MS - 1;
  const last = lastMs - wallClockToUtc(clockAt(lastMs), zone, disambiguation);
  return first === last ? first : Number.NaN;
}

/** The wall clock a naive ms stands for (its fields read back as UTC). */
const clockAt = (naiveMs: number): WallClock => utcToWallClock(naiveMs, 'UTC');

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
  const toUtc = localTimeConverter(zone);
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
      const naive = Date.UTC(
        clock.year,
        clock.month - 1,
        clock.day,
        clock.hour,
        clock.minute,
        clock.second,
        clock.millisecond,
      );
      if (m[8] === undefined && m[9] === undefined) return toUtc(naive, disambiguation);
      if (m[8] === 'Z') return naive;
      const offsetMs = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
      return m[9] === '-' ? naive + offsetMs : naive - offsetMs;
    };
  }
  const read = compileNaiveTimePattern(format);
  return (text, disambiguation = 'earlier') => {
    const naive = read(text);
    return Number.isNaN(naive) ? null : toUtc(naive, disambiguation);
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
