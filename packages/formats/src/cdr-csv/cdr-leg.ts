import { makeReject, type Outcome, type Reject, type RejectReason } from '@cdrflow/schema';
import type { CsvRow } from '../csv/csv-row-reader';
import { readTimeAfter, type TimeReader } from '@cdrflow/time';
import type { FileContext } from '../types';
import type { CdrCsvOptions } from './cdr-csv-options';

/** Asterisk's dispositions (ast_cdr_disp2str); the outcome of a call is decided from all its legs (cdr-call-rule.ts). */
export const CDR_DISPOSITIONS: Readonly<Record<string, Outcome>> = {
  ANSWERED: 'answered',
  'NO ANSWER': 'abandoned',
  CANCEL: 'abandoned',
  BUSY: 'other',
  FAILED: 'other',
  CONGESTION: 'other',
};

/** One validated CDR row. */
export interface CdrLeg {
  line: number;
  raw: string;
  /** linkedid, else uniqueid; null when the row has neither (the call gets a line-derived id). */
  groupKey: string | null;
  /** The row's own uniqueid ('' without the column): orders legs that start in the same second. */
  uniqueid: string;
  /** cdr.c's global CDR counter (newcdrcolumns), else null: the first tie-break between legs. */
  sequence: number | null;
  src: string;
  dst: string;
  dcontext: string;
  dstchannel: string;
  lastapp: string;
  lastdata: string;
  start: number;
  answer: number | null;
  end: number;
  billsecMs: number;
  disposition: string;
}

/** Where each configured column sits in a row. */
export class CdrLayout {
  readonly count: number;
  private readonly index = new Map<string, number>();
  /** Positions of the columns read for every row (-1 when not configured), looked up once. */
  readonly at: Readonly<Record<(typeof READ_COLUMNS)[number], number>>;

  constructor(readonly columns: readonly string[]) {
    this.count = columns.length;
    columns.forEach((c, i) => this.index.set(c, i));
    const at = {} as Record<(typeof READ_COLUMNS)[number], number>;
    for (const c of READ_COLUMNS) at[c] = this.index.get(c) ?? -1;
    this.at = at;
  }

  has(column: string): boolean {
    return this.index.has(column);
  }

  get(row: CsvRow, column: string): string {
    const i = this.index.get(column);
    return i === undefined ? '' : (row.fields[i] ?? '');
  }

  /** True when a row is a header naming the configured columns (cdr_csv writes none, but hand-made exports do). */
  isHeader(row: CsvRow): boolean {
    return row.fields.length === this.count && row.fields.every((f, i) => f.trim().toLowerCase() === this.columns[i]);
  }
}

const READ_COLUMNS = [
  'disposition',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'linkedid',
  'uniqueid',
  'src',
  'dst',
  'dcontext',
  'dstchannel',
  'lastapp',
  'lastdata',
  'sequence',
] as const;

/** The field at a column position; '' for a column not configured. */
function field(row: CsvRow, at: number): string {
  return at < 0 ? '' : (row.fields[at] ?? '');
}

