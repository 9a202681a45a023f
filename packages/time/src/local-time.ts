import { UsageError } from '@cdrflow/errors';

/**
 * Local wall-clock time in an IANA zone → UTC epoch milliseconds.
 *
 * The DST rule (docs/formats.md, "Local times and DST"), the same as
 * RFC 5545 and Temporal's `disambiguation: 'compatible'`:
 * - a time in the spring-forward gap (Europe/London: last Sunday of March,
 *   01:00–01:59 does not exist) is read with the offset in force before the
 *   gap, so 01:30 becomes 02:30 BST — the clock the caller would have seen
 *   had it not jumped;
 * - a time in the autumn overlap (last Sunday of October, 01:00–01:59 happens
 *   twice) is the earlier of the two instants (BST), unless the caller asks for
 *   the later one (`'later'`), which row parsers do when the earlier reading
 *   would put a row's end before its start.
 */
export type Disambiguation = 'earlier' | 'later';

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond?: number;
}

const HOUR_MS = 3_600_000;
/** Every zone in the tz database changes its offset on a quarter hour of UTC. */
const OFFSET_SLOT_MS = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets change at most a few times a year: cache per zone and UTC hour. */
const offsetCache = new Map<string, Map<number, number>>();

/** A zone name (from config or `--zone`) the runtime's zone database does not know. */
export class UnknownTimeZoneError extends UsageError {
  override readonly name = 'UnknownTimeZoneError';
  readonly code = 'unknown_time_zone';
  constructor(readonly zone: string) {
    super(`unknown time zone ${JSON.stringify(zone)}: use an IANA name such as Europe/London or UTC`);
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UnknownTimeZoneError(zone);
    }
    formatters.set(zone, f);
  }
  return f;
}

export function assertTimeZone(zone: string): void {
  formatterFor(zone);
}

/** Offset of `zone` from UTC at the instant `utcMs`, in milliseconds (BST → +3 600 000). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let perZone = offsetCache.get(zone);
  if (perZone === undefined) {
    perZone = new Map();
    offsetCache.set(zone, perZone);
  }
  // Cached per quarter hour of UTC, not per hour: Adelaide, Lord Howe and St John's change their
  // clocks at half past a UTC hour, and an hourly cache gave the old offset for 30 minutes after.
  const slot = Math.floor(utcMs / OFFSET_SLOT_MS);
  const cached = perZone.get(slot);
  if (cached !== undefined) return cached;
  const slotStartMs = slot * OFFSET_SLOT_MS;
  const parts = formatterFor(zone).formatToParts(new Date(slotStartMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - slotStartMs;
  perZone.set(slot, offset);
  return offset;
}

export function wallClockToUtc(clock: WallClock, zone: string, disambiguation: Disambiguation = 'earlier'): number {
  const naive = Date.UTC(
    clock.year,
    clock.month - 1,
    clock.day,
    clock.hour,
    clock.minute,
    clock.second,
    clock.millisecond ?? 0,
  );
  // The offsets a day either side bracket any transition near this wall time.
  const before = zoneOffsetMs(zone, naive - 24 * HOUR_MS);
  const after = zoneOffsetMs(zone, naive + 24 * HOUR_MS);
  const candidates: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = naive - offset;
    if (zoneOffsetMs(zone, instant) === offset) candidates.push(instant);
  }
  if (candidates.length === 0) {
    // Gap: read with the offset before the jump.
    return naive - before;
  }
  candidates.sort((a, b) => a - b);
  const chosen = disambiguation === 'later' ? candidates[candidates.length - 1] : candidates[0];
  return chosen ?? naive - before;
}

/** True when the wall time occurs twice in the zone (autumn overlap). */
export function isAmbiguous(clock: WallClock, zone: string): boolean {
  const earlier = wallClockToUtc(clock, zone, 'earlier');
  const later = wallClockToUtc(clock, zone, 'later');
  return earlier !== later;
}

/** UTC epoch ms → wall clock in `zone`. */
export function utcToWallClock(utcMs: number, zone: string): WallClock {
  const local = new Date(utcMs + zoneOffsetMs(zone, utcMs));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
}
