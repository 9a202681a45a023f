import { describe, expect, it } from 'vitest';
import {
  UnknownTimeZoneError,
  assertTimeZone,
  isAmbiguous,
  utcToWallClock,
  wallClockToUtc,
  zoneOffsetMs,
  type WallClock,
} from '../src/local-time';

const LONDON = 'Europe/London';
const HOUR = 3_600_000;
const MINUTE = 60_000;

const clock = (year: number, month: number, day: number, hour: number, minute = 0, second = 0): WallClock => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

/**
 * Expected instants are worked out by hand from the UK rule (Summer Time Order
 * 2002: BST, UTC+1, from 01:00 UTC on the last Sunday of March to 01:00 UTC on
 * the last Sunday of October; GMT otherwise) and written as Date.UTC of the
 * UTC time. They agree with GNU date, e.g.
 * `date -u -d 'TZ="Europe/London" 2020-03-29 02:00' +%FT%TZ` → 2020-03-29T01:00:00Z.
 * In 2020 the clocks went forward on Sunday 29 March and back on Sunday 25 October.
 */
describe('wallClockToUtc in Europe/London', () => {
  it('reads GMT in winter and BST in summer', () => {
    expect(wallClockToUtc(clock(2020, 1, 15, 9), LONDON)).toBe(Date.UTC(2020, 0, 15, 9));
    expect(wallClockToUtc(clock(2020, 6, 1, 9), LONDON)).toBe(Date.UTC(2020, 5, 1, 8));
    expect(wallClockToUtc({ ...clock(2020, 6, 1, 0, 0, 59), millisecond: 999 }, LONDON)).toBe(
      Date.UTC(2020, 4, 31, 23, 0, 59, 999),
    );
    expect(wallClockToUtc(clock(2020, 12, 31, 23, 59, 59), LONDON)).toBe(Date.UTC(2020, 11, 31, 23, 59, 59));
  });

  it('spring forward: the last GMT second and the first BST one', () => {
    expect(wallClockToUtc(clock(2020, 3, 29, 0, 59, 59), LONDON)).toBe(Date.UTC(2020, 2, 29, 0, 59, 59));
    expect(wallClockToUtc(clock(2020, 3, 29, 2), LONDON)).toBe(Date.UTC(2020, 2, 29, 1));
  });

  it('a time in the spring-forward gap is read with the offset before the gap (GMT): 01:30 is 02:30 BST', () => {
    const gap = wallClockToUtc(clock(2020, 3, 29, 1, 30), LONDON);
    expect(gap).toBe(Date.UTC(2020, 2, 29, 1, 30));
    expect(utcToWallClock(gap, LONDON)).toMatchObject({ day: 29, hour: 2, minute: 30 });
    // The whole missing hour moves forward by one, and asking for the later reading changes nothing.
    expect(wallClockToUtc(clock(2020, 3, 29, 1), LONDON)).toBe(Date.UTC(2020, 2, 29, 1));
    expect(wallClockToUtc(clock(2020, 3, 29, 1, 59, 59), LONDON, 'later')).toBe(Date.UTC(2020, 2, 29, 1, 59, 59));
    expect(isAmbiguous(clock(2020, 3, 29, 1, 30), LONDON)).toBe(false);
  });

  it('a time in the autumn overlap is the earlier instant (BST) unless the later one (GMT) is asked for', () => {
    const time = clock(2020, 10, 25, 1, 30);
    expect(wallClockToUtc(time, LONDON)).toBe(Date.UTC(2020, 9, 25, 0, 30));
    expect(wallClockToUtc(time, LONDON, 'earlier')).toBe(Date.UTC(2020, 9, 25, 0, 30));
    expect(wallClockToUtc(time, LONDON, 'later')).toBe(Date.UTC(2020, 9, 25, 1, 30));
    expect(isAmbiguous(time, LONDON)).toBe(true);
    // The edges of the repeated hour: 01:00:00 is repeated, 00:59:59 and 02:00:00 are not.
    expect(wallClockToUtc(clock(2020, 10, 25, 1), LONDON, 'earlier')).toBe(Date.UTC(2020, 9, 25, 0));
    expect(wallClockToUtc(clock(2020, 10, 25, 1), LONDON, 'later')).toBe(Date.UTC(2020, 9, 25, 1));
    expect(isAmbiguous(clock(2020, 10, 25, 0, 59, 59), LONDON)).toBe(false);
    expect(wallClockToUtc(clock(2020, 10, 25, 0, 59, 59), LONDON, 'later')).toBe(Date.UTC(2020, 9, 24, 23, 59, 59));
    expect(isAmbiguous(clock(2020, 10, 25, 2), LONDON)).toBe(false);
    expect(wallClockToUtc(clock(2020, 10, 25, 2), LONDON)).toBe(Date.UTC(2020, 9, 25, 2));
  });

  it('finds the transitions of other years: 2021 went forward on 28 March and back on 31 October', () => {
    expect(wallClockToUtc(clock(2021, 3, 28, 1, 15), LONDON)).toBe(Date.UTC(2021, 2, 28, 1, 15));
    expect(wallClockToUtc(clock(2021, 3, 28, 2, 15), LONDON)).toBe(Date.UTC(2021, 2, 28, 1, 15));
    expect(wallClockToUtc(clock(2021, 10, 31, 1, 15), LONDON)).toBe(Date.UTC(2021, 9, 31, 0, 15));
    expect(wallClockToUtc(clock(2021, 10, 31, 1, 15), LONDON, 'later')).toBe(Date.UTC(2021, 9, 31, 1, 15));
  });
});

