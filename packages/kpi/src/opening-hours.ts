import { z } from 'zod';
import { UsageError } from '@cdrflow/errors';
import { describeIssue } from '@cdrflow/schema';
import { isoDate, isoWeekday, parseIsoDate, utcToWallClock } from '@cdrflow/time';
import { isKnownZone } from './calendar';
import { INTERVAL_MS } from './interval';

/**
 * A source's opening hours: when callers can expect an answer, in the
 * source's local zone. Weekly hours per day (`mon-fri: "08:30-17:00"`,
 * `sat: ["09:00-12:00", "13:00-15:00"]`, `sun: closed`), closure days that
 * override them (bank holidays), and whether calls arriving while closed are
 * kept out of the KPIs. No `openingHours` at all means always open, so a site
 * that configures nothing reads the figures it always did.
 */

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type DayName = (typeof DAY_NAMES)[number];

const DAY_KEY = /^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?$/;
const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$/;

/** One opening span of a day, in minutes after local midnight: [fromMinute, toMinute). */
export interface OpenSpan {
  fromMinute: number;
  toMinute: number;
}

const rangeText = z
  .string()
  .regex(RANGE, 'must be a time range "HH:MM-HH:MM" in 24-hour local time, e.g. "08:30-17:00"')
  .refine((text) => {
    const span = parseRange(text);
    return span !== null && span.fromMinute < span.toMinute;
  }, 'must end after it starts; a range across midnight is two days: "mon: 22:00-24:00" and "tue: 00:00-06:00"');

const dayHours = z.union([z.literal('closed'), rangeText, z.array(rangeText).min(1)]);

export const OpeningHoursSchema = z
  .object({
    /** IANA zone the hours are local to; default: the reporting zone. */
    zone: z
      .string()
      .refine(isKnownZone, 'is not a time zone this system knows: use an IANA name such as Europe/London')
      .optional(),
    /** Day (`mon`) or run of days (`mon-fri`) → "HH:MM-HH:MM", a list of them, or "closed"; a day not named is closed. */
    // Keys are checked in superRefine: zod reports a bad record key without the key's own message.
    hours: z.record(z.string(), dayHours),
    /** Local dates the service is closed all day (bank holidays), YYYY-MM-DD. */
    closedDays: z
      .array(z.string().refine((d) => parseIsoDate(d) !== null, 'must be a date YYYY-MM-DD, e.g. "2020-12-25"'))
      .default([]),
    /** Leave calls that arrive while closed out of every KPI (they are still counted apart). */
    excludeWhileClosed: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    const seen = new Map<DayName, string>();
    for (const key of Object.keys(o.hours)) {
      if (!DAY_KEY.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['hours', key],
          message: 'must be a day (mon … sun) or a run of days such as mon-fri',
        });
      }
      for (const day of daysOf(key)) {
        const earlier = seen.get(day);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['hours', key],
            message: `gives ${day} hours a second time (also in "${earlier}"): name each day once`,
          });
        }
        seen.set(day, key);
      }
    }
    for (const [key, value] of Object.entries(o.hours)) {
      const spans = spansOf(value);
      for (let i = 1; i < spans.length; i++) {
        const prev = spans[i - 1] as OpenSpan;
        if ((spans[i] as OpenSpan).fromMinute < prev.toMinute) {
          ctx.addIssue({
            code: 'custom',
            path: ['hours', key],
            message: 'has ranges that overlap or are out of order: list them earliest first, each after the last ends',
          });
        }
      }
    }
  });

export type OpeningHoursInput = z.input<typeof OpeningHoursSchema>;

/** Opening hours resolved for lookups: spans per ISO weekday (index 0 = Monday) in `zone`. */
export interface OpeningSchedule {
  zone: string;
  /** Seven entries, Monday first; an empty list is a closed day. */
  week: readonly (readonly OpenSpan[])[];
  /** Local dates (YYYY-MM-DD) closed all day. */
  closedDays: ReadonlySet<string>;
  excludeWhileClosed: boolean;
}

export class OpeningHoursInvalidError extends UsageError {
  override readonly name = 'OpeningHoursInvalidError';
  readonly code = 'opening_hours_invalid';
  constructor(readonly issues: readonly string[]) {
    super(`opening hours are invalid: ${issues.join('; ')}`);
  }
}

