import { wallClockToUtc } from '@cdrflow/time';
import { EARLIEST_RECORD_MS, LATEST_RECORD_MS } from '@cdrflow/schema';
import { splitCsvRecord } from '../csv/split-csv-record';
import { type LineFault, type QueueLogEvent } from './queue-log-event';

/**
 * Where the columns are in a CSV export of Asterisk's realtime `queue_log`
 * table (`main/logger.c`, `ast_queue_log` with realtime): `[id,] time, callid,
 * queuename, agent, event,` then either `data1..data5` (adaptive realtime:
 * the message split on `|`, the fifth column keeping any further pipes) or a
 * single `data` column holding the whole `|`-joined message.
 */
interface DbLayout {
  /** Index of the `time` column: 1 when an `id` column leads, else 0. */
  first: number;
  /** Number of data columns (1–5). */
  dataColumns: number;
}

const BASE_COLUMNS = ['time', 'callid', 'queuename', 'agent', 'event'];
/** A time read as the earlier instant of an autumn overlap that lies this far behind the log is re-read as the later one. */
const OVERLAP_BACKSTEP_MS = 30 * 60_000;
const PREFIX_CACHE_LIMIT = 10_000;

function layoutFromHeader(fields: readonly string[]): DbLayout | string {
  const names = fields.map((f) => f.trim().toLowerCase());
  const first = names[0] === 'id' ? 1 : 0;
  for (let i = 0; i < BASE_COLUMNS.length; i++) {
    if (names[first + i] !== BASE_COLUMNS[i]) {
      return `column ${first + i + 1} of the header is ${JSON.stringify(fields[first + i] ?? '')}, expected ${BASE_COLUMNS[i]}`;
    }
  }
  const rest = names.slice(first + BASE_COLUMNS.length);
  if (rest.length === 1 && rest[0] === 'data') return { first, dataColumns: 1 };
  if (rest.length < 1 || rest.length > 5 || rest.some((name, i) => name !== `data${i + 1}`)) {
    return `after event the header must name data or data1..data5, got ${JSON.stringify(rest.join(','))}`;
  }
  return { first, dataColumns: rest.length };
}

/** Without a header the column count decides: 10 or 11 (with id) for data1..data5, 6 or 7 for a single data column. */
function layoutFromCount(count: number): DbLayout | undefined {
  switch (count) {
    case 10:
      return { first: 0, dataColumns: 5 };
    case 11:
      return { first: 1, dataColumns: 5 };
    case 6:
      return { first: 0, dataColumns: 1 };
    case 7:
      return { first: 1, dataColumns: 1 };
    default:
      return undefined;
  }
}

function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return NaN;
    value = value * 10 + c;
  }
  return value;
}

export type DbRowResult = QueueLogEvent | LineFault | 'header';

/**
 * Reads the rows of one db-form file. The first line is a header when its
 * first field is `id` or `time`; otherwise the column count decides the
 * layout. `time` is `YYYY-MM-DD HH:MM:SS[.ffffff]` local time in `zone`
 * ('UTC' for a site that sets `queue_log_realtime_use_gmt`).
 */
export class QueueLogDbRowReader {
  private layout: DbLayout | undefined;
  private firstLine = true;
  /** Local minute prefix `YYYY-MM-DD HH:MM` → UTC ms of its second 0, both readings of an overlap. */
  private readonly minuteCache = new Map<string, { earlier: number; later: number }>();

  constructor(private readonly zone: string) {}

  read(text: string, watermarkMs: number | null): DbRowResult {
    const split = splitCsvRecord(text, ',');
    if (split.kind !== 'fields') {
      return {
        reason: 'bad_field_count',
        detail: split.kind === 'open' ? 'a quoted field is not closed on its line' : split.detail,
      };
    }
    const fields = split.value.fields;
    if (this.firstLine) {
      this.firstLine = false;
      const head = fields[0]?.trim().toLowerCase();
      if (head === 'id' || head === 'time') {
        const layout = layoutFromHeader(fields);
        if (typeof layout === 'string')
          return { reason: 'bad_field_count', detail: `not a queue_log table header: ${layout}` };
        this.layout = layout;
        return 'header';
      }
    }
    if (this.layout === undefined) {
      this.layout = layoutFromCount(fields.length);
      if (this.layout === undefined) {
        return {
          reason: 'bad_field_count',
          detail: `${fields.length} columns and no header: expected [id,]time,callid,queuename,agent,event,data1..data5 (or data)`,
        };
      }
    }
    const { first, dataColumns } = this.layout;
    const expected = first + BASE_COLUMNS.length + dataColumns;
    if (fields.length !== expected) {
      return { reason: 'bad_field_count', detail: `${fields.length} columns, expected ${expected}` };
    }
    const atMs = this.readTime(fields[first] ?? '', watermarkMs);
    if (typeof atMs === 'string') return { reason: 'bad_time', detail: atMs };
    const dataFields = fields.slice(first + 5);
    // Asterisk split the message on `|` into data1..data4 and left the rest in
    // the last column, so joining and re-splitting gives the file form's data.
    const joined = dataFields.length === 1 ? (dataFields[0] ?? '') : dataFields.join('|');
    return {
      atMs,
      callid: fields[first + 1] ?? '',
      queue: fields[first + 2] ?? '',
      agent: fields[first + 3] ?? '',
      event: fields[first + 4] ?? '',
      data: joined === '' ? [] : joined.split('|'),
      dataText: joined,
    };
  }

  /** Local `YYYY-MM-DD HH:MM:SS[.ffffff]` → UTC ms, or why not. */
  private readTime(s: string, watermarkMs: number | null): number | string {
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
    let atMs = minute.earlier + offset;
    // The log is written in time order: in the repeated autumn hour, a row
    // that would jump back behind what was already read is the second pass.
    if (minute.later !== minute.earlier && watermarkMs !== null && atMs < watermarkMs - OVERLAP_BACKSTEP_MS) {
      atMs = minute.later + offset;
    }
    if (atMs < EARLIEST_RECORD_MS || atMs >= LATEST_RECORD_MS)
      return `time ${JSON.stringify(s)} is not between 1990 and 2100`;
    return atMs;
  }
}