/** `/^-?\d+$/.test(text)` without a regex: this runs twice per row. */
function isInteger(text: string): boolean {
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function rejectRow(row: CsvRow, ctx: FileContext, reason: RejectReason, detail: string): Reject {
  return makeReject({ source: ctx.source, file: ctx.file, line: row.line }, reason, detail, row.raw);
}

/** Whole seconds within 0..maxWaitMs, or the reject. */
function seconds(row: CsvRow, ctx: FileContext, column: string, at: number, maxWaitMs: number): number | Reject {
  const text = field(row, at);
  if (!isInteger(text))
    return rejectRow(row, ctx, 'bad_number', `${column} ${JSON.stringify(text)} is not a whole number of seconds`);
  const n = Number(text);
  const maxSeconds = maxWaitMs / 1000;
  if (n < 0 || n > maxSeconds) {
    return rejectRow(
      row,
      ctx,
      'absurd_wait',
      `${column} ${n} s is outside 0..${maxSeconds} s (maxWaitMs ${maxWaitMs})`,
    );
  }
  return n;
}

/**
 * Reads and checks one row. Checks run in this order and the first failure is
 * the reject: field count, disposition, start/end present and readable,
 * answer readable, duration/billsec integers within 0..maxWaitMs, times in
 * order, billsec ≤ duration, ANSWERED has an answer time.
 */
export function readCdrLeg(
  row: CsvRow,
  layout: CdrLayout,
  options: CdrCsvOptions,
  readTime: TimeReader,
  ctx: FileContext,
): CdrLeg | Reject {
  if (row.fields.length !== layout.count) {
    return rejectRow(
      row,
      ctx,
      'bad_field_count',
      `expected ${layout.count} fields (${layout.columns.join(',')}), got ${row.fields.length}; set the source's columns to the site's cdr_csv layout`,
    );
  }
  const at = layout.at;
  const disposition = field(row, at.disposition);
  if (!Object.hasOwn(CDR_DISPOSITIONS, disposition)) {
    return rejectRow(
      row,
      ctx,
      'unknown_outcome',
      `disposition ${JSON.stringify(disposition)} is not one of ${Object.keys(CDR_DISPOSITIONS).join(', ')}`,
    );
  }
  const startText = field(row, at.start);
  const endText = field(row, at.end);
  const answerText = field(row, at.answer);
  if (startText === '') return rejectRow(row, ctx, 'missing_field', 'start is empty');
  if (endText === '') return rejectRow(row, ctx, 'missing_field', 'end is empty');
  const start = readTime(startText);
  if (start === null)
    return rejectRow(row, ctx, 'bad_time', `start ${JSON.stringify(startText)} is not YYYY-MM-DD HH:MM:SS`);
  // An unset date is an empty unquoted field in cdr_csv; "" is read the same way.
  const answer = answerText === '' ? null : readTimeAfter(readTime, answerText, start);
  if (answer === null && answerText !== '') {
    return rejectRow(row, ctx, 'bad_time', `answer ${JSON.stringify(answerText)} is not YYYY-MM-DD HH:MM:SS`);
  }
  const end = readTimeAfter(readTime, endText, answer ?? start);
  if (end === null) return rejectRow(row, ctx, 'bad_time', `end ${JSON.stringify(endText)} is not YYYY-MM-DD HH:MM:SS`);

  const duration = at.duration >= 0 ? seconds(row, ctx, 'duration', at.duration, options.maxWaitMs) : null;
  if (duration !== null && typeof duration !== 'number') return duration;
  const billsec = seconds(row, ctx, 'billsec', at.billsec, options.maxWaitMs);
  if (typeof billsec !== 'number') return billsec;

  if (answer !== null && answer < start)
    return rejectRow(row, ctx, 'impossible_times', `answer ${answerText} is before start ${startText}`);
  if (end < start) return rejectRow(row, ctx, 'impossible_times', `end ${endText} is before start ${startText}`);
  if (answer !== null && end < answer)
    return rejectRow(row, ctx, 'impossible_times', `end ${endText} is before answer ${answerText}`);
  // cdr.c: duration = end − start, billsec = end − answer, and answer is never before start (checked above).
  if (duration !== null && billsec > duration) {
    return rejectRow(
      row,
      ctx,
      'billsec_over_duration',
      `billsec ${billsec} s is more than duration ${duration} s; Asterisk counts billsec from answer and duration from start`,
    );
  }
  if (disposition === 'ANSWERED' && answer === null) {
    return rejectRow(row, ctx, 'missing_field', 'disposition is ANSWERED but answer is empty');
  }

  const linkedid = field(row, at.linkedid);
  const uniqueid = field(row, at.uniqueid);
  const sequenceText = field(row, at.sequence);
  return {
    line: row.line,
    raw: row.raw,
    groupKey: linkedid !== '' ? linkedid : uniqueid !== '' ? uniqueid : null,
    uniqueid,
    sequence: isInteger(sequenceText) ? Number(sequenceText) : null,
    src: field(row, at.src),
    dst: field(row, at.dst),
    dcontext: field(row, at.dcontext),
    dstchannel: field(row, at.dstchannel),
    lastapp: field(row, at.lastapp),
    lastdata: field(row, at.lastdata),
    start,
    answer,
    end,
    billsecMs: billsec * 1000,
    disposition,
  };
}
