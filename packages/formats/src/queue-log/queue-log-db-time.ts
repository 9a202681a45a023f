import { wallClockToUtc } from '@cdrflow/time';
import { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from '@cdrflow/schema';

/**
 * How a queue_log table's `time` column is written: `local` is
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` in the source's zone (Asterisk's realtime
 * table, UTC when `queue_log_realtime_use_gmt` is set); `epoch` is seconds
 * since 1970, a fraction allowed (QueueMetrics' `time_id`, many vendor
 * exports); `auto` takes digits as epoch and anything else as local.
 */
export type DbTimeFormat = 'auto' | 'epoch' | 'local';

/** A time read as the earlier instant of an autumn overlap that lies this far behind the log is re-read as the later one. */
const OVERLAP_BACKSTEP_MS = 30 * 60_000;
const PREFIX_CACHE_LIMIT = 10_000;

function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return value;
}

/** `1704099600` or `1704099600.25` → ms, or NaN. */
function epochMs(s: string): number {
  const dot = s.indexOf('.');
  const whole = dot === -1 ? s : s.slice(0, dot);
  const fraction = dot === -1 ? '' : s.slice(dot + 1);
  if (whole.length === 0 || whole.length > 12 || (dot !== -1 && (fraction.length === 0 || fraction.length > 9))) {
    return NaN;
  }
  const seconds = digits(whole, 0, whole.length);
  const milliseconds = fraction === '' ? 0 : digits((fraction + '00').slice(0, 3), 0, 3);
  if (fraction !== '' && Number.isNaN(digits(fraction, 0, fraction.length))) return NaN;
  return seconds * 1000 + milliseconds;
}

function isEpochLike(s: string): boolean {
  const c = s.charCodeAt(0);
  return s.length > 0 && c >= 0x30 && c <= 0x39 && s.indexOf('-') === -1 && s.indexOf(':') === -1;
}

/**
 * Reads a queue_log table's `time` values into UTC ms. Local times are read
 * in `zone`; in the repeated autumn hour a row that would jump back more than
 * 30 minutes behind the latest event read is the second pass (the table is
 * written in time order).
 */
export class DbTimeReader {
  /** Local minute prefix `YYYY-MM-DD HH:MM` → UTC ms of its second 0, both readings of an overlap. */
  private readonly minuteCache = new Map<string, { earlier: number; later: number }>();

  constructor(
    private readonly zone: string,
    private readonly format: DbTimeFormat = 'local',
  ) {}

  /** UTC ms, or why the value is not a time. */
  read(s: string, watermarkMs: number | null): number | string {
    const epoch = this.format === 'epoch' || (this.format === 'auto' && isEpochLike(s));
    const atMs = epoch ? epochMs(s) : this.readLocal(s, watermarkMs);
    if (typeof atMs === 'string') return atMs;
    if (Number.isNaN(atMs)) return `time ${JSON.stringify(s)} is not epoch seconds`;
    if (atMs < EARLIEST_RECORD_MS || atMs >= LATEST_RECORD_MS) {
      return `time ${JSON.stringify(s)} is not between 1990 and 2100`;
    }
    return atMs;
  }

  /** Local `YYYY-MM-DD HH:MM:SS[.ffffff]` → UTC ms, or why not. */
  private readLocal(s: string, watermarkMs: number | null): number | string {
    const bad = `time ${JSON.stringify(s)} is not YYYY-MM-DD HH:MM:SS[.ffffff]`;
    if (
      s.length < 19 ||
      s[4] !== '-' ||
      s[7] !== '-' ||
      (s[10] !== ' ' && s[10] !== 'T') ||
      s[13] !== ':' ||
      s[16] !== ':'
    ) {
      return bad;
    }
    const second = digits(s, 17, 2);
    let millisecond = 0;
    if (s.length > 19) {
      const fraction = s.length - 20;
      if (s[19] !== '.' || fraction < 1 || fraction > 9 || Number.isNaN(digits(s, 20, fraction))) return bad;
      millisecond = digits((s.slice(20) + '00').slice(0, 3), 0, 3);
    }
    if (Number.isNaN(second) || second > 59) return bad;
    const prefix = s.slice(0, 16);
    let minute = this.minuteCache.get(prefix);
    if (minute === undefined) {
      const year = digits(s, 0, 4);
      const month = digits(s, 5, 2);
      const day = digits(s, 8, 2);
      const hour = digits(s, 11, 2);
      const min = digits(s, 14, 2);
      if ([year, month, day, hour, min].some(Number.isNaN) || hour > 23 || min > 59) return bad;
      const probe = new Date(Date.UTC(year, month - 1, day));
      if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
        return `time ${JSON.stringify(s)} is not a calendar date`;
      }
      const clock = { year, month, day, hour, minute: min, second: 0 };
      minute = {
        earlier: wallClockToUtc(clock, this.zone, 'earlier'),
        later: wallClockToUtc(clock, this.zone, 'later'),
      };
      if (this.minuteCache.size >= PREFIX_CACHE_LIMIT) this.minuteCache.clear();
      this.minuteCache.set(prefix, minute);
    }
    const offset = second * 1000 + millisecond;
    const atMs = minute.earlier + offset;
    // The log is written in time order: in the repeated autumn hour, a row
    // that would jump back behind what was already read is the second pass.
    if (minute.later !== minute.earlier && watermarkMs !== null && atMs < watermarkMs - OVERLAP_BACKSTEP_MS) {
      return minute.later + offset;
    }
    return atMs;
  }
}
