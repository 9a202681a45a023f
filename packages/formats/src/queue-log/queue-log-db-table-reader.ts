import { splitCsvRecord } from '../csv/split-csv-record';
import { DbTimeReader } from './queue-log-db-time';
import type { LineFault, QueueLogEvent } from './queue-log-event';
import type { ColumnRef, QueueLogTable } from './queue-log-table';

export type DbRowResult = QueueLogEvent | LineFault | 'header';

/** One line of a db-form file in, an event (or why not) out. */
export interface DbRowReader {
  read(text: string, watermarkMs: number | null): DbRowResult;
}

/** The table's columns as indexes into a row. */
interface ResolvedColumns {
  time: number;
  callid: number;
  queue: number;
  agent: number;
  event: number;
  /** Data columns, joined with `|` (one column: the whole data). */
  data: readonly number[];
  /** queue_log event → its parameter columns. */
  events: ReadonlyMap<string, readonly number[]>;
  /** Fewest fields a row needs. */
  minFields: number;
}

const NO_DATA: readonly string[] = [];

function refs(value: ColumnRef | readonly ColumnRef[] | undefined): readonly ColumnRef[] {
  if (value === undefined) return [];
  return typeof value === 'string' || typeof value === 'number' ? [value] : value;
}

/**
 * Reads a queue_log table export through a column mapping
 * (docs/formats.md, "Any queue_log table layout"): columns by header name
 * (trimmed, case-insensitive, the first of duplicates) or by index, extra
 * columns ignored, the export's event names mapped to queue_log's and, per
 * event, the parameters gathered from named columns in queue_log's order.
 * A header lacking a mapped column is a `missing_field` reject naming the
 * column and listing the header's; every row after it is rejected the same
 * way, so nothing is dropped silently.
 */
export class QueueLogTableReader implements DbRowReader {
  private columns: ResolvedColumns | null = null;
  private headerFields = 0;
  private headerProblem: string | null = null;
  private readonly time: DbTimeReader;

  constructor(
    zone: string,
    private readonly table: QueueLogTable,
  ) {
    this.time = new DbTimeReader(zone, table.timeFormat);
    if (!table.header) this.columns = this.resolve((ref) => (typeof ref === 'number' ? ref : undefined), []);
  }

  /** A table whose header was already read (the auto-detected layouts that name their columns). */
  static afterHeader(zone: string, table: QueueLogTable, header: readonly string[]): QueueLogTableReader {
    const reader = new QueueLogTableReader(zone, table);
    reader.readHeader(header);
    return reader;
  }

  read(text: string, watermarkMs: number | null): DbRowResult {
    const split = splitCsvRecord(text, this.table.delimiter);
    if (split.kind !== 'fields') {
      return {
        reason: 'bad_field_count',
        detail: split.kind === 'open' ? 'a quoted field is not closed on its line' : split.detail,
      };
    }
    const fields = split.value.fields;
    if (this.columns === null) {
      this.readHeader(fields);
      return this.headerProblem === null ? 'header' : { reason: 'missing_field', detail: this.headerProblem };
    }
    if (this.headerProblem !== null) return { reason: 'missing_field', detail: this.headerProblem };
    return this.row(fields, this.columns, watermarkMs);
  }

  private readHeader(header: readonly string[]): void {
    const byName = new Map<string, number>();
    header.forEach((name, i) => {
      const key = name.trim().toLowerCase();
      if (!byName.has(key)) byName.set(key, i);
    });
    const missing: string[] = [];
    this.headerFields = header.length;
    this.columns = this.resolve((ref) => byName.get(String(ref).toLowerCase()), missing);
    if (missing.length > 0) {
      this.headerProblem = `the header has no column for ${missing.join(', ')}; it has ${header.map((f) => JSON.stringify(f)).join(', ')}`;
    }
  }

  private resolve(index: (ref: ColumnRef) => number | undefined, missing: string[]): ResolvedColumns {
    const at = (what: string, ref: ColumnRef): number => {
      const i = index(ref);
      if (i === undefined) missing.push(`${what} → ${JSON.stringify(ref)}`);
      return i ?? -1;
    };
    const { columns } = this.table;
    const events = new Map<string, readonly number[]>();
    // The fields every row needs first, so a missing one leads the message.
    const resolved: ResolvedColumns = {
      time: at('time', columns.time),
      callid: at('callid', columns.callid),
      queue: at('queue', columns.queue),
      agent: at('agent', columns.agent),
      event: at('event', columns.event),
      data: refs(columns.data).map((ref, n) => at(Array.isArray(columns.data) ? `data${n + 1}` : 'data', ref)),
      events,
      minFields: 0,
    };
    for (const [event, list] of Object.entries(this.table.events)) {
      events.set(
        event,
        (list ?? []).map((ref, n) => at(`${event} parameter ${n + 1}`, ref)),
      );
    }
    const all = [resolved.time, resolved.callid, resolved.queue, resolved.agent, resolved.event, ...resolved.data];
    for (const list of events.values()) all.push(...list);
    resolved.minFields = Math.max(...all) + 1;
    return resolved;
  }

  private row(fields: readonly string[], c: ResolvedColumns, watermarkMs: number | null): DbRowResult {
    if (this.table.header && fields.length !== this.headerFields) {
      return {
        reason: 'bad_field_count',
        detail: `${fields.length} columns, expected ${this.headerFields} as in the header`,
      };
    }
    if (fields.length < c.minFields) {
      return {
        reason: 'bad_field_count',
        detail: `${fields.length} columns, expected at least ${c.minFields} (the largest mapped index is ${c.minFields - 1})`,
      };
    }
    const cell = (i: number): string => (fields[i] ?? '').trim();
    const atMs = this.time.read(cell(c.time), watermarkMs);
    if (typeof atMs === 'string') return { reason: 'bad_time', detail: atMs };
    const named = cell(c.event);
    const event = this.table.eventNames[named] ?? named;
    const parameters = c.events.get(event);
    let data: readonly string[];
    let dataText: string;
    if (parameters !== undefined) {
      data = parameters.map(cell);
      dataText = data.join('|');
    } else {
      // Asterisk split the message on `|` into data1..data4 and left the rest in
      // the last column, so joining and re-splitting gives the file form's data.
      dataText = c.data.length === 1 ? (fields[c.data[0] ?? -1] ?? '') : c.data.map((i) => fields[i] ?? '').join('|');
      data = dataText === '' ? NO_DATA : dataText.split('|');
    }
    return { atMs, callid: cell(c.callid), queue: cell(c.queue), agent: cell(c.agent), event, data, dataText };
  }
}