describe('utcToWallClock in Europe/London', () => {
  it('shows the clock jumping from 00:59:59.999 GMT to 02:00 BST', () => {
    expect(utcToWallClock(Date.UTC(2020, 2, 29, 0, 59, 59, 999), LONDON)).toEqual({
      ...clock(2020, 3, 29, 0, 59, 59),
      millisecond: 999,
    });
    expect(utcToWallClock(Date.UTC(2020, 2, 29, 1), LONDON)).toEqual({ ...clock(2020, 3, 29, 2), millisecond: 0 });
  });

  it('shows 01:00–01:59 twice in autumn, first in BST then in GMT', () => {
    expect(utcToWallClock(Date.UTC(2020, 9, 25, 0, 30), LONDON)).toEqual({
      ...clock(2020, 10, 25, 1, 30),
      millisecond: 0,
    });
    expect(utcToWallClock(Date.UTC(2020, 9, 25, 1, 30), LONDON)).toEqual({
      ...clock(2020, 10, 25, 1, 30),
      millisecond: 0,
    });
    expect(utcToWallClock(Date.UTC(2020, 9, 25, 0, 59, 59, 999), LONDON)).toMatchObject({ hour: 1, minute: 59 });
    expect(utcToWallClock(Date.UTC(2020, 9, 25, 1), LONDON)).toMatchObject({ hour: 1, minute: 0 });
  });

  it('crosses midnight and the year in local time, not UTC', () => {
    expect(utcToWallClock(Date.UTC(2020, 5, 30, 23, 30), LONDON)).toEqual({
      ...clock(2020, 7, 1, 0, 30),
      millisecond: 0,
    });
    expect(utcToWallClock(Date.UTC(2020, 11, 31, 23, 30), LONDON)).toEqual({
      ...clock(2020, 12, 31, 23, 30),
      millisecond: 0,
    });
  });

  it('zoneOffsetMs is +1 h in BST and 0 in GMT, changing at 01:00 UTC', () => {
    expect(zoneOffsetMs(LONDON, Date.UTC(2020, 2, 29, 0, 59, 59, 999))).toBe(0);
    expect(zoneOffsetMs(LONDON, Date.UTC(2020, 2, 29, 1))).toBe(HOUR);
    expect(zoneOffsetMs(LONDON, Date.UTC(2020, 9, 25, 0, 59, 59, 999))).toBe(HOUR);
    expect(zoneOffsetMs(LONDON, Date.UTC(2020, 9, 25, 1))).toBe(0);
    expect(zoneOffsetMs('UTC', Date.UTC(2020, 5, 1))).toBe(0);
  });
});

/**
 * An independent reading of the zone database: Intl.DateTimeFormat called here
 * (not through local-time.ts) on every UTC minute around a transition, then
 * inverted by brute force. A wall-clock minute with two instants is the overlap
 * (earlier = the first, later = the second); one with none is the gap, which
 * the rule reads with the offset in force before it.
 */
const minuteKey = (c: Omit<WallClock, 'second'>) => `${c.year}-${c.month}-${c.day} ${c.hour}:${c.minute}`;

function wallMinutesAround(zone: string, transitionUtcMs: number): Map<string, number[]> {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const instants = new Map<string, number[]>();
  for (let t = transitionUtcMs - 3 * HOUR; t <= transitionUtcMs + 3 * HOUR; t += MINUTE) {
    const part = (type: Intl.DateTimeFormatPartTypes) =>
      Number(format.formatToParts(new Date(t)).find((p) => p.type === type)?.value);
    const key = minuteKey({
      year: part('year'),
      month: part('month'),
      day: part('day'),
      hour: part('hour'),
      minute: part('minute'),
    });
    instants.set(key, [...(instants.get(key) ?? []), t]);
  }
  return instants;
}