/** Validates opening hours (messages name the key and what to write) and resolves them; `zone` unless they name one. */
export function resolveOpeningSchedule(input: unknown, defaultZone: string): OpeningSchedule {
  const result = OpeningHoursSchema.safeParse(input);
  if (!result.success) throw new OpeningHoursInvalidError(result.error.issues.map((i) => describeIssue(i, input)));
  const week: OpenSpan[][] = DAY_NAMES.map(() => []);
  for (const [key, value] of Object.entries(result.data.hours)) {
    for (const day of daysOf(key)) week[DAY_NAMES.indexOf(day)] = spansOf(value);
  }
  return {
    zone: result.data.zone ?? defaultZone,
    week,
    closedDays: new Set(result.data.closedDays),
    excludeWhileClosed: result.data.excludeWhileClosed,
  };
}

/**
 * Whether the service is open at this instant: its local date is not a
 * closure day and its local time of day falls in one of that weekday's spans
 * (start included, end excluded: a call at 17:00 of "08:30-17:00" arrived
 * after closing). A null schedule is always open.
 */
export function isOpenAt(schedule: OpeningSchedule | null, utcMs: number): boolean {
  if (schedule === null) return true;
  const clock = utcToWallClock(utcMs, schedule.zone);
  const date = { year: clock.year, month: clock.month, day: clock.day };
  if (schedule.closedDays.size > 0 && schedule.closedDays.has(isoDate(date))) return false;
  const spans = schedule.week[isoWeekday(date) - 1] ?? [];
  const minute = clock.hour * 60 + clock.minute + (clock.second + (clock.millisecond ?? 0) / 1000) / 60;
  for (const span of spans) if (minute >= span.fromMinute && minute < span.toMinute) return true;
  return false;
}

export type IntervalOpenness = 'open' | 'closed' | 'partly_open';

/**
 * How much of the 15-minute UTC interval starting at `intervalStartMs` the
 * service is open: for figures kept per interval (staffing, required agents)
 * that want "open hours only". Local time changes only on quarter hours of
 * UTC, so sampling each minute of the interval is exact for spans given in
 * whole minutes.
 */
export function intervalOpenness(schedule: OpeningSchedule | null, intervalStartMs: number): IntervalOpenness {
  if (schedule === null) return 'open';
  let open = 0;
  const minutes = INTERVAL_MS / 60_000;
  for (let m = 0; m < minutes; m++) if (isOpenAt(schedule, intervalStartMs + m * 60_000)) open++;
  return open === minutes ? 'open' : open === 0 ? 'closed' : 'partly_open';
}

/** The schedule in one line, for the definitions printed under a report table. */
export function describeOpeningSchedule(source: string, schedule: OpeningSchedule): string {
  const days = schedule.week.map((spans, i) => {
    const name = DAY_NAMES[i] as DayName;
    return spans.length === 0 ? `${name} closed` : `${name} ${spans.map(formatSpan).join(', ')}`;
  });
  const closures = schedule.closedDays.size === 0 ? '' : `; closed on ${[...schedule.closedDays].sort().join(', ')}`;
  return `Opening hours of ${source} (${schedule.zone}): ${days.join('; ')}${closures}.`;
}

function formatSpan(span: OpenSpan): string {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hhmm(span.fromMinute)}-${hhmm(span.toMinute)}`;
}

function parseRange(text: string): OpenSpan | null {
  const m = RANGE.exec(text);
  if (m === null) return null;
  const [, fh, fm, th, tm] = m.map(Number) as [number, number, number, number, number];
  const toMinute = th * 60 + tm;
  return toMinute > 24 * 60 ? null : { fromMinute: fh * 60 + fm, toMinute };
}

function spansOf(value: string | readonly string[]): OpenSpan[] {
  if (value === 'closed') return [];
  const texts = typeof value === 'string' ? [value] : value;
  return texts.flatMap((t) => {
    const span = parseRange(t);
    return span === null ? [] : [span];
  });
}

function daysOf(key: string): DayName[] {
  const m = DAY_KEY.exec(key);
  if (m === null) return [];
  const from = DAY_NAMES.indexOf(m[1] as DayName);
  const to = m[2] === undefined ? from : DAY_NAMES.indexOf(m[2] as DayName);
  // A run that wraps the week end (sat-mon) is read forwards, as people write it.
  const days: DayName[] = [];
  for (let i = from; ; i = (i + 1) % 7) {
    days.push(DAY_NAMES[i] as DayName);
    if (i === to) break;
  }
  return days;
}
