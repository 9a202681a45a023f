import { splitCsvRecord } from '../csv/split-csv-record';
import { DbTimeReader } from './queue-log-db-time';
import { QueueLogTableReader, type DbRowReader, type DbRowResult } from './queue-log-db-table-reader';
import { QueueLogTableSchema } from './queue-log-table';

export type { DbRowReader, DbRowResult } from './queue-log-db-table-reader';

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
const DATA_COLUMNS = ['data1', 'data2', 'data3', 'data4', 'data5'];

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

/**
 * The realtime table's own column names in another order or among extra
 * columns (`partition`, `serverid`, a site): read by name, or undefined
 * when a name is missing.
 */
function tableByName(zone: string, fields: readonly string[]): QueueLogTableReader | undefined {
  const names = new Set(fields.map((f) => f.trim().toLowerCase()));
  if (!BASE_COLUMNS.every((name) => names.has(name))) return undefined;
  const dataCount = DATA_COLUMNS.findIndex((name) => !names.has(name));
  const data = names.has('data') ? 'data' : DATA_COLUMNS.slice(0, dataCount === -1 ? 5 : dataCount);
  if (data.length === 0) return undefined;
  const table = QueueLogTableSchema.parse({
    columns: { time: 'time', callid: 'callid', queue: 'queuename', agent: 'agent', event: 'event', data },
  });
  return QueueLogTableReader.afterHeader(zone, table, fields);
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

/**
 * Reads the rows of one db-form file with no configured mapping. The first
 * line is a header when its first field is `id` or `time`, or when it names
 * `time` and `event` anywhere; otherwise the column count decides the layout.
 * `time` is `YYYY-MM-DD HH:MM:SS[.ffffff]` local time in `zone` ('UTC' for a
 * site that sets `queue_log_realtime_use_gmt`) or epoch seconds.
 */
export class QueueLogDbRowReader implements DbRowReader {
  private layout: DbLayout | undefined;
  private byName: QueueLogTableReader | undefined;
  private firstLine = true;
  private readonly time: DbTimeReader;

  constructor(private readonly zone: string) {
    this.time = new DbTimeReader(zone, 'auto');
  }

  read(text: string, watermarkMs: number | null): DbRowResult {
    if (this.byName !== undefined) return this.byName.read(text, watermarkMs);
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
      const names = fields.map((f) => f.trim().toLowerCase());
      if (names[0] === 'id' || names[0] === 'time' || (names.includes('time') && names.includes('event'))) {
        const layout = layoutFromHeader(fields);
        if (typeof layout !== 'string') {
          this.layout = layout;
          return 'header';
        }
        this.byName = tableByName(this.zone, fields);
        if (this.byName !== undefined) return 'header';
        return { reason: 'bad_field_count', detail: `not a queue_log table header: ${layout}` };
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
    const atMs = this.time.read(fields[first] ?? '', watermarkMs);
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
}