describe('wallClockToUtc against a brute-force inversion of Intl', () => {
  it.each([
    ['Europe/London, spring 2020', LONDON, Date.UTC(2020, 2, 29, 1), 0],
    ['Europe/London, autumn 2020', LONDON, Date.UTC(2020, 9, 25, 1), HOUR],
    ['Europe/London, autumn 2024', LONDON, Date.UTC(2024, 9, 27, 1), HOUR],
    // 02:00 EST (UTC−5) → 03:00 EDT on 8 March 2020; 02:00 EDT → 01:00 EST on 1 November 2020.
    ['America/New_York, spring 2020', 'America/New_York', Date.UTC(2020, 2, 8, 7), -5 * HOUR],
    ['America/New_York, autumn 2020', 'America/New_York', Date.UTC(2020, 10, 1, 6), -4 * HOUR],
  ])('%s: every minute within 2 hours of the change', (_name, zone, transition, offsetBefore) => {
    const instants = wallMinutesAround(zone, transition);
    let gapMinutes = 0;
    let repeatedMinutes = 0;
    // Every local minute from 2 h before the change (in the offset before it) to 2 h after.
    for (
      let naive = transition + offsetBefore - 2 * HOUR;
      naive <= transition + offsetBefore + 2 * HOUR;
      naive += MINUTE
    ) {
      const d = new Date(naive);
      const wall = clock(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
      const found = instants.get(minuteKey(wall));
      const earlier = wallClockToUtc(wall, zone, 'earlier');
      const later = wallClockToUtc(wall, zone, 'later');
      if (found === undefined) {
        gapMinutes += 1;
        expect(earlier, JSON.stringify(wall)).toBe(naive - offsetBefore);
        expect(later, JSON.stringify(wall)).toBe(naive - offsetBefore);
      } else {
        if (found.length > 1) repeatedMinutes += 1;
        expect(earlier, JSON.stringify(wall)).toBe(found[0]);
        expect(later, JSON.stringify(wall)).toBe(found[found.length - 1]);
        expect(isAmbiguous(wall, zone)).toBe(found.length > 1);
        for (const t of found) expect(utcToWallClock(t, zone)).toEqual({ ...wall, millisecond: 0 });
      }
    }
    // One hour goes missing in spring and one is repeated in autumn.
    expect(gapMinutes + repeatedMinutes).toBe(60);
  });
});

describe('time zone names', () => {
  it('rejects a zone the runtime does not know, naming it', () => {
    expect(() => assertTimeZone('Europe/Atlantis')).toThrow(UnknownTimeZoneError);
    expect(() => wallClockToUtc(clock(2020, 6, 1, 9), 'Europe/Atlantis')).toThrow(/"Europe\/Atlantis"/);
    expect(() => assertTimeZone(LONDON)).not.toThrow();
  });

  it('UTC reads the wall clock as it is', () => {
    expect(wallClockToUtc(clock(2020, 3, 29, 1, 30), 'UTC')).toBe(Date.UTC(2020, 2, 29, 1, 30));
    expect(utcToWallClock(Date.UTC(2020, 9, 25, 1, 30), 'UTC')).toEqual({
      ...clock(2020, 10, 25, 1, 30),
      millisecond: 0,
    });
  });
});

describe('zones whose clocks change at half past a UTC hour', () => {
  // Adelaide goes from +09:30 to +10:30 at 02:00 local standard time on 4 October 2020, which is
  // 16:30 UTC on 3 October (tz database, Australia/Adelaide). A quarter of an hour later the wall
  // clock reads 03:15, not 02:15 (a time that does not exist that night).
  it('reads the new offset from the moment of the change (Australia/Adelaide, spring 2020)', () => {
    expect(zoneOffsetMs('Australia/Adelaide', Date.UTC(2020, 9, 3, 16, 29))).toBe(9.5 * 3_600_000);
    expect(zoneOffsetMs('Australia/Adelaide', Date.UTC(2020, 9, 3, 16, 30))).toBe(10.5 * 3_600_000);
    expect(utcToWallClock(Date.UTC(2020, 9, 3, 16, 45), 'Australia/Adelaide')).toMatchObject({
      year: 2020,
      month: 10,
      day: 4,
      hour: 3,
      minute: 15,
    });
  });

  // Lord Howe moves by 30 minutes, +10:30 → +11:00 at 02:00 local on 4 October 2020 = 15:30 UTC on 3 October.
  it('reads the new offset from the moment of the change (Australia/Lord_Howe, spring 2020)', () => {
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.UTC(2020, 9, 3, 15, 29))).toBe(10.5 * 3_600_000);
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.UTC(2020, 9, 3, 15, 30))).toBe(11 * 3_600_000);
  });
});
